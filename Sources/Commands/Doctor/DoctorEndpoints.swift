import XMPPProtocol

/// The facts the core's stages report while `doctor` connects (`TraceEvent.fact`).
final class CollectedFacts {
    private(set) var facts: [ConnectionFact] = []
    /// When each fact came: the stages report as they finish, so the gaps are their times.
    private(set) var arrivals: [Deadline] = []

    var tracer: Tracer {
        { [self] event in
            if case .fact(let fact) = event {
                facts.append(fact)
                arrivals.append(.now())
            }
        }
    }

    /// When the first fact that `matches` came.
    func arrival(_ matches: (ConnectionFact) -> Bool) -> Deadline? {
        facts.firstIndex(where: matches).map { arrivals[$0] }
    }

    var authentication: (mechanism: String, at: Deadline)? {
        guard let index = facts.firstIndex(where: { if case .authenticated = $0 { true } else { false } }),
            case .authenticated(let mechanism) = facts[index]
        else { return nil }
        return (mechanism, arrivals[index])
    }

    var tcp: (address: String, milliseconds: Double)? {
        facts.lazy.compactMap { if case .tcpConnected(_, let address, let ms) = $0 { (address, ms) } else { nil } }.first
    }
    var tls: (facts: TLSFacts, milliseconds: Double)? {
        facts.lazy.compactMap { if case .tlsEstablished(let tls, let ms) = $0 { (tls, ms) } else { nil } }.first
    }
    func features(secured: Bool) -> XMLElement? {
        facts.lazy.compactMap { if case .features(let element, secured) = $0 { element } else { nil } }.first
    }
}

/// Each endpoint of `doctor`: TCP, TLS and its certificate, and the stream's features
/// before and after TLS, through the core's own stages (`Login.negotiate` as far as TLS).
struct DoctorEndpoints {
    let account: Account
    let warnDays: Int
    let critDays: Int

    /// What the endpoints showed, for the summary.
    struct Outcome {
        /// The facts of the first endpoint that worked.
        var firstWorking: CollectedFacts?
        /// Whether a direct-TLS endpoint (XEP-0368) worked.
        var directTLSWorks = false
    }

    /// Checks every endpoint at each of its addresses.
    func check(_ endpoints: [Endpoint], into report: inout DoctorReport, deadline: Deadline) -> Outcome {
        var outcome = Outcome()
        for endpoint in endpoints {
            let mode = endpoint.directTLS ? "direct TLS" : "STARTTLS"
            // Each address on its own, as a client that reaches one or the other would see it.
            let addresses: [String]
            do throws(HostResolutionError) {
                addresses = try HostResolver().addresses(of: endpoint.host, deadline: deadline.earlier(.after(seconds: 5))).map(\.description)
            } catch {
                report.section("\(endpoint.host) port \(endpoint.port) (\(mode))")
                report.add(.fail, "address", error.message, failure: .unavailable)
                continue
            }
            for address in addresses {
                let shown = address == endpoint.host ? "" : " at \(address)"
                report.section("\(endpoint.host) port \(endpoint.port) (\(mode))\(shown)")
                guard let facts = check(endpoint, address: address, into: &report, deadline: deadline), facts.tls != nil else { continue }
                outcome.firstWorking = outcome.firstWorking ?? facts
                if endpoint.directTLS { outcome.directTLSWorks = true }
            }
        }
        return outcome
    }

    /// One endpoint at one address, through `Login.negotiate` as far as TLS.
    private func check(_ endpoint: Endpoint, address: String, into report: inout DoctorReport, deadline: Deadline) -> CollectedFacts? {
        var settings = account.settings
        settings.server = "\(address.contains(":") ? "[\(address)]" : address):\(endpoint.port)"
        settings.tlsMode = endpoint.directTLS ? .direct : .starttls
        settings.requestsOCSPStatus = true
        let facts = CollectedFacts()
        do throws(XMPPError) {
            let negotiated = try Login.negotiate(
                upTo: .tls, settings: settings, deadline: deadline.earlier(.after(seconds: 10)), tracer: facts.tracer)
            negotiated.stream.close(deadline: .after(seconds: 1))
            describe(facts, endpoint: endpoint, into: &report)
            return facts
        } catch {
            describe(facts, endpoint: endpoint, into: &report)
            report.add(.fail, failedStage(facts), Failure(error).message, failure: Failure(error).status)
            return nil
        }
    }

    private func failedStage(_ facts: CollectedFacts) -> String {
        facts.tcp == nil ? "connect" : facts.tls == nil ? "TLS" : "stream"
    }

    private func describe(_ facts: CollectedFacts, endpoint: Endpoint, into report: inout DoctorReport) {
        if let tcp = facts.tcp {
            report.add(.ok, "TCP", "connected to \(tcp.address) in \(Self.milliseconds(tcp.milliseconds))")
            report.measure("connect", tcp.milliseconds)
        }
        if let plain = facts.features(secured: false) {
            report.add(.info, "features", "before TLS: \(Self.names(plain))")
            let startTLS = plain.child("starttls", namespace: Namespace.tls)
            if startTLS == nil {
                report.add(.fail, "STARTTLS", "not offered: no client can log in securely here", failure: .noPermission)
            } else {
                report.add(.ok, "STARTTLS", startTLS?.child("required", namespace: Namespace.tls) != nil ? "offered, required" : "offered (not marked required)")
            }
            let mechanisms = Self.mechanisms(plain)
            if mechanisms.contains("PLAIN") {
                report.add(.warn, "before TLS", "PLAIN offered before TLS: a client could send the password in the clear")
            } else if !mechanisms.isEmpty {
                report.add(.info, "before TLS", "SASL offered before TLS: \(mechanisms.joined(separator: " "))")
            }
        }
        if let (tls, handshake) = facts.tls {
            report.add(.ok, "TLS", "\(tls.version), \(tls.cipher), ALPN \(tls.alpn ?? "none"), handshake \(Self.milliseconds(handshake))")
            report.measure("tls", handshake)
            describeCertificate(tls, into: &report)
        }
        if let secure = facts.features(secured: true) {
            report.add(.info, "features", "after TLS: \(Self.names(secure))")
            describeSecureFeatures(secure, into: &report)
        }
    }

    private func describeCertificate(_ tls: TLSFacts, into report: inout DoctorReport) {
        guard let leaf = tls.chain.first else { return }
        report.add(tls.verified ? .ok : .warn, "certificate", tls.verified ? "verified for \(account.settings.jid.domainpart)" : "NOT verified (--insecure)")
        report.add(.info, "subject", "\(leaf.subject); issuer \(leaf.issuer)")
        report.add(.info, "names", leaf.names.isEmpty ? "none" : leaf.names.joined(separator: ", "))
        for (index, certificate) in tls.chain.enumerated().dropFirst() {
            report.add(.info, "chain \(index)", "\(certificate.subject); issuer \(certificate.issuer)")
        }
        if let stapled = tls.ocspStapled {
            report.add(stapled ? .ok : .missing, "OCSP", stapled ? "a response is stapled" : "no response stapled (RFC 6066)")
        }
        let days = Int((Double(leaf.secondsToExpiry) / 86_400).rounded(.down))
        report.measure("days", Double(days), unit: "")
        let text = "\(days) days left (expires \(leaf.expires))"
        if leaf.secondsToExpiry < 0 {
            report.add(.fail, "expiry", "expired \(leaf.expires)", failure: .noPermission)
        } else if days < critDays {
            report.add(.fail, "expiry", text + ", under --crit-days \(critDays)", failure: .noPermission)
        } else if days < warnDays {
            report.add(.warn, "expiry", text + ", under --warn-days \(warnDays)")
        } else {
            report.add(.ok, "expiry", text)
        }
    }

    private func describeSecureFeatures(_ features: XMLElement, into report: inout DoctorReport) {
        let mechanisms = Self.mechanisms(features)
        if mechanisms.isEmpty {
            report.add(.info, "SASL", "no mechanisms offered")
        } else if mechanisms.contains(where: { $0.hasPrefix("SCRAM-") }) {
            report.add(.ok, "SASL", mechanisms.joined(separator: " "))
        } else {
            report.add(.warn, "SASL", "\(mechanisms.joined(separator: " ")): no SCRAM, so the password itself is sent (over TLS)")
        }
        let bindings = features.child("sasl-channel-binding", namespace: Namespace.channelBindingTypes)?
            .elements(named: "channel-binding", namespace: Namespace.channelBindingTypes).compactMap { $0[attribute: "type"] } ?? []
        report.add(bindings.isEmpty ? .missing : .ok, "channel binding", bindings.isEmpty ? "no types announced (XEP-0440)" : bindings.joined(separator: " "))
        if let offer = SASL2Offer(features: features) {
            // Servers offer FAST (XEP-0484) only to a stream that names its account.
            let fast = !offer.fastMechanisms.isEmpty
                ? "FAST \(offer.fastMechanisms.joined(separator: " "))"
                : account.settings.jid.localpart == nil ? "FAST not asked for (no account)" : "no FAST"
            report.add(.ok, "SASL2", "\(offer.mechanisms.joined(separator: " ")); \(offer.offersBind2 ? "Bind2" : "no Bind2"); \(fast)")
        } else {
            report.add(.missing, "SASL2", "not offered (XEP-0388)")
        }
        if let limits = features.child("limits", namespace: Namespace.streamLimits) {
            let size = limits.child("max-bytes", namespace: Namespace.streamLimits)?.text ?? "?"
            let idle = limits.child("idle-seconds", namespace: Namespace.streamLimits)?.text ?? "?"
            report.add(.ok, "limits", "stanzas up to \(size) bytes, idle \(idle) s (XEP-0478)")
        } else {
            report.add(.missing, "limits", "not announced (XEP-0478)")
        }
    }

    /// The features' element names, with the namespace where it is not the usual one's.
    static func names(_ features: XMLElement) -> String {
        let names = features.elements().map { $0.name }
        return names.isEmpty ? "none" : names.joined(separator: " ")
    }

    static func mechanisms(_ features: XMLElement) -> [String] {
        features.child("mechanisms", namespace: Namespace.sasl)?.elements(named: "mechanism", namespace: Namespace.sasl)
            .map { $0.text.trimmingXMLWhitespace() } ?? []
    }

    static func milliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
