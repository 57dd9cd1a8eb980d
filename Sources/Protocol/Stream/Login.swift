/// Opens an authenticated session: connect, TLS, SASL, then resource binding and stream
/// management queued together so they travel with the caller's first stanzas.
///
/// Round trips with STARTTLS: features, STARTTLS, features, two for SCRAM, features; then
/// bind, `<enable/>`, the caller's stanzas and `<r/>` share one flight. Direct TLS saves two.
public enum Login {
    public static func start(settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?) throws(XMPPError) -> XMPPSession {
        let (stream, features) = try authenticatedStream(settings: settings, deadline: deadline, tracer: tracer)
        do throws(XMPPError) {
            guard features.child("bind", namespace: Namespace.bind) != nil else {
                throw .protocolViolation("\(stream.peerName) offers no resource binding after authentication")
            }
            let session = XMPPSession(stream: stream, accountJID: settings.jid, tracer: tracer)
            session.limits = StreamLimits(features: features)
            session.features = features
            session.queueBind(resource: settings.resource)
            if let legacy = features.child("session", namespace: Namespace.session), legacy.child("optional") == nil {
                session.queueLegacySession()
            }
            if settings.streamManagement, features.child("sm", namespace: Namespace.streamManagement) != nil {
                session.queueEnableStreamManagement(resumable: settings.resumable)
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
        let (stream, features) = try authenticatedStream(settings: settings, deadline: deadline, tracer: tracer)
        do throws(XMPPError) {
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
            let (stream, features) = try authenticatedStream(settings: settings, deadline: deadline, tracer: tracer)
            return Negotiated(stream: stream, features: features, session: nil)
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
    }

    /// Connects and opens the stream; with `secured`, upgrades it with STARTTLS where the
    /// endpoint is not direct TLS, and opens it again over TLS.
    private static func openStream(
        settings: ConnectionSettings, secured: Bool, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> OpenedStream {
        let connected = try Connector.connect(settings: settings, deadline: deadline, tracer: tracer)
        let stream = StreamConnection(transport: connected.transport, peerName: connected.peerName, tracer: tracer)
        do throws(XMPPError) {
            let domain = settings.jid.domainpart
            let account = settings.jid.bare.description
            // Before TLS the header names only the domain: nothing of the account is sent
            // until the certificate has been verified.
            stream.queueStreamHeader(to: domain, from: connected.tls == nil ? nil : account)
            var opened = OpenedStream(stream: stream, features: try stream.readHeaderAndFeatures(deadline: deadline), tls: connected.tls)
            if secured && opened.tls == nil {
                let upgraded = try StartTLS.negotiate(
                    stream: stream, features: opened.features, tcp: connected.tcp, settings: settings,
                    deadline: deadline, tracer: tracer)
                opened.tls = upgraded
                stream.replaceTransport(upgraded)
                stream.queueStreamHeader(to: domain, from: account)
                opened.features = try stream.readHeaderAndFeatures(deadline: deadline)
            }
            return opened
        } catch {
            stream.transport.close()
            throw error
        }
    }

    /// Connects, secures and authenticates a stream, and reads the features that follow.
    private static func authenticatedStream(
        settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> (StreamConnection, XMLElement) {
        let opened = try openStream(settings: settings, secured: true, deadline: deadline, tracer: tracer)
        let stream = opened.stream
        do throws(XMPPError) {
            guard let tls = opened.tls else { throw .tlsUnavailable("the stream is not secured by TLS") }
            try SASLAuthentication.authenticate(
                stream: stream, features: opened.features, tls: tls, settings: settings, deadline: deadline, tracer: tracer)
            stream.restartParser()
            stream.queueStreamHeader(to: settings.jid.domainpart, from: settings.jid.bare.description)
            return (stream, try stream.readHeaderAndFeatures(deadline: deadline))
        } catch {
            stream.transport.close()
            throw error
        }
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
