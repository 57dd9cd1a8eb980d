import XMPPProtocol

/// What the login part of `doctor` learned of the server's extensions, for the summary of
/// XEP-0479.
struct ServerFeatures {
    var discovery = false
    var streamManagement = false, carbons = false, mam = false, blocking = false, pep = false
    var push = false, csi = false, vcard = false, privateStorage = false
    var upload: HTTPFileUpload.Service?
    var muc: JID?
}

/// `doctor`'s login as the account: per-phase timings through the core's stages (a first
/// contact: no cache, no token), the bound JID, the server's software, its features, its
/// services and a ping.
struct DoctorLogin {
    let account: Account

    func check(into report: inout DoctorReport, deadline: Deadline) -> ServerFeatures? {
        report.section("login as \(account.settings.jid.bare)")
        let facts = CollectedFacts()
        let started = Deadline.now()
        let session: XMPPSession
        do throws(XMPPError) {
            var settings = account.settings
            settings.streamManagement = true
            session = try Login.start(settings: settings, knowledge: ServerKnowledge(), fast: nil, deadline: deadline, tracer: facts.tracer)
            let bound = try session.waitUntilBound(deadline: deadline)
            let boundAt = Deadline.now()
            let total = started.millisecondsSince
            let tcp = facts.tcp?.milliseconds ?? 0, tls = facts.tls?.milliseconds ?? 0
            // SASL: from the TLS handshake's end to its success; bind: from there to the
            // bind result (the restart header and bind went in one flight).
            let tlsDone = facts.arrival { if case .tlsEstablished = $0 { true } else { false } }
            let phases: String
            if let tlsDone, let (mechanism, authenticatedAt) = facts.authentication {
                let sasl = Double(authenticatedAt.uptimeNanoseconds - tlsDone.uptimeNanoseconds) / 1e6
                let bind = Double(boundAt.uptimeNanoseconds - authenticatedAt.uptimeNanoseconds) / 1e6
                phases = "SASL (\(mechanism)) \(DoctorEndpoints.milliseconds(sasl)), bind \(DoctorEndpoints.milliseconds(bind))"
            } else {
                phases = "SASL and bind \(DoctorEndpoints.milliseconds(max(0, total - tcp - tls)))"
            }
            report.add(
                .ok, "login",
                "TCP \(DoctorEndpoints.milliseconds(tcp)), TLS \(DoctorEndpoints.milliseconds(tls)), \(phases); "
                    + "\(DoctorEndpoints.milliseconds(total)) in all, \(session.stream.roundTrips) round trips")
            report.measure("login", total)
            report.add(.ok, "bound", bound.description)
        } catch {
            let failure = Failure(error)
            report.add(.fail, "login", failure.message, failure: failure.status)
            return nil
        }
        defer { session.close(deadline: .after(seconds: 1)) }
        session.onStanza = { _ in }
        var features = ServerFeatures()
        do throws(XMPPError) {
            try gather(&features, session: session, into: &report, deadline: deadline)
        } catch {
            let failure = Failure(error)
            report.add(.fail, "queries", failure.message, failure: failure.status)
        }
        return features
    }

    private func gather(_ features: inout ServerFeatures, session: XMPPSession, into report: inout DoctorReport, deadline: Deadline) throws(XMPPError) {
        let domain = account.settings.jid.domain
        let account = self.account.settings.jid.bare
        func iq(_ to: JID, _ query: XMLElement) -> String {
            session.sendRequest(XMLElement("iq", attributes: ["type": "get", "to": to.description], children: [.element(query)]))
        }
        let version = iq(domain, XMLElement("query", namespace: Namespace.version))
        let domainInfo = iq(domain, XMLElement("query", namespace: Namespace.discoInfo))
        let accountInfo = iq(account, XMLElement("query", namespace: Namespace.discoInfo))
        let items = iq(domain, XMLElement("query", namespace: Namespace.discoItems))
        let answers = try session.waitForResponses([version, domainInfo, accountInfo, items], deadline: deadline, waitingFor: "the server's answers")

        if let answer = answers[version], answer[attribute: "type"] == "result", let query = answer.child("query", namespace: Namespace.version) {
            let text = [query.child("name")?.text, query.child("version")?.text, query.child("os").map { "(\($0.text))" }]
                .compactMap { $0?.trimmingXMLWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
            report.add(.info, "software", text.isEmpty ? "not named" : text)
        } else {
            report.add(.missing, "software", "not answered (XEP-0092)")
        }
        let domainFeatures = Self.features(answers[domainInfo])
        let accountFeatures = Self.features(answers[accountInfo])
        features.discovery = answers[domainInfo]?[attribute: "type"] == "result"
        let streamFeatures = session.features
        features.streamManagement = streamFeatures?.child("sm", namespace: Namespace.streamManagement) != nil
        features.csi = streamFeatures?.child("csi", namespace: Namespace.clientStateIndication) != nil
        features.carbons = domainFeatures.contains(Namespace.carbons)
        features.mam = accountFeatures.contains(Namespace.mam) || domainFeatures.contains(Namespace.mam)
        features.blocking = domainFeatures.contains(Namespace.blocking)
        features.push = domainFeatures.contains(Namespace.push) || accountFeatures.contains(Namespace.push)
        features.vcard = domainFeatures.contains(Namespace.vcardTemp)
        features.pep = Self.identities(answers[accountInfo]).contains { $0 == ("pubsub", "pep") }
        features.privateStorage = accountFeatures.contains(Namespace.pubsubPublishOptions)

        // The services: each item's disco#info, in one flight.
        let listed = (answers[items]?.child("query", namespace: Namespace.discoItems)?.elements(named: "item", namespace: Namespace.discoItems) ?? [])
            .compactMap { $0[attribute: "jid"].flatMap { try? JID($0) } }.prefix(64)
        let asked = listed.map { ($0, iq($0, XMLElement("query", namespace: Namespace.discoInfo))) }
        let infos = try session.waitForResponses(asked.map(\.1), deadline: deadline, waitingFor: "the disco#info of the server's services")
        for (jid, id) in asked {
            guard let info = infos[id] else { continue }
            if features.upload == nil { features.upload = HTTPFileUpload.service(jid, info: info) }
            if features.muc == nil, Self.identities(info).contains(where: { $0.category == "conference" }) { features.muc = jid }
        }
        if features.upload == nil, let info = answers[domainInfo] { features.upload = HTTPFileUpload.service(domain, info: info) }

        let rows: [(String, Bool, String)] = [
            ("stream management", features.streamManagement, "XEP-0198"), ("carbons", features.carbons, "XEP-0280"),
            ("MAM", features.mam, "XEP-0313"), ("blocking", features.blocking, "XEP-0191"), ("PEP", features.pep, "XEP-0163"),
            ("push", features.push, "XEP-0357"), ("CSI", features.csi, "XEP-0352"), ("vcard-temp", features.vcard, "XEP-0054"),
        ]
        for (name, present, xep) in rows {
            report.add(present ? .ok : .missing, name, present ? "present (\(xep))" : "missing (\(xep))")
        }
        if let upload = features.upload {
            report.add(.ok, "HTTP upload", "\(upload.jid), " + (upload.maxFileSize.map { "files up to \($0) bytes" } ?? "no size limit announced"))
        } else {
            report.add(.missing, "HTTP upload", "missing (XEP-0363)")
        }
        report.add(features.muc == nil ? .missing : .ok, "MUC", features.muc.map { "\($0)" } ?? "no multi-user chat service (XEP-0045)")

        let pingStarted = Deadline.now()
        _ = try session.request(
            XMLElement("iq", attributes: ["type": "get", "to": domain.description], children: [.element(XMLElement("ping", namespace: Namespace.ping))]),
            deadline: deadline, waitingFor: "the answer to a ping")
        let ping = pingStarted.millisecondsSince
        report.add(.ok, "ping", DoctorEndpoints.milliseconds(ping))
        report.measure("ping", ping)
    }

    private static func features(_ answer: XMLElement?) -> Set<String> {
        guard let answer, answer[attribute: "type"] == "result" else { return [] }
        return Set(answer.child("query", namespace: Namespace.discoInfo)?.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] } ?? [])
    }

    private static func identities(_ answer: XMLElement?) -> [(category: String, type: String)] {
        guard let answer, answer[attribute: "type"] == "result" else { return [] }
        return answer.child("query", namespace: Namespace.discoInfo)?.elements(named: "identity", namespace: Namespace.discoInfo)
            .map { ($0[attribute: "category"] ?? "", $0[attribute: "type"] ?? "") } ?? []
    }
}
