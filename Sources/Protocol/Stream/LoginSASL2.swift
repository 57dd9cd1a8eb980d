/// What a command keeps for FAST (XEP-0484): the user-agent id its tokens are issued for
/// (a server keys tokens by it), and the token, if it has one.
public struct FASTCredentials: Sendable, SecretHolding {
    public var userAgent: SASL2UserAgent
    public var token: FASTToken?

    public init(userAgent: SASL2UserAgent, token: FASTToken?) {
        self.userAgent = userAgent
        self.token = token
    }

    public var visibleFields: KeyValuePairs<String, Any> {
        ["userAgent": userAgent, "token": token as Any]
    }
}

/// The SASL2 logins (XEP-0388, with Bind2 and inline stream management): with a FAST token,
/// and with the password asking for one.
extension Login {
    /// `<authenticate>` with the token goes with the stream header, on the strength of what
    /// the server offered last time; the caller's stanzas follow at once, and the session's
    /// first wait reads this stream's features and the outcome. If the server no longer
    /// offers that FAST mechanism, or refuses the token, the wait throws `.tokenRefused`:
    /// nothing sent behind `<authenticate>` was processed, and a password login may follow.
    static func startWithToken(
        _ token: FASTToken, userAgent: SASL2UserAgent, offer: SASL2Offer, stream: StreamConnection, tls: TLSConnection,
        settings: ConnectionSettings, knowledge: ServerKnowledge, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> XMPPSession {
        let request = SASL2Request(
            credential: .token(token), userAgent: userAgent,
            bind: Bind2Request(enableStreamManagement: settings.streamManagement, resumable: settings.resumable))
        let exchange = try SASL2Authentication.begin(
            stream: stream, offer: offer, channelBindings: tls.channelBindings(), settings: settings, request: request,
            tracer: tracer)
        let session = XMPPSession(awaiting: exchange, accountJID: settings.jid, tracer: tracer)
        session.knowledge = knowledge
        session.usedToken = true
        session.pendingExchange = exchange
        session.awaitingFeatures = true
        session.establishing = true
        if knowledge.stanzasBeforeBind == false { try session.awaitFeatures(deadline: deadline) }
        return session
    }

    /// A password login over SASL2 that binds, enables stream management inline and asks
    /// for a token; it waits for the outcome (a challenge may come: nothing can go ahead).
    static func startAskingForToken(
        userAgent: SASL2UserAgent, features: XMLElement, stream: StreamConnection, tls: TLSConnection,
        settings: ConnectionSettings, knowledge: ServerKnowledge, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> XMPPSession {
        let offered = knowledge.sasl2?.fastMechanisms ?? []
        let request = SASL2Request(
            credential: .password, userAgent: userAgent,
            bind: Bind2Request(enableStreamManagement: settings.streamManagement, resumable: settings.resumable),
            requestToken: HashedToken.preferred(offered: offered, channelBindings: tls.channelBindings()))
        let exchange = try SASL2Authentication.begin(
            stream: stream, features: features, tls: tls, settings: settings, request: request, tracer: tracer)
        let session = XMPPSession(awaiting: exchange, accountJID: settings.jid, tracer: tracer)
        session.knowledge = knowledge
        try session.completeSASL2(exchange, deadline: deadline)
        return session
    }
}

extension XMPPSession {
    /// Reads the features of a stream whose `<authenticate>` went with its header (a FAST
    /// login), then the outcome.
    func completeEarlySASL2(_ exchange: SASL2Exchange, deadline: Deadline) throws(XMPPError) {
        let features = try stream.readHeaderAndFeatures(deadline: deadline)
        knowledge.sasl2 = SASL2Offer(features: features)
        if let offer = try? SASLAuthentication.Offer(features: features, peerName: stream.peerName) {
            knowledge.mechanisms = offer.mechanisms
            knowledge.channelBindingTypes = offer.channelBindingTypes
        }
        guard let sasl2 = knowledge.sasl2, sasl2.fastMechanisms.contains(exchange.mechanismName) else {
            throw .tokenRefused(mechanism: exchange.mechanismName, reason: "the server no longer offers it")
        }
        try completeSASL2(exchange, deadline: deadline)
    }

    /// Takes the outcome: bound, stream management as answered, a new token kept.
    func completeSASL2(_ exchange: SASL2Exchange, deadline: Deadline) throws(XMPPError) {
        let outcome = try finishAuthentication(exchange, deadline: deadline)
        guard boundJID != nil else {
            throw .protocolViolation("\(stream.peerName) authenticated over SASL2 without binding a resource")
        }
        receivedToken = outcome.token
        knowledge.maxStanzaBytes = limits?.maxStanzaBytes
        if case .enabled = outcome.streamManagement { knowledge.streamManagement = true }
        tracer?(.stage("bound as \(boundJID!)"))
    }
}
