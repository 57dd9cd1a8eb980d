/// Opens an authenticated session: connect, TLS, SASL, then resource binding, queued with
/// the stream restart so it travels with the caller's first stanzas.
///
/// Round trips with STARTTLS, at first contact: the TCP connect; the stream header with
/// `<starttls/>`; the TLS handshake (one with TLS 1.3); the header again; two for SCRAM;
/// then the restart header, bind, the caller's stanzas and what confirms them share one
/// flight: seven. What the last login learned (`ServerKnowledge`) lets the first SASL
/// message go with the header after TLS, and `<enable/>` with bind: six. Direct TLS saves
/// one more.
public enum Login {
    /// `fast` asks for SASL2 with a FAST token (XEP-0484) where the server offers it: the
    /// token given, if any, logs in with `<authenticate>` sent with the stream header and
    /// the caller's stanzas right behind it (four round trips with STARTTLS); without one,
    /// a password login over SASL2 asks for a token (`XMPPSession.receivedToken`).
    public static func start(
        settings: ConnectionSettings, knowledge: ServerKnowledge = ServerKnowledge(), fast: FASTCredentials? = nil,
        deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> XMPPSession {
        var learned = knowledge
        let opened = try openStream(
            settings: settings, secured: true, preferring: knowledge.endpoint, deadline: deadline, tracer: tracer,
            readFeatures: false)
        learned.endpoint = opened.endpoint
        let stream = opened.stream
        do throws(XMPPError) {
            guard let tls = opened.tls else { throw .tlsUnavailable("the stream is not secured by TLS") }
            if let fast, let token = fast.token, let offer = learned.sasl2, offer.offersBind2,
                offer.fastMechanisms.contains(token.mechanism)
            {
                return try startWithToken(
                    token, userAgent: fast.userAgent, offer: offer, stream: stream, tls: tls, settings: settings,
                    knowledge: learned, deadline: deadline, tracer: tracer)
            }
            let wantsToken = fast != nil && !(learned.sasl2?.fastMechanisms.isEmpty ?? true)
            let features = try authenticate(
                stream: stream, tls: tls, settings: settings, knowledge: &learned, early: !wantsToken,
                fast: fast, deadline: deadline, tracer: tracer)
            if let session = features.session { return session }
            let session = XMPPSession(stream: stream, accountJID: settings.jid, tracer: tracer)
            session.knowledge = learned
            session.establish(settings: settings, deadline: deadline)
            // A server known to refuse stanzas before its bind result gets nothing more
            // until it has answered: one round trip more, and never a refusal.
            if learned.stanzasBeforeBind == false {
                _ = try session.waitUntilBound(deadline: deadline)
                session.enableStreamManagementIfOffered()
            } else if settings.resumable && settings.streamManagement && learned.streamManagement == nil {
                // A long-running command needs `<enable/>` before its first stanza (initial
                // presence, after which the server sends what would otherwise go uncounted):
                // at first contact it learns from the features whether to send it.
                try session.awaitFeatures(deadline: deadline)
            }
            return session
        } catch {
            stream.transport.close()
            throw error
        }
    }

    /// Logs in again and resumes `previous` (XEP-0198 §5): the server keeps the session's
    /// resource and counts; stanzas it had not acknowledged are sent again, ids unchanged.
    public static func resume(
        _ previous: XMPPSession, settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> XMPPSession {
        guard let resumption = previous.resumption else {
            throw .connectionLost("and the server did not offer to resume the session")
        }
        var learned = previous.knowledge
        let stream = try authenticatedStream(settings: settings, knowledge: &learned, deadline: deadline, tracer: tracer)
        do throws(XMPPError) {
            let features = try stream.readHeaderAndFeatures(deadline: deadline)
            guard features.child("sm", namespace: Namespace.streamManagement) != nil else {
                throw .connectionLost("and the server no longer offers stream management to resume it")
            }
            stream.queue(XMLElement(
                "resume", namespace: Namespace.streamManagement,
                attributes: ["h": String(resumption.handled), "previd": resumption.previousID]))
            let answer = try stream.nextElement(deadline: deadline, waitingFor: "the answer to <resume/>")
            guard answer.namespace == Namespace.streamManagement, answer.name == "resumed" else {
                throw .connectionLost("and the server could not resume the session (<\(answer.name)/>)")
            }
            let session = XMPPSession(resuming: previous, on: stream)
            session.knowledge = learned
            let resent = try session.resumeDelivery(serverHandled: try XMPPSession.handledCount(answer))
            tracer?(.stage("stream resumed; \(resent) unacknowledged stanza(s) sent again"))
            return session
        } catch {
            stream.transport.close()
            throw error
        }
    }

    /// How far `negotiate(upTo:)` goes: what `raw --stage` names.
    public enum Stage: String, CaseIterable, Sendable {
        /// The stream is open (over TLS already on a direct-TLS endpoint).
        case connected
        /// STARTTLS done (or direct TLS), stream restarted.
        case tls
        /// SASL done, stream restarted.
        case authenticated
        /// A resource is bound: a session.
        case bound
    }

    /// A stream negotiated up to a stage, with the features last received; `session` exists
    /// from `.bound` on.
    public struct Negotiated {
        public var stream: StreamConnection
        public var features: XMLElement
        public var session: XMPPSession?
    }

    /// Negotiates only as far as `stage`, for `raw`: the rest is up to the user.
    public static func negotiate(
        upTo stage: Stage, settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> Negotiated {
        switch stage {
        case .bound:
            var quiet = settings
            quiet.streamManagement = false
            let session = try start(settings: quiet, deadline: deadline, tracer: tracer)
            _ = try session.waitUntilBound(deadline: deadline)
            return Negotiated(stream: session.stream, features: session.features ?? XMLElement("features"), session: session)
        case .authenticated:
            var learned = ServerKnowledge()
            let stream = try authenticatedStream(settings: settings, knowledge: &learned, deadline: deadline, tracer: tracer)
            do throws(XMPPError) {
                return Negotiated(stream: stream, features: try stream.readHeaderAndFeatures(deadline: deadline), session: nil)
            } catch {
                stream.transport.close()
                throw error
            }
        case .tls, .connected:
            let opened = try openStream(settings: settings, secured: stage == .tls, deadline: deadline, tracer: tracer)
            return Negotiated(stream: opened.stream, features: opened.features, session: nil)
        }
    }

    /// A stream opened on a new connection, with the features last received.
    private struct OpenedStream {
        var stream: StreamConnection
        var features: XMLElement
        /// Set once TLS is up: always when `secured` was asked for.
        var tls: TLSConnection?
        var endpoint: Endpoint
    }

    /// Connects and opens the stream; with `secured`, upgrades it with STARTTLS where the
    /// endpoint is not direct TLS, and opens it again over TLS. With `readFeatures` false the
    /// last header is queued and its features are left to read. An endpoint that fails
    /// before that (see `Connector.openFirstWorking`) hands over to the next; nothing of the
    /// account has been sent by then.
    private static func openStream(
        settings: ConnectionSettings, secured: Bool, preferring preferred: Endpoint? = nil, deadline: Deadline,
        tracer: Tracer?, readFeatures: Bool = true
    ) throws(XMPPError) -> OpenedStream {
        try Connector.openFirstWorking(settings: settings, preferring: preferred, deadline: deadline, tracer: tracer) {
            connected, endpointDeadline throws(XMPPError) in
            let stream = StreamConnection(transport: connected.transport, peerName: connected.peerName, tracer: tracer)
            stream.countRoundTrips(connected.roundTrips)
            let domain = settings.jid.domainpart
            let account = settings.jid.bare.description
            var opened = OpenedStream(
                stream: stream, features: XMLElement("features"), tls: connected.tls, endpoint: connected.endpoint)
            if secured && opened.tls == nil {
                // Before TLS the header names only the domain: nothing of the account is
                // sent until the certificate has been verified.
                stream.queueStreamHeader(to: domain, from: nil)
                let upgraded = try StartTLS.negotiate(
                    stream: stream, tcp: connected.tcp, context: connected.tlsContext, settings: settings,
                    deadline: endpointDeadline, tracer: tracer)
                opened.tls = upgraded
                stream.replaceTransport(upgraded)
            }
            stream.queueStreamHeader(to: domain, from: opened.tls == nil ? nil : account)
            if readFeatures {
                opened.features = try stream.readHeaderAndFeatures(deadline: endpointDeadline)
            }
            return opened
        }
    }

    /// Connects, secures and authenticates a stream (SASL1), and queues the restart header:
    /// the features that answer it are the caller's to read.
    private static func authenticatedStream(
        settings: ConnectionSettings, knowledge: inout ServerKnowledge, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> StreamConnection {
        let opened = try openStream(settings: settings, secured: true, deadline: deadline, tracer: tracer, readFeatures: false)
        let stream = opened.stream
        do throws(XMPPError) {
            guard let tls = opened.tls else { throw .tlsUnavailable("the stream is not secured by TLS") }
            _ = try authenticate(
                stream: stream, tls: tls, settings: settings, knowledge: &knowledge, early: true, fast: nil,
                deadline: deadline, tracer: tracer)
            return stream
        } catch {
            stream.transport.close()
            throw error
        }
    }

    /// What `authenticate` did: a SASL2 login returns its session, bound already.
    private struct Authenticated {
        var session: XMPPSession?
    }

    /// Authenticates the stream whose header is queued. With `early` and the mechanisms the
    /// server offered last time, the first SASL message goes with the header, before the
    /// features; if the server no longer takes that mechanism, it refuses it and the login
    /// chooses again from what it offers now. With `fast` and SASL2 with FAST offered, the
    /// login is a SASL2 one that asks for a token. After SASL1 the restart header is queued
    /// and its features are left to the caller.
    private static func authenticate(
        stream: StreamConnection, tls: TLSConnection, settings: ConnectionSettings, knowledge: inout ServerKnowledge,
        early: Bool, fast: FASTCredentials?, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> Authenticated {
        let remembered = knowledge.mechanisms.map {
            SASLAuthentication.Offer(mechanisms: $0, channelBindingTypes: knowledge.channelBindingTypes)
        }
        var earlyExchange: SASLAuthentication.Exchange?
        if early, let remembered,
            var exchange = try? SASLAuthentication.begin(stream: stream, offer: remembered, tls: tls, settings: settings, tracer: tracer)
        {
            try SASLAuthentication.deriveAhead(&exchange, stream: stream, settings: settings, knowledge: knowledge, deadline: deadline)
            earlyExchange = exchange
        }
        let features = try stream.readHeaderAndFeatures(deadline: deadline)
        knowledge.sasl2 = SASL2Offer(features: features)
        let offer = try SASLAuthentication.Offer(features: features, peerName: stream.peerName)
        knowledge.mechanisms = offer.mechanisms
        knowledge.channelBindingTypes = offer.channelBindingTypes
        if earlyExchange == nil, let fast, let sasl2 = knowledge.sasl2, sasl2.offersBind2, !sasl2.fastMechanisms.isEmpty {
            let session = try startAskingForToken(
                userAgent: fast.userAgent, features: features, stream: stream, tls: tls, settings: settings,
                knowledge: knowledge, deadline: deadline, tracer: tracer)
            return Authenticated(session: session)
        }
        var succeeded: SASLAuthentication.Exchange?
        if var earlyExchange {
            let result = try SASLAuthentication.finish(&earlyExchange, stream: stream, deadline: deadline, tracer: tracer)
            if case .refused = result, offer != remembered {
                tracer?(.stage("the server's mechanisms changed since the last login (now: \(offer.mechanisms.joined(separator: " "))); choosing again"))
            } else {
                try result.orThrow(earlyExchange)
                succeeded = earlyExchange
            }
        }
        if succeeded == nil {
            var exchange = try SASLAuthentication.begin(stream: stream, offer: offer, tls: tls, settings: settings, tracer: tracer)
            try SASLAuthentication.deriveAhead(&exchange, stream: stream, settings: settings, knowledge: knowledge, deadline: deadline)
            try SASLAuthentication.finish(&exchange, stream: stream, deadline: deadline, tracer: tracer).orThrow(exchange)
            succeeded = exchange
        }
        if let scram = succeeded?.mechanism as? SCRAM, let parameters = scram.keyParameters {
            if scram.derivedKeysAhead {
                tracer?(.stage("SCRAM keys derived while the first message travelled (the salt and iteration count of the last login)"))
            }
            knowledge.remember(parameters, username: settings.jid.localpart ?? "", hash: scram.hashName)
        }
        stream.restartParser()
        stream.queueStreamHeader(to: settings.jid.domainpart, from: settings.jid.bare.description)
        return Authenticated(session: nil)
    }
}

/// Limits the server advertises (XEP-0478), where it does.
public struct StreamLimits: Sendable {
    /// The largest stanza, in bytes, the server accepts from us.
    public var maxStanzaBytes: Int?
    /// Seconds of silence after which the server may close the stream.
    public var idleSeconds: Int?

    init(features: XMLElement) {
        let limits = features.child("limits", namespace: Namespace.streamLimits)
        maxStanzaBytes = limits?.child("max-bytes")?.text.trimmingXMLWhitespace().asPositiveInt
        idleSeconds = limits?.child("idle-seconds")?.text.trimmingXMLWhitespace().asPositiveInt
    }
}

extension String {
    fileprivate var asPositiveInt: Int? {
        guard let value = Int(self), value > 0 else { return nil }
        return value
    }
}
