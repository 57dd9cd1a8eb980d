import Glibc

/// Tells, before any of it is parsed, which bytes of an XMPP stream are the stream's own
/// markup (the prolog and `<stream:stream>` header, whitespace between stanzas, the closing
/// tag) and which belong to a first-level element, and when a first-level element breaks
/// a limit.
///
/// Why it exists: any contact can send a stanza nested too deeply or too large, and the
/// server forwards it. Such a stanza is its sender's doing, not the server's, so it is
/// dropped whole and the stream goes on. From the byte that breaks the limit on, libxml2 is
/// given nothing more of it, which also keeps libxml2's own fatal limits (nesting of 256,
/// names of 50,000 bytes) out of any sender's reach; and memory stays flat while the rest is
/// skipped, since only its start tag is kept, so that the caller can still say who sent it.
///
/// It knows XML's lexical structure only (tags, quoted attribute values, comments, CDATA
/// sections, processing instructions, declarations): enough to find where each element
/// ends in well-formed input. Well-formedness is libxml2's to judge: every byte that is not
/// part of a dropped element reaches it unchanged.
///
/// It looks at every byte of a stream, so it is written to be cheap: pieces are slices of
/// the bytes given (no copies), a byte kept only moves the end of the pending slice,
/// character data and attribute values are taken in runs, and a stanza that came whole in
/// the usual shape is taken in one pass (XMLStanzaFramerWholeElement.swift).
///
/// Its state is internal rather than private only so that the lexer (the byte-by-byte
/// reading of markup, XMLStanzaFramerLexer.swift) can live in a file of its own.
struct XMLStanzaFramer {
    enum Piece: Equatable {
        /// Stream markup, to be parsed as it comes.
        case markup(ArraySlice<UInt8>)
        /// Bytes of a first-level element, to be parsed as they come; `starts` when they are
        /// its first ones (the stream stands between two stanzas just before them).
        case element(ArraySlice<UInt8>, starts: Bool)
        /// The element under way broke a limit: what was parsed of it is to be forgotten, and
        /// nothing more of it comes. It is reported at once, not when it ends, since one that
        /// never ends must still be reported. `stub` is its start tag followed at once by its
        /// end tag, when the start tag was complete and fit within the limits; `name` is its
        /// qualified name as written (cut short if it was the name that was too long).
        case dropped(DroppedStanza.Reason, name: String, stub: [UInt8]?)
    }

    enum Phase {
        /// Before the root's start tag is complete: everything is header.
        case prolog
        /// Inside the root: stanzas and whitespace.
        case stream
        /// After the root's end tag: nothing more is parsed.
        case ended
    }

    enum Lexical {
        case text
        /// Just after `<`.
        case markupStart
        /// In the element name of a start tag.
        case elementName
        /// In a start tag after its name, outside quotes.
        case startTag
        /// In an attribute value opened by this quote character.
        case quoted(UInt8)
        case endTag
        /// After `<!`, before it is known which construct follows.
        case bang
        case comment(dashes: Int)
        case cdata(brackets: Int)
        case processingInstruction(question: Bool)
        case declaration(brackets: Int, quote: UInt8?)
    }

    let limits: XMLLimits
    /// The prolog and the root's start tag, exactly as received: what a fresh libxml2
    /// parse is given to stand where the stream stands.
    private(set) var header: [UInt8] = []
    var phase = Phase.prolog
    var lexical = Lexical.text
    /// The byte before the current one: a `/` before `>` closes an empty element.
    var previous: UInt8 = 0
    /// What followed `<!` so far.
    var bangBytes: [UInt8] = []
    /// The length of the name being read (element or attribute name).
    var nameLength = 0

    // The first-level element under way.
    var inElement = false
    /// Its start tag once complete, for as long as the element is under way: the stub of a
    /// dropped element is made of it. Until then, the part of it that came in earlier calls.
    var startTag: ArraySlice<UInt8> = []
    /// Where the start tag's bytes in the current call begin (-1: with a `<` held back
    /// from the previous call).
    var startTagFrom = 0
    /// Its size so far, kept or not.
    var elementSize = 0
    /// Elements open inside the root, the first-level one included, once their start tags are complete.
    var depth = 0
    var dropReason: DroppedStanza.Reason?
    var elementName: [UInt8] = []
    /// The length of its start tag, once complete.
    var startTagLength: Int?

    var pieces: [Piece] = []
    /// The bytes of the current call, and the position of the one being looked at.
    var input: [UInt8] = []
    var current = 0
    /// Bytes not yet made a piece, markup or the element's: `input[pendingStart..<pendingEnd]`,
    /// after a `<` held back from the previous call when `pendingHeldLessThan`.
    var pendingStart = 0
    var pendingEnd = 0
    var pendingHeldLessThan = false
    var pendingIsElement = false
    var pendingStartsElement = false

    init(limits: XMLLimits) {
        self.limits = limits
    }

    mutating func split(_ bytes: [UInt8]) throws(XMLStreamError) -> [Piece] {
        input = bytes
        defer { input = [] }
        // Through a buffer pointer: no bounds check or retain for each byte looked at.
        try bytes.withUnsafeBufferPointer { (buffer) throws(XMLStreamError) in try scanAll(buffer) }
        if inElement && startTagLength == nil && dropReason == nil {
            // The start tag goes on in the next call: what came of it here is kept.
            startTag.append(contentsOf: slice(from: startTagFrom, upTo: bytes.count))
            startTagFrom = 0
        }
        flushPending()
        defer { pieces.removeAll(keepingCapacity: true) }
        return pieces
    }

    mutating func scanAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(XMLStreamError) {
        var index = 0
        while index < bytes.count {
            if let end = attributeEnd(in: bytes, from: index) {
                // What `scan` would have done byte by byte: counted, kept, back in the tag.
                elementSize += end - index
                addPending(index..<end)
                lexical = .startTag
                nameLength = 0
                previous = bytes[end - 1]
                index = end
                continue
            }
            if let runEnd = runEnd(in: bytes, from: index) {
                switch lexical {
                case .text, .quoted: keepRun(index..<runEnd)
                default: keepNameRun(index..<runEnd)
                }
                previous = bytes[runEnd - 1]
                index = runEnd
                continue
            }
            let byte = bytes[index]
            current = index
            index += 1
            switch phase {
            case .ended:
                break
            case .prolog:
                header.append(byte)
                guard header.count <= limits.maxHeaderBytes else { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
                // RFC 6120 §11.6: UTF-8 only. A byte-order mark of UTF-16 (FF FE, FE FF) or a
                // NUL of UTF-16 or UCS-4 would make libxml2 switch encodings: neither byte
                // can occur in a UTF-8 XML document.
                guard byte != 0x00 && byte < 0xFE else {
                    throw .malformed(message: "the stream is not in UTF-8 (RFC 6120 §11.6)", line: 1, column: header.count)
                }
                emitMarkup(at: current)
                scan(byte)
            case .stream:
                if inElement {
                    keep(at: current)
                    scan(byte)
                } else if case .markupStart = lexical {
                    scanAfterTopLevelLessThan(byte)
                } else if case .text = lexical, byte == UInt8(ascii: "<") {
                    if let end = takeWholeElement(in: bytes, from: current) {
                        index = end
                        continue
                    }
                    lexical = .markupStart  // held back until the next byte says what it starts
                } else {
                    emitMarkup(at: current)
                    scan(byte)
                }
            }
            previous = byte
        }
    }

    // MARK: Where bytes go

    /// Inside an element, character data runs to the next `<`, an attribute value to its
    /// closing quote, and a name to the next byte that ends it, with nothing to look at on
    /// the way but the count: where such a run starts at `start`, its end, so that it is
    /// taken whole (what keeps the framer cheap next to libxml2).
    func runEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard phase == .stream, inElement else { return nil }
        var end = start
        switch lexical {
        case .text:
            end = Self.firstIndex(of: UInt8(ascii: "<"), in: bytes, from: start)
        case .quoted(let quote):
            end = Self.firstIndex(of: quote, in: bytes, from: start)
        case .elementName:
            while end < bytes.count, !Self.endsElementName(bytes[end]) { end += 1 }
        case .startTag:
            while end < bytes.count, !Self.endsAttributeName(bytes[end]) { end += 1 }
        case .endTag:
            while end < bytes.count, bytes[end] != UInt8(ascii: ">"), !Self.isSpace(bytes[end]) { end += 1 }
        default:
            return nil
        }
        return end > start ? end : nil
    }

    /// Where an attribute (` name='value'`) that starts at `start` in a start tag, after its
    /// element's name or another attribute, ends, when `scan` would take it byte by byte
    /// without anything but counting and keeping it: all of it in this call, in the usual
    /// shape, within the limits, in an element not being dropped. Stanzas are mostly
    /// attributes; taken whole they cost a fraction.
    ///
    /// Tried only at the first space of a run of them, so that input that fails it (a
    /// value whose closing quote has not come) is not scanned again and again.
    func attributeEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        switch lexical {
        case .startTag, .elementName: break
        default: return nil
        }
        guard phase == .stream, inElement, dropReason == nil, Self.isSpace(bytes[start]), !Self.isSpace(previous)
        else { return nil }
        var index = start
        func skipSpaces() { while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 } }
        skipSpaces()
        let nameStart = index
        while index < bytes.count, !Self.endsAttributeName(bytes[index]) { index += 1 }
        guard index > nameStart, index - nameStart <= limits.maxNameBytes else { return nil }
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else { return nil }
        let closing = Self.firstIndex(of: bytes[index], in: bytes, from: index + 1)
        guard closing < bytes.count, elementSize + (closing + 1 - start) <= limits.maxStanzaBytes else { return nil }
        return closing + 1
    }

    /// Where `byte` next occurs from `start` on, or the end: memchr(3), as runs of text can
    /// be long.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(byte), bytes.count - start)
        else { return bytes.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// What ends an element name in `scanName`.
    static func endsElementName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }

    /// What `scanStartTag` does more with than count it as a byte of a name.
    static func endsAttributeName(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "/"): return true
        default: return isSpace(byte)
        }
    }

    /// A run of name bytes (`runEnd`), as `scan` would take them one by one: each counts
    /// towards the name's length, and an element's own name is remembered.
    mutating func keepNameRun(_ run: Range<Int>) {
        let skipped = dropReason != nil
        guard skipped || (elementSize + run.count <= limits.maxStanzaBytes && nameLength + run.count <= limits.maxNameBytes) else {
            // One by one: a limit falls inside the run.
            for position in run {
                current = position
                keep(at: position)
                scan(input[position])
                previous = input[position]
            }
            return
        }
        if case .elementName = lexical, startTagLength == nil, !skipped, elementName.count < limits.maxNameBytes {
            elementName.append(contentsOf: input[run].prefix(limits.maxNameBytes - elementName.count))
        }
        nameLength += run.count
        keepRun(run)
    }

    /// `keep` for a run of bytes that changes no lexical state.
    mutating func keepRun(_ run: Range<Int>) {
        if dropReason != nil {
            elementSize += run.count  // being skipped: only counted
            return
        }
        guard elementSize + run.count <= limits.maxStanzaBytes else {
            for position in run { keep(at: position) }  // one by one: the limit falls inside the run
            return
        }
        elementSize += run.count
        addPending(run)
    }

    /// A `<` between stanzas starts a stanza, or the stream's end tag, or a construct the
    /// stream may not contain (which libxml2 then refuses).
    mutating func scanAfterTopLevelLessThan(_ byte: UInt8) {
        // The `<` is the byte before this one, which may have come in the previous call.
        let lessThan = current - 1
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?"):
            emitMarkup(at: lessThan)
            emitMarkup(at: current)
            scan(byte)
        default:
            flushPending()
            inElement = true
            pendingIsElement = true
            pendingStartsElement = true
            startTag = []
            startTagFrom = lessThan
            elementSize = 0
            keep(at: lessThan)
            keep(at: current)
            scan(byte)
        }
    }

    mutating func emitMarkup(at position: Int) {
        if pendingIsElement { flushPending() }
        addPending(position..<position + 1)
    }

    /// Counts a byte of the element under way and passes it on unless the element is dropped.
    mutating func keep(at position: Int) {
        elementSize += 1
        guard dropReason == nil else { return }
        if elementSize > limits.maxStanzaBytes {
            drop(.tooLarge(limit: limits.maxStanzaBytes))
            return
        }
        addPending(position..<position + 1)
    }

    mutating func drop(_ reason: DroppedStanza.Reason) {
        guard dropReason == nil else { return }
        dropReason = reason
        let stub = startTagLength == nil ? nil : Array(startTag) + Array("</".utf8) + elementName + [UInt8(ascii: ">")]
        startTag = []
        // Everything before the byte that broke the limit reaches libxml2, however the reads
        // fell, so that a mistake in it is found (or not) the same way every time.
        flushPending()
        pieces.append(.dropped(reason, name: String(decoding: elementName, as: UTF8.self), stub: stub))
    }

    /// Makes `run` (positions in `input`, -1 for the `<` held back from the previous call)
    /// the next pending bytes. Bytes that do not follow the pending ones start a piece of
    /// their own, which for libxml2 is only another chunking.
    mutating func addPending(_ run: Range<Int>) {
        var start = run.lowerBound
        if start < 0 {
            flushPending()
            pendingHeldLessThan = true
            start = 0
            pendingStart = 0
            pendingEnd = 0
        }
        let isEmpty = pendingStart == pendingEnd && !pendingHeldLessThan
        if isEmpty || pendingEnd != start {
            flushPending()
            pendingStart = start
        }
        pendingEnd = run.upperBound
    }

    mutating func flushPending() {
        guard pendingHeldLessThan || pendingStart < pendingEnd else { return }
        let bytes = slice(from: pendingHeldLessThan ? -1 : pendingStart, upTo: pendingEnd)
        pieces.append(pendingIsElement ? .element(bytes, starts: pendingStartsElement) : .markup(bytes))
        pendingHeldLessThan = false
        pendingStart = 0
        pendingEnd = 0
        pendingStartsElement = false
    }

    /// `input[start..<end]`, a `<` held back from the previous call first when `start` is -1
    /// (the one case where a piece is copied).
    func slice(from start: Int, upTo end: Int) -> ArraySlice<UInt8> {
        guard start < 0 else { return input[start..<end] }
        return ArraySlice([UInt8(ascii: "<")] + input[0..<end])
    }
}
