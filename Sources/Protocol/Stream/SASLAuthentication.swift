/// SASL negotiation (RFC 6120 §6): picks the mechanism, runs its exchange, and checks the
/// server's proof. The mechanisms themselves are pure values in `SASL/`; this file only
/// moves their bytes over the stream, base64-encoded, with payloads redacted in traces.
enum SASLAuthentication {
    static func authenticate(
        stream: StreamConnection, features: XMLElement, tls: TLSConnection,
        settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) {
        guard let offered = features.child("mechanisms", namespace: Namespace.sasl) else {
            throw .protocolViolation("\(stream.peerName) offers no SASL mechanisms")
        }
        let names = offered.elements(named: "mechanism").map { $0.text.trimmingXMLWhitespace() }
        let serverBindingTypes = features.child("sasl-channel-binding", namespace: Namespace.channelBindingTypes)
            .map { $0.elements(named: "channel-binding").compactMap { $0[attribute: "type"] } }
        var mechanism: any SASLMechanism
        do {
            mechanism = try SASLMechanismChoice.select(
                offered: names, username: settings.jid.localpart ?? "", password: settings.password,
                channelBindings: tls.channelBindings(), serverChannelBindingTypes: serverBindingTypes,
                // PLAIN only where the certificate was verified: over an unverified one,
                // whoever answered would get the password itself. SCRAM never sends it.
                allowPlain: !settings.insecure)
        } catch {
            throw .authenticationFailed(mechanism: "SASL", reason: describe(error, offered: names))
        }
        let mechanismName = mechanism.name
        let binding = (mechanism as? SCRAM)?.channelBindingType.map { "channel binding \($0); " } ?? ""
        tracer?(.stage("authenticating as \(settings.jid.bare) with \(mechanismName) (\(binding)offered: \(names.joined(separator: " ")))"))

        func fail(_ reason: String) -> XMPPError {
            .authenticationFailed(mechanism: mechanismName, reason: reason)
        }
        do {
            // The mechanism's messages may hold the password (PLAIN) or a proof derived from
            // it: their bytes are wiped once encoded. The base64 text is a String and cannot
            // be (see `KeyMaterial`).
            var initial = try mechanism.initialResponse()
            var auth = XMLElement("auth", namespace: Namespace.sasl, attributes: ["mechanism": mechanismName])
            // RFC 6120 §6.4.2: an empty initial response is sent as "=".
            auth.append(text: initial.isEmpty ? "=" : Base64.encode(initial))
            KeyMaterial.wipe(&initial)
            stream.queue(auth, redacted: true)
            while true {
                let answer = try stream.nextElement(deadline: deadline, waitingFor: "the SASL answer")
                guard answer.namespace == Namespace.sasl else {
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
                switch answer.name {
                case "challenge":
                    guard let challenge = Base64.decode(answer.text.trimmingXMLWhitespace()) else {
                        throw fail("the server's challenge is not valid base64")
                    }
                    var response = try mechanism.respond(to: challenge)
                    var element = XMLElement("response", namespace: Namespace.sasl)
                    if !response.isEmpty { element.append(text: Base64.encode(response)) }
                    KeyMaterial.wipe(&response)
                    stream.queue(element, redacted: true)
                case "success":
                    let text = answer.text.trimmingXMLWhitespace()
                    guard let data = text == "=" ? [] : Base64.decode(text) else {
                        throw fail("the server's success data is not valid base64")
                    }
                    try mechanism.verifySuccess(data)
                    tracer?(.stage("authenticated with \(mechanismName)"))
                    return
                case "failure":
                    let condition = answer.elementChildren.first { $0.name != "text" }?.name ?? "failure"
                    let text = answer.child("text").map { ": \($0.text)" } ?? ""
                    throw fail("the server says '\(condition)'\(text); check the JID and password")
                default:
                    throw fail("unexpected <\(answer.name)> during authentication")
                }
            }
        } catch let error as SASLError {
            throw fail(describe(error, offered: names))
        } catch let error as XMPPError {
            throw error
        } catch {
            throw fail("\(error)")
        }
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
