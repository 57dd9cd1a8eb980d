/// An authenticated XMPP session: sends stanzas, matches IQ responses to requests, keeps
/// the stream-management counts, and answers what the server expects answered
/// (`<r/>`, pings) while the caller waits for what it wants.
///
/// Everything is synchronous: a caller queues stanzas, then waits with a deadline for a
/// condition (`waitFor`), and incoming elements are dispatched as they arrive.
public final class XMPPSession {
    public let stream: StreamConnection
    /// The account's JID as given; `boundJID` once the server has bound a resource.
    public let accountJID: JID
    public private(set) var boundJID: JID?
    /// What the server advertised about stanza size and idle time (XEP-0478).
    public internal(set) var limits: StreamLimits?
    private let tracer: Tracer?
    private var sm = StreamManagement()
    private let idPrefix: String
    private var idCounter = 0
    private var bindRequestID: String?
    private var bindError: XMPPError?
    /// Outstanding get/set IQs by id, with the address they were sent to.
    private var pendingRequests: [String: String?] = [:]
    private var responses: [String: XMLElement] = [:]
    /// Stanzas from others that nobody consumed internally, oldest first.
    private var inbox: [XMLElement] = []
    private var inboxStart = 0
    /// Error replies to our messages, by message id (RFC 6120 §8.3: a bounce).
    public private(set) var bounces: [(id: String, error: StanzaError)] = []
    private var sentMessageIDs: Set<String> = []

    init(stream: StreamConnection, accountJID: JID, tracer: Tracer?) {
        self.stream = stream
        self.accountJID = accountJID
        self.tracer = tracer
        self.idPrefix = Self.randomPrefix()
    }

    // MARK: Sending

    /// A fresh stanza id, unique within this session and unpredictable across sessions.
    public func makeID() -> String {
        idCounter += 1
        return "\(idPrefix)-\(idCounter)"
    }

    /// Queues a stanza; it goes out with the next flush or wait.
    public func send(_ stanza: XMLElement) {
        if sm.isCounting { sm.sent &+= 1 }
        if stanza.name == "message", let id = stanza[attribute: "id"] { sentMessageIDs.insert(id) }
        stream.queue(stanza)
    }

    /// Queues a get/set IQ and remembers it so its response is matched by id and sender.
    @discardableResult
    public func sendRequest(_ iq: XMLElement) -> String {
        var iq = iq
        let id = iq[attribute: "id"] ?? makeID()
        iq[attribute: "id"] = id
        pendingRequests[id] = iq[attribute: "to"]
        send(iq)
        return id
    }

    /// Sends a get/set IQ and waits for its response; a type='error' reply throws.
    public func request(_ iq: XMLElement, deadline: Deadline, waitingFor what: String) throws(XMPPError) -> XMLElement {
        let id = sendRequest(iq)
        try waitFor(deadline: deadline, waitingFor: what) { self.responses[id] != nil }
        let response = responses.removeValue(forKey: id)!
        if response[attribute: "type"] == "error" {
            throw .stanzaError(Self.stanzaError(in: response))
        }
        return response
    }

    /// Writes everything queued.
    public func flush(deadline: Deadline) throws(XMPPError) {
        try stream.flush(deadline: deadline)
    }

    // MARK: Login steps (called by `Login`)

    func queueBind(resource: String?) {
        var bind = XMLElement("bind", namespace: Namespace.bind)
        if let resource {
            var element = XMLElement("resource", namespace: Namespace.bind)
            element.append(text: resource)
            bind.append(element)
        }
        let iq = XMLElement("iq", attributes: ["type": "set"], children: [.element(bind)])
        bindRequestID = sendRequest(iq)
    }

    func queueLegacySession() {
        let iq = XMLElement("iq", attributes: ["type": "set"], children: [.element(XMLElement("session", namespace: Namespace.session))])
        sendRequest(iq)
    }

    func queueEnableStreamManagement() {
        stream.queue(XMLElement("enable", namespace: Namespace.streamManagement))
        sm.state = .requested
        sm.sent = 0
    }

    /// Waits until the server has answered the bind request.
    public func waitUntilBound(deadline: Deadline) throws(XMPPError) -> JID {
        try waitFor(deadline: deadline, waitingFor: "resource binding") { self.boundJID != nil }
        return boundJID!
    }

    // MARK: Confirming

    /// Whether stream management is (being) enabled, so acks can confirm delivery.
    public var streamManagementEnabled: Bool { sm.isCounting }

    /// Waits until the server has confirmed everything sent so far: an XEP-0198 ack where
    /// stream management is on, else the result of a ping sent after the last stanza
    /// (the server handles stanzas in order, so the answer proves the rest were handled).
    public func confirmDelivery(deadline: Deadline) throws(XMPPError) {
        if sm.isCounting {
            stream.queue(XMLElement("r", namespace: Namespace.streamManagement))
            try waitFor(deadline: deadline, waitingFor: "the server's acknowledgement (XEP-0198)") {
                self.sm.state == .failed || (self.isEnabled && self.sm.allAcknowledged)
            }
            if sm.state != .failed {
                tracer?(.stage("acknowledged by the server: \(sm.acknowledged) stanza(s)"))
                return
            }
        }
        let ping = XMLElement(
            "iq", attributes: ["type": "get", "to": accountJID.domainpart],
            children: [.element(XMLElement("ping", namespace: Namespace.ping))])
        let id = sendRequest(ping)
        try waitFor(deadline: deadline, waitingFor: "the server to answer a ping after the last stanza") {
            self.responses[id] != nil
        }
        // Any answer, even an error, proves the earlier stanzas were processed.
        responses.removeValue(forKey: id)
        tracer?(.stage("confirmed by the server's answer to a ping"))
    }

    private var isEnabled: Bool {
        if case .enabled = sm.state { return true }
        return false
    }

    /// Stanzas confirmed by the server so far (for "n of m confirmed" messages).
    public var acknowledgedCount: UInt32 { sm.acknowledged }

    // MARK: Receiving

    /// Reads and dispatches incoming elements until `condition` holds.
    public func waitFor(deadline: Deadline, waitingFor what: String, _ condition: () -> Bool) throws(XMPPError) {
        while true {
            if let bindError { throw bindError }
            if condition() { return }
            let element = try stream.nextElement(deadline: deadline, waitingFor: what)
            try dispatch(element)
        }
    }

    /// The next stanza from someone else (message, presence, or an IQ not answered here).
    public func nextStanza(deadline: Deadline) throws(XMPPError) -> XMLElement {
        try waitFor(deadline: deadline, waitingFor: "incoming stanzas") { self.inboxStart < self.inbox.count }
        let stanza = inbox[inboxStart]
        inboxStart += 1
        if inboxStart == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
        }
        return stanza
    }

    private func dispatch(_ element: XMLElement) throws(XMPPError) {
        if element.namespace == Namespace.streamManagement {
            try handleStreamManagement(element)
            return
        }
        guard element.namespace == Namespace.client else {
            throw .protocolViolation("unexpected <\(element.name)> from \(stream.peerName)")
        }
        if sm.isEnabledForInbound { sm.handled &+= 1 }
        switch element.name {
        case "iq":
            try handleIQ(element)
        case "message":
            if element[attribute: "type"] == "error", let id = element[attribute: "id"], sentMessageIDs.contains(id) {
                bounces.append((id, Self.stanzaError(in: element)))
            }
            inbox.append(element)
        case "presence":
            inbox.append(element)
        default:
            throw .protocolViolation("unexpected <\(element.name)> from \(stream.peerName)")
        }
    }

    private func handleStreamManagement(_ element: XMLElement) throws(XMPPError) {
        switch element.name {
        case "enabled":
            sm.state = .enabled(resumptionID: element[attribute: "id"])
            tracer?(.stage("stream management enabled"))
        case "failed":
            sm.state = .failed
            tracer?(.stage("stream management refused by the server; delivery will be confirmed by a ping"))
        case "a":
            guard let text = element[attribute: "h"], let h = UInt32(text) else {
                throw .protocolViolation("stream-management ack without a valid 'h'")
            }
            try sm.acknowledge(h)
        case "r":
            queueAck()
        default:
            break
        }
    }

    /// Queues `<a h='…'/>`: how many of the server's stanzas we have handled.
    private func queueAck() {
        stream.queue(XMLElement("a", namespace: Namespace.streamManagement, attributes: ["h": String(sm.handled)]))
    }

    private func handleIQ(_ iq: XMLElement) throws(XMPPError) {
        let type = iq[attribute: "type"] ?? ""
        let id = iq[attribute: "id"] ?? ""
        if type == "result" || type == "error" {
            guard let expectedFrom = pendingRequests[id], isValidResponder(iq[attribute: "from"], expected: expectedFrom) else {
                return  // an unsolicited or spoofed response: ignore (RFC 6120 §8.2.3)
            }
            pendingRequests.removeValue(forKey: id)
            if id == bindRequestID {
                try completeBind(iq)
            } else {
                responses[id] = iq
            }
            return
        }
        if type == "get" || type == "set" {
            answerRequest(iq)
        }
    }

    private func completeBind(_ iq: XMLElement) throws(XMPPError) {
        if iq[attribute: "type"] == "error" {
            let error = Self.stanzaError(in: iq)
            bindError = .protocolViolation("the server refused to bind a resource: \(error.condition)")
            throw bindError!
        }
        guard let text = iq.child("bind", namespace: Namespace.bind)?.child("jid", namespace: Namespace.bind)?.text,
            let jid = try? JID(text)
        else {
            bindError = .protocolViolation("the server's bind result has no valid JID")
            throw bindError!
        }
        boundJID = jid
        tracer?(.stage("bound as \(jid)"))
    }

    /// Answers get/set IQs addressed to us: pings get a result; anything else gets
    /// `service-unavailable` (RFC 6120 §8.2.3: every get/set must be answered).
    private func answerRequest(_ iq: XMLElement) {
        var reply = XMLElement("iq", attributes: ["type": "result"])
        if let id = iq[attribute: "id"] { reply[attribute: "id"] = id }
        if let from = iq[attribute: "from"] { reply[attribute: "to"] = from }
        let isPing = iq[attribute: "type"] == "get" && iq.child("ping", namespace: Namespace.ping) != nil
        if !isPing {
            reply[attribute: "type"] = "error"
            reply.children = iq.children
            reply.append(Self.errorElement(type: "cancel", condition: "service-unavailable"))
        }
        send(reply)
    }

    /// RFC 6120 §8.1.2.1: a response to a request sent without 'to' comes from the server
    /// on the account's behalf: no 'from', the bare or full JID, or the domain.
    private func isValidResponder(_ from: String?, expected: String?) -> Bool {
        let accountAddresses = [accountJID.bare.description, accountJID.domainpart, boundJID?.description].compactMap { $0 }
        guard let expected else {
            guard let from else { return true }
            return accountAddresses.contains(Self.normalized(from))
        }
        guard let from else {
            // The server itself may answer without 'from' for requests to the account's domain.
            return accountAddresses.contains(Self.normalized(expected))
        }
        return Self.normalized(from) == Self.normalized(expected)
    }

    private static func normalized(_ address: String) -> String {
        (try? JID(address))?.description ?? address
    }

    // MARK: Closing

    /// Closes the stream cleanly (RFC 6120 §4.4). With stream management on, an `<a/>`
    /// goes first: XEP-0198 §4 recommends it, since a server that does not learn which of
    /// its stanzas were handled may send them again (or to offline storage).
    public func close(deadline: Deadline) {
        if sm.isEnabledForInbound, !stream.serverClosedStream { queueAck() }
        stream.close(deadline: deadline)
    }

    // MARK: Helpers

    /// The stanza error inside an error stanza (RFC 6120 §8.3.2).
    public static func stanzaError(in stanza: XMLElement) -> StanzaError {
        let error = stanza.child("error")
        let condition = error?.elementChildren.first { $0.namespace == Namespace.stanzaErrors && $0.name != "text" }?.name
        return StanzaError(
            type: error?[attribute: "type"] ?? "cancel",
            condition: condition ?? "undefined-condition",
            text: error?.child("text", namespace: Namespace.stanzaErrors)?.text,
            by: stanza[attribute: "from"])
    }

    static func errorElement(type: String, condition: String) -> XMLElement {
        XMLElement(
            "error", attributes: ["type": type],
            children: [.element(XMLElement(condition, namespace: Namespace.stanzaErrors))])
    }

    private static func randomPrefix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        return String(value, radix: 36)
    }
}

extension StreamManagement {
    /// Inbound stanzas count once the server has answered `<enable/>` with `<enabled/>`.
    var isEnabledForInbound: Bool {
        if case .enabled = state { return true }
        return false
    }
}
