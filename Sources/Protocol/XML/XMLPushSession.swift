/// One parse of a byte stream: hands bytes to libxml2 in bounded slices that end on
/// UTF-8 character boundaries, bounds what may pile up unparsed, and remembers the first
/// error so that every later call fails the same way.
final class XMLPushSession {
    /// Largest slice given to libxml2 at once, so a huge `feed` is checked as it goes.
    private static let sliceSize = 64 << 10

    let builder: XMLTreeBuilder
    private let parser: LibXML2SAXParser
    private var failure: XMLStreamError?
    /// The start of a UTF-8 sequence whose remaining bytes have not arrived yet.
    private(set) var heldBack: [UInt8] = []
    private var bytesGivenToLibxml = 0
    /// For the fragment parser: what was given to libxml2 since the last point no element
    /// was open (its first byte at offset `sinceBoundaryStart`), so that what libxml2 holds
    /// unparsed can be told without looking into its structures.
    private var sinceBoundary: [UInt8] = []
    private var sinceBoundaryStart = 0

    init(limits: XMLLimits, rootPolicy: XMLTreeBuilder.RootPolicy) {
        builder = XMLTreeBuilder(limits: limits, rootPolicy: rootPolicy)
        parser = LibXML2SAXParser(builder: builder)
        failure = builder.failure
    }

    var position: (line: Int, column: Int) { parser.position }

    /// The bytes given but not parsed yet (an incomplete tag, pending text), then any held
    /// back; kept for the fragment parser only.
    var unparsedBytes: [UInt8] {
        let start = min(max(0, parser.consumed - sinceBoundaryStart), sinceBoundary.count)
        return Array(sinceBoundary[start...]) + heldBack
    }

    /// Feeds bytes and returns the events they completed; after a throw every call throws.
    func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLStreamEvent] {
        var events: [XMLStreamEvent] = []
        try feed(bytes[...], into: &events)
        return events
    }

    /// Feeds bytes and appends the events they completed to `events`. The bytes are given
    /// to libxml2 where they are, unless part of a character came before them.
    func feed(_ bytes: ArraySlice<UInt8>, into events: inout [XMLStreamEvent]) throws(XMLStreamError) {
        if let failure { throw failure }
        var input = bytes
        if !heldBack.isEmpty {
            input = ArraySlice(heldBack + bytes)
            heldBack = []
        }
        let completeEnd = input.endIndex - Self.incompleteUTF8SuffixLength(input)
        if completeEnd < input.endIndex { heldBack = Array(input[completeEnd...]) }
        var start = input.startIndex
        while start < completeEnd {
            let end = Self.sliceEnd(in: input, from: start, limit: completeEnd)
            let error = input[start..<end].withUnsafeBufferPointer { parser.parse($0) }
            if builder.rootPolicy == .fragmentWrapper { rememberUnparsed(input[start..<end]) }
            bytesGivenToLibxml += end - start
            start = end
            if let error = error ?? checkUnparsedLimit() { try fail(error) }
        }
        builder.takeEvents(into: &events)
    }

    private func rememberUnparsed(_ given: ArraySlice<UInt8>) {
        sinceBoundary.append(contentsOf: given)
        let drop = min(max(0, parser.consumedAtLastBoundary - sinceBoundaryStart), sinceBoundary.count)
        if drop > 0 {
            sinceBoundary.removeFirst(drop)
            sinceBoundaryStart += drop
        }
    }

    func fail(_ error: XMLStreamError) throws(XMLStreamError) -> Never {
        failure = error
        throw error
    }

    /// Bytes received since the last point no element was open bound the element under
    /// way, whatever libxml2 has buffered of it. A stream's stanzas are bounded before they
    /// get here (`XMLStanzaFramer`, which drops the ones too large instead of failing), so
    /// this bounds what a user types into the fragment parser.
    private func checkUnparsedLimit() -> XMLStreamError? {
        guard builder.rootPolicy == .fragmentWrapper, !builder.rootClosed else { return nil }
        let pending = bytesGivenToLibxml - parser.consumedAtLastBoundary
        if builder.rootOpened {
            return pending > builder.limits.maxStanzaBytes ? .stanzaTooLarge(limit: builder.limits.maxStanzaBytes) : nil
        }
        return pending > builder.limits.maxHeaderBytes ? .headerTooLarge(limit: builder.limits.maxHeaderBytes) : nil
    }

    /// The end of a slice starting at `start`: at most `sliceSize` bytes, never inside a
    /// UTF-8 sequence.
    private static func sliceEnd(in bytes: ArraySlice<UInt8>, from start: Int, limit: Int) -> Int {
        var end = min(start + sliceSize, limit)
        guard end < limit else { return end }
        var stepsBack = 0
        while stepsBack < 3, end - 1 > start, isContinuationByte(bytes[end]) {
            end -= 1
            stepsBack += 1
        }
        return end
    }

    /// How many trailing bytes form the start of a UTF-8 sequence that is not complete yet.
    /// Invalid sequences are left for libxml2 to report.
    static func incompleteUTF8SuffixLength(_ bytes: ArraySlice<UInt8>) -> Int {
        var index = bytes.endIndex - 1
        var continuations = 0
        while index >= bytes.startIndex, continuations < 3, isContinuationByte(bytes[index]) {
            index -= 1
            continuations += 1
        }
        guard index >= bytes.startIndex else { return 0 }
        let lead = bytes[index]
        let expected: Int
        switch lead {
        case 0xC2...0xDF: expected = 2
        case 0xE0...0xEF: expected = 3
        case 0xF0...0xF4: expected = 4
        default: return 0
        }
        let available = bytes.endIndex - index
        return available < expected ? available : 0
    }

    private static func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
