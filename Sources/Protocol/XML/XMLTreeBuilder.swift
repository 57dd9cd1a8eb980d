/// Turns SAX callbacks into stream events and element trees, enforcing the depth and
/// accumulated-size limits. It knows nothing of libxml2: the parser door feeds it plain
/// Swift values, so the tree rules live in one place for both public parsers.
final class XMLTreeBuilder {
    /// What the root element must be.
    enum RootPolicy {
        /// `<stream:stream>` in the streams namespace; text between stanzas is ignored.
        case xmppStream
        /// A synthetic wrapper around user input; text between elements is an error.
        case fragmentWrapper
    }

    private struct OpenElement {
        var element: XMLElement
    }

    let limits: XMLLimits
    let rootPolicy: RootPolicy
    /// Where libxml2 is in the input, for errors the builder itself detects.
    var locate: () -> (line: Int, column: Int) = { (0, 0) }

    private(set) var failure: XMLStreamError?
    private(set) var rootOpened = false
    private(set) var rootClosed = false
    // The state every SAX callback touches is exempt from Swift's run-time exclusivity
    // checks (`@exclusivity(unchecked)`): they were a tenth of what a record costs `listen`.
    // Only this class's own methods touch it, one at a time on one thread (libxml2 never
    // calls back into a callback), so no two accesses can overlap. Everything else keeps
    // the checks.
    @exclusivity(unchecked) private var events: [XMLStreamEvent] = []
    /// The stanza being built and its open descendants; empty between stanzas.
    @exclusivity(unchecked) private var openElements: [OpenElement] = []
    /// Character data of the innermost open element not yet made a text child. Only the
    /// innermost can have any (a parent's is made a child when one of its children starts),
    /// so one buffer serves them all, and keeps its room from stanza to stanza.
    @exclusivity(unchecked) private var pendingText: [UInt8] = []
    /// The most room `pendingText` keeps once a stanza with more text has gone.
    private static let keptTextCapacity = 64 << 10
    @exclusivity(unchecked) private var stanzaContentBytes = 0
    /// Asked, at the start of each stanza, whether anyone will read it; nil: every stanza is
    /// read.
    var readsElement: ((XMLElementStart) -> Bool)?
    /// Set while a stanza nobody reads is under way: its descendants open below it, whose
    /// content is parsed by libxml2 but not kept.
    @exclusivity(unchecked) private var unreadDepth: Int?

    init(limits: XMLLimits, rootPolicy: RootPolicy) {
        self.limits = limits
        self.rootPolicy = rootPolicy
    }

    /// True while the root is open and no stanza is: the points where memory is released.
    var isBetweenStanzas: Bool { rootOpened && !rootClosed && openElements.isEmpty }

    /// The name of the innermost element under construction, if any.
    var innermostOpenElementName: String? { openElements.last?.element.name }

    /// Whether a stanza nobody reads is under way: an element that starts inside it goes to
    /// `startUnreadElement` instead of `startElement`, so that nothing of it is decoded.
    var isInUnreadStanza: Bool { unreadDepth != nil }

    func takeEvents() -> [XMLStreamEvent] {
        defer { events.removeAll() }
        return events
    }

    /// `takeEvents` for a caller that gathers them: its array grows, this one keeps its room.
    func takeEvents(into gathered: inout [XMLStreamEvent]) {
        gathered.append(contentsOf: events)
        events.removeAll(keepingCapacity: true)
    }

    /// Records the first error; later ones are consequences of it.
    func fail(_ error: XMLStreamError) {
        if failure == nil { failure = error }
    }

    func startElement(
        name: String, namespace: String?, attributes: [XMLAttribute], defaultNamespace: String?
    ) {
        guard failure == nil else { return }
        if !rootOpened {
            openRoot(name: name, namespace: namespace, attributes: attributes,
                     defaultNamespace: defaultNamespace)
            return
        }
        guard openElements.count < limits.maxDepth else {
            fail(.tooDeep(limit: limits.maxDepth))
            return
        }
        if rootPolicy == .xmppStream, openElements.isEmpty, name == "stream", namespace == Namespace.streams {
            // Not a stanza that would never end: a stream may not be opened twice.
            fail(.notAStream("a second stream header inside the stream"))
            return
        }
        var size = name.utf8.count
        for attribute in attributes { size += attribute.name.utf8.count + attribute.value.utf8.count }
        guard account(size) else { return }
        flushText()
        openElements.append(OpenElement(element: XMLElement(
            name, namespace: namespace, orderedAttributes: attributes)))
    }

    /// The start of a stanza, before its attributes are decoded, when someone may not read
    /// it (`readsElement`): true when nobody will, and the stanza has then begun, unread
    /// (or the stream failed); false when it is to be given to `startElement` as usual.
    func startsUnreadStanza(_ start: XMLElementStart) -> Bool {
        guard failure == nil, rootOpened, openElements.isEmpty, let readsElement else { return false }
        if rootPolicy == .xmppStream, start.name == "stream", start.namespace == Namespace.streams { return false }
        guard !readsElement(start) else { return false }
        unreadDepth = 0
        openElements.append(OpenElement(element: XMLElement(start.name, namespace: start.namespace, orderedAttributes: [])))
        return true
    }

    /// An element inside a stanza nobody reads: only its depth is kept. (Nor is its size
    /// counted: what it would hold is never more than its bytes as received, which
    /// `XMLStanzaFramer` has already bounded.)
    func startUnreadElement() {
        guard failure == nil, let depth = unreadDepth else { return }
        guard openElements.count + depth < limits.maxDepth else {
            fail(.tooDeep(limit: limits.maxDepth))
            return
        }
        unreadDepth = depth + 1
    }

    func endElement() {
        guard failure == nil else { return }
        if let depth = unreadDepth {
            guard depth == 0 else {
                unreadDepth = depth - 1
                return
            }
            unreadDepth = nil
            stanzaContentBytes = 0
            if let stanza = openElements.popLast() { events.append(.unreadElement(stanza.element)) }
            return
        }
        flushText()
        guard let finished = openElements.popLast() else {
            rootClosed = true
            events.append(.streamClosed)
            return
        }
        if openElements.isEmpty {
            stanzaContentBytes = 0
            events.append(.element(finished.element))
        } else {
            openElements[openElements.count - 1].element.append(finished.element)
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, !bytes.isEmpty else { return }
        if openElements.isEmpty {
            if rootPolicy == .fragmentWrapper && !bytes.allSatisfy(Self.isXMLSpace) {
                let (line, column) = locate()
                fail(.malformed(message: "text outside an element", line: line, column: column))
            }
            return
        }
        guard unreadDepth == nil, account(bytes.count) else { return }
        pendingText.append(contentsOf: bytes)
    }

    /// Makes the pending character data a text child of the innermost open element.
    private func flushText() {
        guard !pendingText.isEmpty, !openElements.isEmpty else { return }
        openElements[openElements.count - 1].element.append(text: String(decoding: pendingText, as: UTF8.self))
        pendingText.removeAll(keepingCapacity: pendingText.capacity <= Self.keptTextCapacity)
    }

    static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func openRoot(
        name: String, namespace: String?, attributes: [XMLAttribute], defaultNamespace: String?
    ) {
        rootOpened = true
        switch rootPolicy {
        case .fragmentWrapper:
            break
        case .xmppStream:
            guard name == "stream", namespace == Namespace.streams else {
                let found = namespace.flatMap { $0.isEmpty ? nil : "<\(name)> in namespace \($0)" }
                    ?? "<\(name)> without a namespace"
                fail(.notAStream("expected <stream:stream> in \(Namespace.streams), found \(found)"))
                return
            }
            events.append(.streamOpened(StreamHeader(
                attributes: attributes, defaultNamespace: defaultNamespace)))
        }
    }

    /// Counts decoded data held for the current stanza; false (and failed) past the limit.
    private func account(_ byteCount: Int) -> Bool {
        stanzaContentBytes += byteCount
        guard stanzaContentBytes <= limits.maxStanzaBytes else {
            fail(.stanzaTooLarge(limit: limits.maxStanzaBytes))
            return false
        }
        return true
    }
}
