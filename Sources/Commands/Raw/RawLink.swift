import XMPPProtocol

/// The connection `raw` speaks over, at whatever stage it was negotiated to: sends the
/// user's elements as they are, shows every element received, and keeps track of the
/// get/set IQs sent so their answers can be waited for (RFC 6120 §8.2.3: each gets one).
final class RawLink {
    let stream: StreamConnection
    let session: XMPPSession?
    /// Get/set IQs sent and not yet answered, with when they were sent.
    private(set) var pending: [String: Deadline] = [:]
    /// Ids of IQs answered with type='error'.
    private(set) var refused: [String] = []
    /// What to do with each event received (print it).
    var onEvent: (XMLStreamEvent) -> Void = { _ in }
    /// Told of each answer: its id, and how long it took.
    var onAnswer: (String, Double) -> Void = { _, _ in }
    private var idCounter = 0

    init(_ negotiated: Login.Negotiated) {
        stream = negotiated.stream
        session = negotiated.session
        // The user answers requests here; only pings and <r/> are answered for them.
        session?.answersUnhandledRequests = false
        session?.onStanza = { _ in }
        stream.onReceive = { [unowned self] event in self.observe(event) }
    }

    /// Queues an element as the user wrote it; a get/set IQ without an id gets one, since
    /// its answer could not be matched otherwise. Returns the element as sent.
    @discardableResult
    func send(_ element: XMLElement) -> XMLElement {
        var element = element
        let type = element[attribute: "type"] ?? ""
        if element.name == "iq", element.namespace ?? Namespace.client == Namespace.client, type == "get" || type == "set" {
            if element[attribute: "id"] == nil {
                idCounter += 1
                element[attribute: "id"] = "raw-\(idCounter)"
            }
            pending[element[attribute: "id"]!] = .now()
        }
        if let session {
            session.send(element)
        } else {
            stream.queue(element)
        }
        return element
    }

    /// Waits for input from the server or `other` until `deadline`, handling what arrived;
    /// says whether `other` is readable.
    func pump(alsoWatching other: Int32?, deadline: Deadline) throws(XMPPError) -> Bool {
        if let session { return try session.pump(alsoWatching: other, deadline: deadline) }
        return try stream.pump(alsoWatching: other, deadline: deadline) { _ in }  // shown by onReceive
    }

    func close() {
        if let session {
            session.close(deadline: .after(seconds: 2))
        } else {
            stream.close(deadline: .after(seconds: 2))
        }
    }

    private func observe(_ event: XMLStreamEvent) {
        if case .droppedStanza = event { return }  // not an element: the session warns of it
        if case .element(let element) = event, element.name == "iq", let id = element[attribute: "id"],
            let sent = pending[id], let type = element[attribute: "type"], type == "result" || type == "error"
        {
            pending.removeValue(forKey: id)
            if type == "error" { refused.append(id) }
            let seconds = Double(Deadline.now().uptimeNanoseconds - sent.uptimeNanoseconds) / 1e9
            onAnswer(id, seconds)
        }
        onEvent(event)
    }
}
