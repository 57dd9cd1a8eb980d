/// An XMPP stream at the level of elements: opens the stream, writes elements, reads events.
///
/// Outgoing elements are queued and written together when the connection next waits for
/// input (or on `flush`), so everything that needs no answer travels in one write: this is
/// what pipelines the login and the messages. `roundTrips` counts the waits that followed a
/// write, the number that matters for latency.
public final class StreamConnection {
    public private(set) var transport: Transport
    private let parser: XMLStreamParser
    private var events: [XMLStreamEvent] = []
    private var eventIndex = 0
    private var outbox: [UInt8] = []
    private var wroteSinceLastRead = false
    private let tracer: Tracer?
    /// The name of the host at the other end, for error messages.
    public let peerName: String


    /// Waits for input that followed a write: the round trips this stream has cost so far,
    /// from the TCP connect on (the connect and each TLS handshake are added as they happen).
    public private(set) var roundTrips = 0

    /// Adds round trips made beneath the stream: the TCP connect, a TLS handshake.
    public func countRoundTrips(_ count: Int) {
        roundTrips += count
    }
    /// Sees every event as it is parsed, before anyone handles it: what `raw` prints.
    public var onReceive: ((XMLStreamEvent) -> Void)?
    /// When bytes last arrived from the server: what keepalives measure silence against.
    public private(set) var lastReceived = Deadline.now()
    /// Whether the server closed its stream (`</stream:stream>`).
    public private(set) var serverClosedStream = false
    /// Takes the stanzas that broke a limit and were left out (`XMLStreamParser`); while it
    /// is nil (before a session exists) such a stanza ends the stream.
    public var onDroppedStanza: ((DroppedStanza) -> Void)?
    /// Says, from a first-level element's start tag, whether anyone will read it
    /// (`XMLStreamParser.readsElement`): one nobody reads is parsed without a tree being
    /// built, and goes to `onUnreadElement`, in stream order, instead of being returned.
    /// While a trace or `onReceive` is watching, every element is read: they show elements
    /// whole.
    public var readsElement: ((XMLElementStart) -> Bool)?
    public var onUnreadElement: ((XMLElement) -> Void)?

    public init(transport: Transport, peerName: String, limits: XMLLimits = .default, tracer: Tracer?) {
        self.transport = transport
        self.peerName = peerName
        self.parser = XMLStreamParser(limits: limits)
        self.tracer = tracer
    }

    /// Swaps the transport (after STARTTLS) and starts a new parse: the server sends a
    /// new stream header on the new transport (RFC 6120 §5.4.3.3).
    public func replaceTransport(_ newTransport: Transport) {
        transport = newTransport
        restartParser()
    }

    /// Forgets the parse state for a stream restart (RFC 6120 §4.3.3). Safe because the
    /// server sends nothing after `<proceed/>` or `<success/>` until our new header.
    public func restartParser() {
        parser.reset()
        events.removeAll()
        eventIndex = 0
    }

    /// Queues the initial stream header (RFC 6120 §4.7).
    public func queueStreamHeader(to domain: String, from: String?) {
        var header = "<?xml version='1.0'?><stream:stream to='\(XMLEscaping.escapeAttribute(domain))'"
        if let from { header += " from='\(XMLEscaping.escapeAttribute(from))'" }
        header += " version='1.0' xml:lang='en' xmlns='\(Namespace.client)'"
        header += " xmlns:stream='\(Namespace.streams)'>"
        queueRaw(header)
    }

    /// Queues the closing tag of our stream (RFC 6120 §4.4). Nothing is written after it:
    /// what is queued later (an answer to something the server sent meanwhile) is dropped.
    public func queueStreamClose() {
        queueRaw("</stream:stream>")
        closedOurStream = true
    }

    /// Whether our `</stream:stream>` is queued or sent.
    public private(set) var closedOurStream = false

    /// Queues an element; `redacted` replaces its content in traces (SASL payloads).
    public func queue(_ element: XMLElement, redacted: Bool = false) {
        guard !closedOurStream else { return }
        guard let tracer else {
            element.appendSerialized(to: &outbox, parentNamespace: Namespace.client)
            return
        }
        let text = element.serialized(parentNamespace: Namespace.client)
        if redacted {
            var shown = element
            shown.children = [.text("[redacted]")]
            tracer(.sent(shown.serialized(parentNamespace: Namespace.client)))
        } else if let shown = SASL2Trace.redacted(element) {
            tracer(.sent(shown.serialized(parentNamespace: Namespace.client)))
        } else {
            tracer(.sent(text))
        }
        outbox.append(contentsOf: text.utf8)
    }

    /// Queues text as it is (stream header and footer, whitespace keepalives).
    public func queueRaw(_ text: String) {
        guard !closedOurStream else { return }
        tracer?(.sent(text))
        outbox.append(contentsOf: Array(text.utf8))
    }

    /// Writes everything queued.
    public func flush(deadline: Deadline) throws(XMPPError) {
        guard !outbox.isEmpty else { return }
        let bytes = outbox
        outbox.removeAll(keepingCapacity: true)
        do {
            try transport.write(bytes, deadline: deadline)
        } catch {
            throw Self.mapTransportError(error, while: "while sending to \(peerName)", peer: peerName)
        }
        wroteSinceLastRead = true
    }


    /// The next event from the server, flushing queued output first.
    /// Throws `.streamError` for `<stream:error>`, so callers only ever see the happy path;
    /// dropped stanzas go to `onDroppedStanza` and are never returned.
    public func nextEvent(deadline: Deadline, waitingFor what: String) throws(XMPPError) -> XMLStreamEvent {
        try flush(deadline: deadline)
        while true {
            if let event = try popEvent() { return event }
            try readMore(deadline: deadline, waitingFor: what)
        }
    }

    /// The next event already received, without reading; `nil` when there is none.
    public func bufferedEvent() throws(XMPPError) -> XMLStreamEvent? {
        try popEvent()
    }

    private func popEvent() throws(XMPPError) -> XMLStreamEvent? {
        while eventIndex < events.count {
            let event = events[eventIndex]
            eventIndex += 1
            if eventIndex == events.count {
                events.removeAll(keepingCapacity: true)
                eventIndex = 0
            }
            switch event {
            case .element(let element) where element.name == "error" && element.namespace == Namespace.streams:
                // RFC 6120 §4.9.1.1: the stream is over; we close our side of it too.
                if !closedOurStream {
                    queueStreamClose()
                    try? flush(deadline: .after(seconds: 1))
                }
                throw .streamError(Self.streamErrorCondition(element))
            case .streamClosed:
                serverClosedStream = true
            case .droppedStanza(let dropped):
                try handOver(dropped)
                continue
            case .unreadElement(let element):
                onUnreadElement?(element)
                continue
            default:
                break
            }
            return event
        }
        return nil
    }

    /// A stanza that broke a limit may come from anyone and goes to `onDroppedStanza`; any
    /// other element that did, or a stanza before there is a session to take it, is the
    /// server's own doing, and ends the stream.
    private func handOver(_ dropped: DroppedStanza) throws(XMPPError) {
        guard dropped.isStanza, let onDroppedStanza else {
            throw .protocolViolation("\(peerName) sent <\(dropped.qualifiedName)> with \(dropped.reason)")
        }
        onDroppedStanza(dropped)
    }

    /// Whether an event is already parsed and waiting, so `nextEvent` would not block.
    public var hasBufferedEvent: Bool { eventIndex < events.count }

    /// The next element, treating a closed stream as a lost connection.
    public func nextElement(deadline: Deadline, waitingFor what: String) throws(XMPPError) -> XMLElement {
        while true {
            switch try nextEvent(deadline: deadline, waitingFor: what) {
            case .element(let element):
                return element
            case .streamClosed:
                throw .connectionLost("waiting for \(what): the server closed the stream")
            case .streamOpened:
                throw .protocolViolation("unexpected stream header from \(peerName) while waiting for \(what)")
            case .droppedStanza, .unreadElement:
                continue  // never returned: handed to onDroppedStanza or onUnreadElement
            }
        }
    }

    /// Reads the server's stream header, then its `<stream:features/>` (RFC 6120 §4.3.2).
    public func readHeaderAndFeatures(deadline: Deadline) throws(XMPPError) -> XMLElement {
        switch try nextEvent(deadline: deadline, waitingFor: "the server's stream header") {
        case .streamOpened(let header):
            if header.version.map({ !$0.hasPrefix("1.") }) ?? true {
                throw .protocolViolation("\(peerName) does not speak XMPP 1.0 (stream version \(header.version ?? "missing"))")
            }
            // RFC 6120 §4.8.2: a client stream's content namespace is jabber:client.
            guard header.defaultNamespace == Namespace.client else {
                throw .protocolViolation(
                    "\(peerName) opened its stream in \(header.defaultNamespace.map { "the namespace \($0)" } ?? "no namespace"), not \(Namespace.client)")
            }
        case .element(let element):
            throw .protocolViolation("expected a stream header from \(peerName), got <\(element.name)>")
        case .streamClosed:
            throw .connectionLost("while opening the stream: the server closed it")
        case .droppedStanza(let dropped):
            throw .protocolViolation("expected a stream header from \(peerName), got <\(dropped.qualifiedName)>")
        case .unreadElement(let element):
            throw .protocolViolation("expected a stream header from \(peerName), got <\(element.name)>")
        }
        let features = try nextElement(deadline: deadline, waitingFor: "stream features")
        guard features.name == "features", features.namespace == Namespace.streams else {
            throw .protocolViolation("expected <stream:features/> from \(peerName), got <\(features.name)>")
        }
        tracer?(.fact(.features(features, secured: transport is TLSConnection)))
        return features
    }

    /// Flushes, then waits until the server has sent something or `other` (stdin, say) is
    /// readable, or the deadline passes (both false then, or after a signal).
    public func waitForInput(alsoWatching other: Int32?, deadline: Deadline) throws(XMPPError) -> InputReadiness {
        try flush(deadline: deadline)
        if hasBufferedEvent || transport.hasBufferedData { return InputReadiness(first: true, second: false) }
        let fd = transport.fileDescriptor
        guard fd >= 0 else { return InputReadiness(first: true, second: false) }
        do {
            return try XMPPProtocol.waitForInput(fd, other, deadline: deadline)
        } catch {
            throw Self.mapTransportError(error, while: "while waiting for input", peer: peerName)
        }
    }

    /// Waits for input from the server or from `other` (stdin, say) until `deadline`; hands
    /// each event the server sent to `handle` (a closed stream is a lost connection), and
    /// says whether `other` is readable. What long-running loops (a session, or `raw` before
    /// one exists) follow the stream with.
    public func pump(
        alsoWatching other: Int32?, deadline: Deadline, handle: (XMLStreamEvent) throws(XMPPError) -> Void
    ) throws(XMPPError) -> Bool {
        let ready = try waitForInput(alsoWatching: other, deadline: deadline)
        guard ready.first else { return ready.second }
        try receiveAvailable(deadline: deadline.earlier(.after(seconds: 0.05)))
        while let event = try bufferedEvent() {
            if case .streamClosed = event { throw .connectionLost("the server closed the stream") }
            try handle(event)
        }
        return ready.second
    }

    /// Reads once what the server has sent and parses it. A read that finds only TLS
    /// bookkeeping (a session ticket) simply returns when `deadline` passes.
    public func receiveAvailable(deadline: Deadline) throws(XMPPError) {
        guard !hasBufferedEvent else { return }
        do {
            try readMore(deadline: deadline, waitingFor: "data")
        } catch .timedOut {
            return
        }
    }

    private func readMore(deadline: Deadline, waitingFor what: String, waits: Bool = true) throws(XMPPError) {
        if wroteSinceLastRead && waits {
            roundTrips += 1
            wroteSinceLastRead = false
        }
        let bytes: [UInt8]
        do {
            bytes = try transport.read(maxCount: 65536, deadline: deadline)
        } catch .timedOut {
            throw .timedOut("waiting for \(what) from \(peerName)")
        } catch {
            throw Self.mapTransportError(error, while: "while waiting for \(what)", peer: peerName)
        }
        if bytes.isEmpty {
            throw .connectionLost("while waiting for \(what): \(peerName) closed the connection")
        }
        lastReceived = .now()
        parser.readsElement = tracer == nil && onReceive == nil ? readsElement : nil
        let parsed: [XMLStreamEvent]
        do {
            parsed = try parser.feed(bytes)
        } catch {
            throw .protocolViolation("\(peerName) sent bad XML: \(Self.describe(error))")
        }
        if let tracer {
            for event in parsed { tracer(.received(Self.traceText(event))) }
        }
        if let onReceive {
            for event in parsed { onReceive(event) }
        }
        events.append(contentsOf: parsed)
    }

    /// Closes our stream and the transport. With `waitingForServer`, first waits briefly for
    /// the server's closing tag, so it can finish processing instead of seeing a reset;
    /// elements that arrive meanwhile go to `onElement` (a session still records bounces).
    /// Without, what has already arrived is read first, so the socket closes with a FIN.
    public func close(deadline: Deadline, waitingForServer: Bool = true, onElement: (XMLElement) -> Void = { _ in }) {
        if !serverClosedStream && !closedOurStream {
            queueStreamClose()
            if (try? flush(deadline: deadline)) != nil {
                if waitingForServer {
                    let shortDeadline = deadline.earlier(Deadline.after(seconds: 2))
                    while !serverClosedStream {
                        guard let event = try? nextEvent(deadline: shortDeadline, waitingFor: "the server to close the stream")
                        else { break }
                        if case .element(let element) = event { onElement(element) }
                    }
                } else if transport.hasBufferedData || (try? XMPPProtocol.waitForInput(transport.fileDescriptor, nil, deadline: .now()).first) == true {
                    // Only what has arrived: no wait, and not a round trip.
                    try? readMore(deadline: .now(), waitingFor: "data", waits: false)
                }
            }
        }
        transport.close()
    }

    static func streamErrorCondition(_ element: XMLElement) -> StreamErrorCondition {
        let condition = element.elementChildren.first { $0.namespace == Namespace.streamErrors && $0.name != "text" }?.name ?? "undefined-condition"
        let text = element.child("text", namespace: Namespace.streamErrors)?.text
        return StreamErrorCondition(condition: condition, text: text)
    }

    static func mapTransportError(_ error: TransportError, while what: String, peer: String) -> XMPPError {
        switch error {
        case .timedOut: return .timedOut(what)
        case .connectionLost(let reason): return .connectionLost("\(what): \(reason)")
        case .closed: return .connectionLost("\(what): the connection was closed")
        case .system(let call, let message): return .connectionLost("\(what): \(call): \(message)")
        case .tls(let failure): return .tls(failure, server: peer)
        }
    }

    static func describe(_ error: XMLStreamError) -> String {
        switch error {
        case .malformed(let message, let line, let column):
            return "\(message) (line \(line), column \(column))"
        case .restricted(let what, let line, let column):
            return "\(what) is not allowed in XMPP (line \(line), column \(column))"
        case .tooDeep(let limit):
            return "elements nested deeper than \(limit) levels"
        case .stanzaTooLarge(let limit):
            return "an element larger than \(limit) bytes"
        case .headerTooLarge(let limit):
            return "a stream header longer than \(limit) bytes"
        case .notAStream(let what):
            return "not an XMPP stream: \(what)"
        }
    }

    private static func traceText(_ event: XMLStreamEvent) -> String {
        switch event {
        case .streamOpened(let header):
            let attributes = header.attributes.map { " \($0.name)='\(XMLEscaping.escapeAttribute($0.value))'" }.joined()
            return "<stream:stream\(attributes)>"
        case .element(let element):
            if let shown = SASL2Trace.redacted(element) ?? UploadSlotTrace.redacted(element) {
                return shown.serialized(parentNamespace: Namespace.client)
            }
            if element.namespace == Namespace.sasl,
                ["challenge", "success", "response", "auth"].contains(element.name), !element.text.isEmpty
            {
                var shown = element
                shown.children = [.text("[redacted]")]
                return shown.serialized(parentNamespace: Namespace.client)
            }
            return element.serialized(parentNamespace: Namespace.client)
        case .streamClosed:
            return "</stream:stream>"
        case .droppedStanza(let dropped):
            let shown = dropped.element.map { $0.serialized(parentNamespace: Namespace.client) } ?? "<\(dropped.qualifiedName)>"
            return "[dropped \(shown): \(dropped.reason)]"
        case .unreadElement(let element):
            return "[unread \(element.serialized(parentNamespace: Namespace.client))]"  // not made while tracing
        }
    }
}
