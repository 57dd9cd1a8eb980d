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
    public internal(set) var boundJID: JID?
    /// What the server advertised about stanza size and idle time (XEP-0478).
    public internal(set) var limits: StreamLimits?
    /// The stream features the server offered after authentication, once they are read:
    /// they answer the restart header, which goes out with the bind request.
    public internal(set) var features: XMLElement?
    var awaitingFeatures = false
    /// What is known of the server: what the login brought, and what this session saw.
    public internal(set) var knowledge = ServerKnowledge()
    /// Whether stream management is to be enabled as soon as the features offer it, and
    /// whether it is to be resumable.
    var wantsStreamManagement = false
    var wantsResumption = false
    /// Set once the requests that establish the session are queued; from then on,
    /// `sentAhead` counts what is sent before they are answered.
    var establishing = false
    var sentAhead = 0
    /// A FAST login whose outcome is still to be read (`Login.startWithToken`).
    var pendingExchange: SASL2Exchange?
    /// Whether the login used a FAST token, and the token the server issued, if it did:
    /// the command keeps it for the next login.
    public internal(set) var usedToken = false
    public internal(set) var receivedToken: FASTToken?
    /// Whether get/set IQs nobody handles get `service-unavailable` (RFC 6120 §8.2.3).
    /// `raw` turns this off: there the user answers requests.
    public var answersUnhandledRequests = true
    let tracer: Tracer?
    var delivery = DeliveryTracker()
    let idPrefix: String
    var idCounter = 0
    /// The requests that establish the session (resource binding, and the RFC 3921 session
    /// where a server still needs it), until they are answered; and why it failed, if it did.
    var bindRequestID: String?
    var sessionRequestID: String?
    var establishmentError: XMPPError?
    /// Outstanding get/set IQs by id, with the address they were sent to.
    var pendingRequests: [String: String?] = [:]
    var responses: [String: XMLElement] = [:]
    /// Stanzas from others that nobody consumed internally, oldest first.
    var inbox: [XMLElement] = []
    /// When set, incoming messages and presences go here instead of the inbox, so a command
    /// that only sends keeps flat memory however busy the account is.
    public var onStanza: ((XMLElement) -> Void)?
    /// Which incoming messages and presences `onStanza` (or `nextStanza`) looks at, judged
    /// from the start tag alone; the others are parsed without a tree and never delivered,
    /// but still counted as handled (XEP-0198). IQs and error messages are always read. nil:
    /// every stanza is delivered.
    public var readsStanza: ((XMLElementStart) -> Bool)? {
        didSet { watchUnreadStanzas() }
    }
    /// Answers get/set IQs from others before the defaults (ping, roster push,
    /// service-unavailable): return the reply's payload (and `type`), or nil to decline.
    public var onRequest: ((XMLElement) -> XMLElement?)?
    /// Answers to get/set requests from others, by the namespace of their payload, set by
    /// the extensions that expect such requests (the roster's pushes, RFC 6121 §2.1.6):
    /// a reply, or nil to leave the request to the defaults. Consulted after `onRequest`.
    var responders: [String: (XMLElement) -> XMLElement?] = [:]
    /// Told of each stanza that broke a limit and was dropped (`XMLStreamParser`), once it
    /// is counted and, for a request, answered: so the command can warn.
    public var onDroppedStanza: ((DroppedStanza) -> Void)?
    /// Stanzas dropped so far for breaking a limit.
    public internal(set) var droppedStanzaCount = 0
    /// Set by a caller that takes no messages (`presence set`, `roster`), or no more of them
    /// (`listen --count` reached): from the first message on, messages are dropped and nothing
    /// more is counted as handled, so the acknowledgement (XEP-0198 `h`) leaves them with the
    /// server, which keeps them for the next session. Until a message comes, presences and
    /// IQs are counted as usual, so the server has no reason to bounce them at close.
    public var refusesFurtherMessages = false
    /// A message was refused: `h` stays where it was from then on.
    var countingStopped = false
    var inboxStart = 0
    /// Error replies to our messages, by message id (RFC 6120 §8.3: a bounce).
    public internal(set) var bounces: [(id: String, error: StanzaError)] = []
    /// Ids of our recent messages, to recognise their bounces; bounded so a long
    /// `send --interactive` keeps flat memory.
    var recentMessageIDs = RecentIDs(capacity: 8192)

    init(stream: StreamConnection, accountJID: JID, tracer: Tracer?) {
        self.stream = stream
        self.accountJID = accountJID
        self.tracer = tracer
        self.idPrefix = Self.randomPrefix()
        stream.onDroppedStanza = { [weak self] in self?.handleDropped($0) }
        stream.onUnreadElement = { [weak self] in self?.handleUnread($0) }
    }

    /// The same session on a new stream, after `<resumed/>`: counts, ids and the stanzas
    /// awaiting acknowledgement carry over; outstanding IQs do not (their answers are lost).
    init(resuming previous: XMPPSession, on stream: StreamConnection) {
        self.stream = stream
        self.accountJID = previous.accountJID
        self.tracer = previous.tracer
        self.idPrefix = previous.idPrefix
        self.idCounter = previous.idCounter
        self.boundJID = previous.boundJID
        self.limits = previous.limits
        self.delivery = previous.delivery
        self.recentMessageIDs = previous.recentMessageIDs
        self.bounces = previous.bounces
        self.onStanza = previous.onStanza
        self.readsStanza = previous.readsStanza
        self.onRequest = previous.onRequest
        self.responders = previous.responders
        self.onDroppedStanza = previous.onDroppedStanza
        self.droppedStanzaCount = previous.droppedStanzaCount
        self.features = previous.features
        self.knowledge = previous.knowledge
        self.answersUnhandledRequests = previous.answersUnhandledRequests
        self.refusesFurtherMessages = previous.refusesFurtherMessages
        self.countingStopped = previous.countingStopped
        self.stanzasSinceAckRequest = previous.stanzasSinceAckRequest
        stream.onDroppedStanza = { [weak self] in self?.handleDropped($0) }
        stream.onUnreadElement = { [weak self] in self?.handleUnread($0) }
        watchUnreadStanzas()
    }

    /// Applies the server's count from `<resumed h='…'/>` and sends the rest again.
    func resumeDelivery(serverHandled h: UInt32) throws(XMPPError) -> Int {
        let resend = try delivery.resumed(h: h)
        for stanza in resend { send(stanza) }
        return resend.count
    }

    // MARK: Sending

    /// A fresh stanza id, unique within this session and unpredictable across sessions.
    public func makeID() -> String {
        idCounter += 1
        // `PREFIX-COUNTER`, written as bytes: an id is made for every stanza sent, and
        // interpolation would cost a good part of what the rest of a message does.
        var digitCount = 1
        var rest = idCounter / 10
        while rest > 0 {
            digitCount += 1
            rest /= 10
        }
        let count = idPrefix.utf8.count + 1 + digitCount
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            for byte in idPrefix.utf8 {
                buffer[index] = byte
                index += 1
            }
            buffer[index] = UInt8(ascii: "-")
            var number = idCounter
            for position in stride(from: count - 1, to: index, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(number % 10)
                number /= 10
            }
            return count
        }
    }

    /// Queues a stanza; it goes out with the next flush or wait.
    /// `redacted` keeps its content out of traces (it holds a secret, such as a room password).
    /// With stream management, every `ackRequestInterval`-th stanza since the last request is
    /// followed by `<r/>`, so the server's acks keep pace on a long stream and what is kept
    /// for resending stays small, whether or not the stream ever falls silent.
    public func send(_ stanza: XMLElement, redacted: Bool = false) {
        noteSentAhead()
        delivery.recordSent(stanza)
        if stanza.name == "message", let id = stanza[attribute: "id"] { recentMessageIDs.insert(id) }
        stream.queue(stanza, redacted: redacted)
        if delivery.sm.isCounting {
            stanzasSinceAckRequest += 1
            if stanzasSinceAckRequest >= Self.ackRequestInterval { requestConfirmation() }
        }
    }

    private func noteSentAhead() {
        if establishing && !establishmentAnswered { sentAhead += 1 }
    }

    /// Stanzas sent, with stream management on, before an ack is requested regardless.
    public static let ackRequestInterval = 64
    var stanzasSinceAckRequest = 0

    /// Has get/set requests whose payload is in `namespace` answered by `responder`.
    public func answerRequests(in namespace: String, with responder: @escaping (XMLElement) -> XMLElement?) {
        responders[namespace] = responder
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

    /// Waits for the responses to requests sent with `sendRequest`, in any order; results
    /// and errors alike are returned, by id, for the caller to judge.
    public func waitForResponses(_ ids: [String], deadline: Deadline, waitingFor what: String) throws(XMPPError) -> [String: XMLElement] {
        try waitFor(deadline: deadline, waitingFor: what) { ids.allSatisfy { self.responses[$0] != nil } }
        var result: [String: XMLElement] = [:]
        for id in ids { result[id] = responses.removeValue(forKey: id) }
        return result
    }

    /// The response to a request sent with `sendRequest`, if it has come (and then only once).
    public func takeResponse(to id: String) -> XMLElement? {
        responses.removeValue(forKey: id)
    }

    /// Writes everything queued.
    public func flush(deadline: Deadline) throws(XMPPError) {
        try stream.flush(deadline: deadline)
    }

    // MARK: Login steps (called by `Login`)

    /// Queues what establishes the session, to go with the restart header: the bind
    /// request, and what `knowledge` says the server will want (the RFC 3921 session,
    /// stream management). What the caller sends next goes in the same flight.
    func establish(settings: ConnectionSettings, deadline: Deadline) {
        awaitingFeatures = true
        wantsStreamManagement = settings.streamManagement
        wantsResumption = settings.resumable
        queueBind(resource: settings.resource)
        if knowledge.legacySession == true { queueLegacySession() }
        if wantsStreamManagement, knowledge.streamManagement == true, knowledge.stanzasBeforeBind != false {
            queueEnableStreamManagement(resumable: wantsResumption)
        }
        establishing = true
    }

    /// Reads the features that answer the restart header, if they are still to come;
    /// every wait of the session does this first.
    public func awaitFeatures(deadline: Deadline) throws(XMPPError) {
        guard awaitingFeatures else { return }
        awaitingFeatures = false
        if let exchange = pendingExchange {
            pendingExchange = nil
            try completeEarlySASL2(exchange, deadline: deadline)
        } else {
            try apply(features: try stream.readHeaderAndFeatures(deadline: deadline))
        }
    }

    private func apply(features: XMLElement) throws(XMPPError) {
        guard features.child("bind", namespace: Namespace.bind) != nil else {
            throw .protocolViolation("\(stream.peerName) offers no resource binding after authentication")
        }
        self.features = features
        limits = StreamLimits(features: features)
        knowledge.maxStanzaBytes = limits?.maxStanzaBytes
        let offersStreamManagement = features.child("sm", namespace: Namespace.streamManagement) != nil
        knowledge.streamManagement = offersStreamManagement
        let legacy = features.child("session", namespace: Namespace.session)
        knowledge.legacySession = legacy != nil && legacy?.child("optional") == nil
        if knowledge.legacySession == true && sessionRequestID == nil && boundJID == nil {
            queueLegacySession()
        }
        // A long-running command wants stream management (acks as it goes, resumption)
        // even when it was not known to be offered: it asks now, a flight later. A
        // one-shot command has its stanzas confirmed by a ping instead.
        if wantsResumption && knowledge.stanzasBeforeBind != false { enableStreamManagementIfOffered() }
    }

    /// Asks for stream management if wanted, offered and not yet asked for.
    func enableStreamManagementIfOffered() {
        guard wantsStreamManagement, knowledge.streamManagement == true, delivery.sm.state == .off else { return }
        queueEnableStreamManagement(resumable: wantsResumption)
    }

    /// Whether the server has answered everything that establishes the session (features,
    /// bind, the RFC 3921 session, `<enable/>`): until then, a stream error means the
    /// server processed nothing sent after those requests.
    var establishmentAnswered: Bool { !awaitingFeatures && isEstablished && isSettled }

    /// A stream error before the session was established, with stanzas sent ahead of it,
    /// is the server refusing them (`refusedBeforeSession`): logging in again is safe.
    func refusal(_ error: XMPPError) -> XMPPError {
        guard case .streamError(let condition) = error, establishing, sentAhead > 0, !establishmentAnswered else {
            return error
        }
        return .refusedBeforeSession(condition, afterBind: boundJID != nil)
    }

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
        sessionRequestID = sendRequest(iq)
    }

    /// Whether the server has answered every request that establishes the session: until
    /// then it may not route what was sent, so nothing counts as delivered.
    var isEstablished: Bool { (bindRequestID == nil || boundJID != nil) && sessionRequestID == nil }

    /// `resumable` asks the server to keep the session for XEP-0198 resumption, and keeps
    /// the unacknowledged stanzas here to send again.
    func queueEnableStreamManagement(resumable: Bool) {
        var enable = XMLElement("enable", namespace: Namespace.streamManagement)
        if resumable { enable[attribute: "resume"] = "true" }
        stream.queue(enable)
        delivery.startCounting(keepingStanzas: resumable)
    }

    /// Waits until the server has answered the bind request.
    public func waitUntilBound(deadline: Deadline) throws(XMPPError) -> JID {
        try waitFor(deadline: deadline, waitingFor: "resource binding") { self.boundJID != nil }
        return boundJID!
    }

    // MARK: Confirming

    /// Whether stream management is (being) enabled, so acks can confirm delivery.
    public var streamManagementEnabled: Bool { delivery.sm.isCounting }

    /// Stanzas sent and not yet confirmed by the server.
    public var unconfirmedCount: Int { delivery.unconfirmed }

    /// Messages the server has confirmed so far.
    public var confirmedMessageCount: Int { delivery.confirmedMessages }

    /// Asks the server to confirm what was sent so far: `<r/>` with stream management,
    /// else a ping (XEP-0199) whose answer proves the stanzas before it were handled.
    public func requestConfirmation() {
        if delivery.sm.isCounting {
            stanzasSinceAckRequest = 0
            stream.queue(XMLElement("r", namespace: Namespace.streamManagement))
        } else {
            let ping = XMLElement(
                "iq", attributes: ["type": "get", "to": accountJID.domainpart],
                children: [.element(XMLElement("ping", namespace: Namespace.ping))])
            let id = makeID()
            delivery.addCheckpoint(id: id)
            var iq = ping
            iq[attribute: "id"] = id
            pendingRequests[id] = accountJID.domainpart
            stream.queue(iq)
        }
    }

    /// Waits until the server has confirmed everything sent so far. What is sent while it
    /// waits (answers to the server's pings, say) is not waited for: only the request sent
    /// now covers it, and nothing here asks for more.
    public func confirmDelivery(deadline: Deadline) throws(XMPPError) {
        guard unconfirmedCount > 0 || !isSettled else { return }
        let target = delivery.sentSoFar
        requestConfirmation()
        try waitFor(deadline: deadline, waitingFor: confirmationName) {
            let confirmed = self.delivery.confirmedSoFar >= target
            if self.delivery.sm.state == .failed && !self.delivery.hasCheckpointInFlight && !confirmed {
                // Stream management was refused after the request: confirm with a ping.
                self.requestConfirmation()
            }
            return self.isSettled && confirmed && self.isEstablished
        }
        tracer?(.stage(streamManagementEnabled
            ? "acknowledged by the server (XEP-0198): \(delivery.sm.acknowledged) stanza(s)"
            : "confirmed by the server's answer to a ping"))
    }

    var confirmationName: String {
        streamManagementEnabled ? "the server's acknowledgement (XEP-0198)" : "the server to answer a ping after the last stanza"
    }

    /// Stream management is either off or answered, so `unconfirmedCount` means what it says.
    var isSettled: Bool { delivery.sm.state != .requested }

    /// What resuming this session needs, when the server allows it (XEP-0198 §5).
    public var resumption: Resumption? {
        guard case .enabled(let id?) = delivery.sm.state, delivery.sm.resumable else { return nil }
        return Resumption(previousID: id, handled: delivery.sm.handled)
    }

    public struct Resumption: Sendable {
        public var previousID: String
        public var handled: UInt32
    }

    // MARK: Receiving

    /// Reads and dispatches incoming elements until `condition` holds.
    public func waitFor(deadline: Deadline, waitingFor what: String, _ condition: () -> Bool) throws(XMPPError) {
        do throws(XMPPError) {
            try awaitFeatures(deadline: deadline)
            while true {
                if let establishmentError { throw establishmentError }
                if condition() { return }
                let element = try stream.nextElement(deadline: deadline, waitingFor: what)
                try dispatch(element)
            }
        } catch {
            throw refusal(error)
        }
    }

    /// Waits for input from the server or from `other` (stdin, say) until `deadline`;
    /// dispatches whatever the server sent, and says whether `other` is readable.
    public func pump(alsoWatching other: Int32?, deadline: Deadline) throws(XMPPError) -> Bool {
        do throws(XMPPError) {
            if let establishmentError { throw establishmentError }
            try awaitFeatures(deadline: deadline)
            return try stream.pump(alsoWatching: other, deadline: deadline) { event throws(XMPPError) in
                switch event {
                case .element(let element): try dispatch(element)
                case .streamOpened: throw .protocolViolation("unexpected stream header from \(stream.peerName)")
                case .streamClosed, .droppedStanza, .unreadElement: break  // thrown, or handed on, by the stream
                }
            }
        } catch {
            throw refusal(error)
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

    // MARK: Closing

    /// Closes the stream cleanly (RFC 6120 §4.4). With stream management on, an `<a/>`
    /// goes first: XEP-0198 §4 recommends it, since a server that does not learn which of
    /// its stanzas were handled may send them again (or to offline storage).
    /// What arrives while closing is still handled: a late bounce is still recorded.
    /// Once the server has confirmed everything, its own closing tag is not waited for:
    /// nothing it could still send changes the outcome.
    public func close(deadline: Deadline) {
        if delivery.sm.isEnabledForInbound, !stream.serverClosedStream { queueAck() }
        let settled = establishmentAnswered && delivery.unconfirmed == 0 && !delivery.hasCheckpointInFlight
        stream.close(deadline: deadline, waitingForServer: !settled) { element in try? self.dispatch(element) }
    }

    // MARK: Helpers

    static func handledCount(_ element: XMLElement) throws(XMPPError) -> UInt32 {
        guard let text = element[attribute: "h"], let h = UInt32(text) else {
            throw .protocolViolation("stream-management <\(element.name)/> without a valid 'h'")
        }
        return h
    }

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
