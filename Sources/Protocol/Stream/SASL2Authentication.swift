/// SASL2 (XEP-0388): authentication, resource binding (Bind2, XEP-0386), stream management
/// (XEP-0198 #inline) and FAST tokens (XEP-0484) in one exchange, with no stream restart.
///
/// `begin` queues `<authenticate>` without writing anything, so the caller can queue stanzas
/// behind it and send everything in one flight; `SASL2Exchange.finish` then waits for the
/// outcome. Pipelining stanzas is only safe when the mechanism needs no challenge
/// (`completesInOneRoundTrip`: a FAST token): XEP-0388 §3.3 has the server disconnect a client
/// that sends anything but `<response/>` while authentication is in progress. The
/// mechanisms are the pure values in `SASL/`; this file only moves their bytes.
public enum SASL2Authentication {
    /// The whole exchange: queues `<authenticate>`, waits for the outcome and the features
    /// that follow it.
    public static func authenticate(
        stream: StreamConnection, features: XMLElement, tls: TLSConnection, settings: ConnectionSettings,
        request: SASL2Request, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> SASL2Outcome {
        let exchange = try begin(
            stream: stream, features: features, tls: tls, settings: settings, request: request, tracer: tracer)
        return try exchange.finish(deadline: deadline)
    }

    /// Picks the mechanism and queues `<authenticate>` with the inline requests the server
    /// offers (Bind2, `<enable/>` inside it, `<request-token/>`); nothing is written yet.
    ///
    /// - Throws: `.tokenRefused` when a token is to be used but the server offers no FAST with
    ///   its mechanism here, or the connection lacks the channel binding it needs (nothing has
    ///   been sent: the password can be used on this same stream); `.authenticationFailed`
    ///   when no offered mechanism is usable.
    public static func begin(
        stream: StreamConnection, features: XMLElement, tls: TLSConnection, settings: ConnectionSettings,
        request: SASL2Request, tracer: Tracer?
    ) throws(XMPPError) -> SASL2Exchange {
        try begin(
            stream: stream, features: features, channelBindings: tls.channelBindings(), settings: settings,
            request: request, tracer: tracer)
    }

    /// `begin` with the channel bindings given: the public entry points take a
    /// `TLSConnection`, so that SASL2 runs only over verified TLS; tests give the bindings.
    static func begin(
        stream: StreamConnection, features: XMLElement, channelBindings: [ChannelBindingData],
        settings: ConnectionSettings, request: SASL2Request, tracer: Tracer?
    ) throws(XMPPError) -> SASL2Exchange {
        guard let offer = SASL2Offer(features: features) else {
            throw .protocolViolation("\(stream.peerName) offers no SASL2 authentication")
        }
        return try begin(
            stream: stream, offer: offer, channelBindings: channelBindings, settings: settings, request: request,
            tracer: tracer)
    }

    /// `begin` against an offer the server made before (a FAST login sends `<authenticate>`
    /// with the stream header, before this stream's features arrive).
    static func begin(
        stream: StreamConnection, offer: SASL2Offer, channelBindings: [ChannelBindingData],
        settings: ConnectionSettings, request: SASL2Request, tracer: Tracer?
    ) throws(XMPPError) -> SASL2Exchange {
        var mechanism = try chooseMechanism(
            offer: offer, channelBindings: channelBindings, settings: settings, credential: request.credential)
        let name = mechanism.name

        var authenticate = XMLElement("authenticate", namespace: Namespace.sasl2, attributes: ["mechanism": name])
        do {
            // The response may hold the password (PLAIN) or a proof derived from it or from a
            // token: its bytes are wiped once encoded (the base64 String cannot be).
            var initial = try mechanism.initialResponse()
            var element = XMLElement("initial-response", namespace: Namespace.sasl2)
            element.append(text: Base64.encode(initial))
            KeyMaterial.wipe(&initial)
            authenticate.append(element)
        } catch {
            throw .authenticationFailed(mechanism: name, reason: SASLAuthentication.describe(error, offered: offer.mechanisms))
        }
        authenticate.append(userAgentElement(request.userAgent))

        let binds = request.bind != nil && offer.offersBind2
        let enablesStreamManagement = binds && request.bind!.enableStreamManagement && offer.offersInlineStreamManagement
        let resumable = enablesStreamManagement && request.bind!.resumable
        if let bind = request.bind, binds {
            authenticate.append(bindElement(bind, enableStreamManagement: enablesStreamManagement, resumable: resumable))
        }
        var tokenMechanism = name
        if let wanted = request.requestToken, offer.fastMechanisms.contains(wanted) {
            authenticate.append(XMLElement("request-token", namespace: Namespace.fast, attributes: ["mechanism": wanted]))
            tokenMechanism = wanted
        }
        if case .token = request.credential {
            authenticate.append(XMLElement("fast", namespace: Namespace.fast))
        }
        stream.queue(authenticate)

        var inline: [String] = []
        if binds { inline.append("Bind2") }
        if enablesStreamManagement { inline.append(resumable ? "resumable stream management" : "stream management") }
        if tokenMechanism != name { inline.append("a \(tokenMechanism) token") }
        let asking = inline.isEmpty ? "" : "; asking for \(inline.joined(separator: ", "))"
        tracer?(.stage(
            "authenticating as \(settings.jid.bare) with \(name) over SASL2 (offered: \(offer.mechanisms.joined(separator: " "))\(asking))"))

        return SASL2Exchange(
            stream: stream, mechanism: mechanism, offer: offer, account: settings.jid,
            usesToken: { if case .token = request.credential { true } else { false } }(),
            requestedBind: binds, requestedStreamManagement: enablesStreamManagement, requestedResumable: resumable,
            tokenMechanism: tokenMechanism, tracer: tracer)
    }

    private static func chooseMechanism(
        offer: SASL2Offer, channelBindings: [ChannelBindingData], settings: ConnectionSettings, credential: SASL2Credential
    ) throws(XMPPError) -> any SASLMechanism {
        let username = settings.jid.localpart ?? ""
        switch credential {
        case .token(let token):
            guard offer.fastMechanisms.contains(token.mechanism) else {
                let offered = offer.fastMechanisms.isEmpty ? "no FAST" : "FAST with \(offer.fastMechanisms.joined(separator: " "))"
                throw .tokenRefused(mechanism: token.mechanism, reason: "the server offers \(offered) on this stream")
            }
            guard let mechanism = HashedToken(
                mechanism: token.mechanism, username: username, token: token.secret, channelBindings: channelBindings)
            else {
                throw .tokenRefused(
                    mechanism: token.mechanism, reason: "this connection cannot compute the channel binding the token is bound to")
            }
            return mechanism
        case .password:
            do {
                var mechanism = try SASLMechanismChoice.select(
                    offered: offer.mechanisms, username: username, password: settings.password,
                    channelBindings: channelBindings, serverChannelBindingTypes: offer.channelBindingTypes,
                    // PLAIN only where the certificate was verified, as for SASL1.
                    allowPlain: !settings.insecure)
                if var scram = mechanism as? SCRAM {
                    // The offer as received, for the server's XEP-0474 hash to be checked against.
                    scram.downgradeProtection = SCRAMDowngradeProtection(
                        mechanisms: offer.mechanisms, channelBindingTypes: offer.channelBindingTypes)
                    mechanism = scram
                }
                return mechanism
            } catch {
                throw .authenticationFailed(mechanism: "SASL2", reason: SASLAuthentication.describe(error, offered: offer.mechanisms))
            }
        }
    }

    private static func userAgentElement(_ agent: SASL2UserAgent) -> XMLElement {
        var element = XMLElement("user-agent", namespace: Namespace.sasl2, attributes: ["id": agent.id])
        var software = XMLElement("software", namespace: Namespace.sasl2)
        software.append(text: agent.software)
        element.append(software)
        if let device = agent.device {
            var child = XMLElement("device", namespace: Namespace.sasl2)
            child.append(text: device)
            element.append(child)
        }
        return element
    }

    /// `<enable/>` goes inside `<bind>` (XEP-0198 #inline-enable): directly under
    /// `<authenticate>` Prosody ignores it without a word.
    private static func bindElement(_ bind: Bind2Request, enableStreamManagement: Bool, resumable: Bool) -> XMLElement {
        var element = XMLElement("bind", namespace: Namespace.bind2)
        var tag = XMLElement("tag", namespace: Namespace.bind2)
        tag.append(text: bind.tag)
        element.append(tag)
        if enableStreamManagement {
            element.append(XMLElement(
                "enable", namespace: Namespace.streamManagement, attributes: resumable ? ["resume": "true"] : [:]))
        }
        return element
    }
}

/// One SASL2 exchange whose `<authenticate>` is queued: `finish` waits for its outcome.
public final class SASL2Exchange {
    public let stream: StreamConnection
    /// The mechanism in use, e.g. `SCRAM-SHA-1` or `HT-SHA-256-NONE`.
    public let mechanismName: String
    /// Whether `<bind>` was sent (the server offers Bind2 and it was asked for).
    public let requestedBind: Bool
    /// Whether `<enable/>` went inside `<bind>`: stanzas sent from now on are counted.
    public let requestedStreamManagement: Bool
    public let requestedResumable: Bool
    /// True when no challenge can come (a FAST token, or PLAIN): then stanzas may be queued
    /// right behind `<authenticate>`.
    public var completesInOneRoundTrip: Bool { mechanism is HashedToken || mechanism is PLAIN }

    private var mechanism: any SASLMechanism
    private let offer: SASL2Offer
    private let account: JID
    private let usesToken: Bool
    private let tokenMechanism: String
    private let tracer: Tracer?
    private var finished = false

    init(
        stream: StreamConnection, mechanism: any SASLMechanism, offer: SASL2Offer, account: JID, usesToken: Bool,
        requestedBind: Bool, requestedStreamManagement: Bool, requestedResumable: Bool, tokenMechanism: String,
        tracer: Tracer?
    ) {
        self.stream = stream
        self.mechanism = mechanism
        self.mechanismName = mechanism.name
        self.offer = offer
        self.account = account
        self.usesToken = usesToken
        self.requestedBind = requestedBind
        self.requestedStreamManagement = requestedStreamManagement
        self.requestedResumable = requestedResumable
        self.tokenMechanism = tokenMechanism
        self.tracer = tracer
    }

    /// Flushes what is queued, answers challenges, and returns once `<success>` and the
    /// features after it have arrived. Call it once.
    ///
    /// - Throws: `.tokenRefused` for a `<failure/>` to a token; `.authenticationFailed` for
    ///   any other failure, a server proof that does not verify (the SCRAM signature, the
    ///   token's Responder HMAC, XEP-0474's hash), or `<continue/>` (tasks such as a second
    ///   factor or a password change, which this client does not do).
    public func finish(deadline: Deadline) throws(XMPPError) -> SASL2Outcome {
        precondition(!finished, "SASL2Exchange.finish called twice")
        finished = true
        do {
            while true {
                let answer = try stream.nextElement(deadline: deadline, waitingFor: "the SASL2 answer")
                guard answer.namespace == Namespace.sasl2 else {
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
                switch answer.name {
                case "challenge":
                    guard let response = try SASLAuthentication.answerChallenge(answer, with: &mechanism) else {
                        throw fail("the server's challenge is not valid base64")
                    }
                    stream.queue(response, redacted: true)
                case "success":
                    return try succeed(answer, deadline: deadline)
                case "failure":
                    let condition = SASL2Outcome.condition(in: answer)
                    if usesToken { throw XMPPError.tokenRefused(mechanism: mechanismName, reason: "the server says '\(condition)'") }
                    throw fail("the server says '\(condition)'; check the JID and password")
                case "continue":
                    let tasks = answer.child("tasks", namespace: Namespace.sasl2)?
                        .elements(named: "task", namespace: Namespace.sasl2).map { $0.text.trimmingXMLWhitespace() } ?? []
                    stream.queue(XMLElement("abort", namespace: Namespace.sasl2))
                    try? stream.flush(deadline: deadline)
                    throw fail(
                        "the server requires further steps before the login completes (tasks: \(tasks.joined(separator: ", "))), "
                            + "such as a second factor or a password change, which xmpp-cli does not do")
                default:
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
            }
        } catch let error as SASLError {
            throw fail(SASLAuthentication.describe(error, offered: offer.mechanisms))
        } catch let error as XMPPError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    private func succeed(_ success: XMLElement, deadline: Deadline) throws -> SASL2Outcome {
        let text = success.child("additional-data", namespace: Namespace.sasl2)?.text.trimmingXMLWhitespace()
        guard let data = text.map({ Base64.decode($0) }) ?? [] else {
            throw fail("the server's success data is not valid base64")
        }
        try mechanism.verifySuccess(data)
        var outcome = try SASL2Outcome.parse(
            success: success, mechanism: mechanismName, tokenMechanism: tokenMechanism, account: account,
            bindRequested: requestedBind, streamManagementRequested: requestedStreamManagement, peer: stream.peerName)
        // XEP-0388 §3.4: <success> is immediately followed by the features of the
        // authenticated stream, with no restart.
        let features = try stream.nextElement(deadline: deadline, waitingFor: "stream features after SASL2 success")
        guard features.name == "features", features.namespace == Namespace.streams else {
            throw XMPPError.protocolViolation("expected <stream:features/> after SASL2 success from \(stream.peerName), got <\(features.name)>")
        }
        outcome.features = features
        tracer?(.fact(.authenticated(mechanism: mechanismName)))
        tracer?(.stage("authenticated with \(mechanismName) over SASL2 as \(outcome.authorizationIdentifier)"))
        switch outcome.streamManagement {
        case .enabled(_, let resumable): tracer?(.stage("stream management enabled inline\(resumable ? " (resumable)" : "")"))
        case .failed(let condition): tracer?(.stage("stream management refused inline: \(condition)"))
        case .notRequested: break
        }
        if let token = outcome.token {
            tracer?(.stage("received a \(token.mechanism) token\(token.expiry.map { ", valid until \($0)" } ?? "")"))
        }
        return outcome
    }

    private func fail(_ reason: String) -> XMPPError {
        .authenticationFailed(mechanism: mechanismName, reason: reason)
    }
}
