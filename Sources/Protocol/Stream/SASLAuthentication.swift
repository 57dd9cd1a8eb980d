/// SASL negotiation (RFC 6120 §6): picks the mechanism, runs its exchange, and checks the
/// server's proof. The mechanisms themselves are pure values in `SASL/`; this file only
/// moves their bytes over the stream, base64-encoded, with payloads redacted in traces.
enum SASLAuthentication {
    /// What the server offers: mechanism names and channel-binding types (XEP-0440).
    struct Offer: Equatable {
        var mechanisms: [String]
        var channelBindingTypes: [String]?

        init(mechanisms: [String], channelBindingTypes: [String]?) {
            self.mechanisms = mechanisms
            self.channelBindingTypes = channelBindingTypes
        }

        init(features: XMLElement, peerName: String) throws(XMPPError) {
            guard let offered = features.child("mechanisms", namespace: Namespace.sasl) else {
                throw .protocolViolation("\(peerName) offers no SASL mechanisms")
            }
            mechanisms = offered.elements(named: "mechanism").map { $0.text.trimmingXMLWhitespace() }
            channelBindingTypes = features.child("sasl-channel-binding", namespace: Namespace.channelBindingTypes)
                .map { $0.elements(named: "channel-binding").compactMap { $0[attribute: "type"] } }
        }
    }

    /// A mechanism chosen from an offer, its first message queued.
    struct Exchange {
        var mechanism: any SASLMechanism
        var offer: Offer
    }

    /// How an exchange ended, short of a failure that ends the login.
    enum Outcome {
        case succeeded
        /// `<failure/>`: the condition, and the server's words.
        case refused(condition: String, text: String)
    }

    /// Chooses and authenticates, both against `features`.
    static func authenticate(
        stream: StreamConnection, features: XMLElement, tls: TLSConnection,
        settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) {
        let offer = try Offer(features: features, peerName: stream.peerName)
        var exchange = try begin(stream: stream, offer: offer, tls: tls, settings: settings, tracer: tracer)
        try finish(&exchange, stream: stream, deadline: deadline, tracer: tracer).orThrow(exchange)
    }

    /// Chooses a mechanism from `offer` and queues its first message (with the stream
    /// header, when the offer is what the server offered last time).
    static func begin(
        stream: StreamConnection, offer: Offer, tls: TLSConnection, settings: ConnectionSettings, tracer: Tracer?
    ) throws(XMPPError) -> Exchange {
        var mechanism: any SASLMechanism
        do {
            mechanism = try SASLMechanismChoice.select(
                offered: offer.mechanisms, username: settings.jid.localpart ?? "", password: settings.password,
                channelBindings: tls.channelBindings(), serverChannelBindingTypes: offer.channelBindingTypes,
                // PLAIN only where the certificate was verified: over an unverified one,
                // whoever answered would get the password itself. SCRAM never sends it.
                allowPlain: !settings.insecure)
        } catch {
            throw .authenticationFailed(mechanism: "SASL", reason: describe(error, offered: offer.mechanisms))
        }
        let binding = (mechanism as? SCRAM)?.channelBindingType.map { "channel binding \($0); " } ?? ""
        tracer?(.stage("authenticating as \(settings.jid.bare) with \(mechanism.name) (\(binding)offered: \(offer.mechanisms.joined(separator: " ")))"))
        do {
            // The mechanism's messages may hold the password (PLAIN) or a proof derived from
            // it: their bytes are wiped once encoded. The base64 text is a String and cannot
            // be (see `KeyMaterial`).
            var initial = try mechanism.initialResponse()
            var auth = XMLElement("auth", namespace: Namespace.sasl, attributes: ["mechanism": mechanism.name])
            // RFC 6120 §6.4.2: an empty initial response is sent as "=".
            auth.append(text: initial.isEmpty ? "=" : Base64.encode(initial))
            KeyMaterial.wipe(&initial)
            stream.queue(auth, redacted: true)
        } catch let error as SASLError {
            throw .authenticationFailed(mechanism: mechanism.name, reason: describe(error, offered: offer.mechanisms))
        } catch {
            throw .authenticationFailed(mechanism: mechanism.name, reason: "\(error)")
        }
        return Exchange(mechanism: mechanism, offer: offer)
    }

    /// For a SCRAM exchange whose account's salt and iteration count the last login was
    /// given: sends what is queued, then derives the keys while it travels (see
    /// `SCRAM.deriveAhead`). A server that sends other parameters costs the derivation
    /// done for nothing, never a failure.
    static func deriveAhead(
        _ exchange: inout Exchange, stream: StreamConnection, settings: ConnectionSettings,
        knowledge: ServerKnowledge, deadline: Deadline
    ) throws(XMPPError) {
        guard var scram = exchange.mechanism as? SCRAM,
            let parameters = knowledge.scramParameters(username: settings.jid.localpart ?? "", hash: scram.hashName)
        else { return }
        try stream.flush(deadline: deadline)
        scram.deriveAhead(parameters)
        exchange.mechanism = scram
    }

    /// Answers challenges until `<success/>` (whose proof is checked) or `<failure/>`.
    static func finish(
        _ exchange: inout Exchange, stream: StreamConnection, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> Outcome {
        let mechanismName = exchange.mechanism.name
        func fail(_ reason: String) -> XMPPError {
            .authenticationFailed(mechanism: mechanismName, reason: reason)
        }
        do {
            while true {
                let answer = try stream.nextElement(deadline: deadline, waitingFor: "the SASL answer")
                guard answer.namespace == Namespace.sasl else {
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
                switch answer.name {
                case "challenge":
                    guard let response = try answerChallenge(answer, with: &exchange.mechanism) else {
                        throw fail("the server's challenge is not valid base64")
                    }
                    stream.queue(response, redacted: true)
                case "success":
                    let text = answer.text.trimmingXMLWhitespace()
                    guard let data = text == "=" ? [] : Base64.decode(text) else {
                        throw fail("the server's success data is not valid base64")
                    }
                    try exchange.mechanism.verifySuccess(data)
                    tracer?(.fact(.authenticated(mechanism: mechanismName)))
                    tracer?(.stage("authenticated with \(mechanismName)"))
                    return .succeeded
                case "failure":
                    let condition = answer.elementChildren.first { $0.name != "text" }?.name ?? "failure"
                    let text = answer.child("text").map { ": \($0.text)" } ?? ""
                    return .refused(condition: condition, text: text)
                default:
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
            }
        } catch let error as SASLError {
            throw fail(describe(error, offered: exchange.offer.mechanisms))
        } catch let error as XMPPError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    /// The `<response>` to a `<challenge>`, in the challenge's namespace (SASL, RFC 6120
    /// §6.4.3, or SASL2, XEP-0388): the mechanism's answer, base64-encoded, its bytes wiped
    /// once encoded. nil when the challenge is not base64.
    static func answerChallenge(
        _ challenge: XMLElement, with mechanism: inout any SASLMechanism
    ) throws(SASLError) -> XMLElement? {
        guard let bytes = Base64.decode(challenge.text.trimmingXMLWhitespace()) else { return nil }
        var response = try mechanism.respond(to: bytes)
        defer { KeyMaterial.wipe(&response) }
        var element = XMLElement("response", namespace: challenge.namespace)
        if !response.isEmpty { element.append(text: Base64.encode(response)) }
        return element
    }

    static func describe(_ error: SASLError, offered: [String]) -> String {
        switch error {
        case .malformedChallenge(let what):
            return "the server sent a malformed challenge (\(what))"
        case .serverNonceMismatch:
            return "the server's nonce does not extend ours (possible attack); not continuing"
        case .invalidServerSignature:
            return "the server could not prove it knows the password (wrong server signature; possible attack)"
        case .serverError(let message):
            return "the server says '\(message)'; check the JID and password"
        case .iterationCountOutOfRange(let count):
            return "the server asked for an unreasonable iteration count (\(count))"
        case .unexpectedChallenge:
            return "the server sent more challenges than the mechanism has steps"
        case .successWithoutVerification:
            return "the server reported success without proving it knows the password"
        case .noUsableMechanism(let offered):
            return "no mechanism xmpp-cli can use is offered (offered: \(offered.joined(separator: " ")))"
        default:
            // The rest (PLAIN refused, key derivation refused, SASLprep) say it well themselves.
            return "\(error)"
        }
    }
}

extension SASLAuthentication.Outcome {
    /// A refusal as the error that ends the login.
    func orThrow(_ exchange: SASLAuthentication.Exchange) throws(XMPPError) {
        guard case .refused(let condition, let text) = self else { return }
        throw .authenticationFailed(
            mechanism: exchange.mechanism.name,
            reason: "the server says '\(condition)'\(text); check the JID and password")
    }
}
