/// Which of XEP-0479's (Compliance Suites 2023) server requirements that a client can see
/// the server meets, suite by suite. A requirement it lacks is `missing`, never a warning:
/// the suites describe a full-featured server, not a broken one.
enum DoctorCompliance {
    static func summarize(
        tls: Bool, directTLS: Bool, features: ServerFeatures?, into report: inout DoctorReport
    ) {
        report.section("XMPP Compliance Suites 2023 (XEP-0479), what a client can see")
        guard let features else {
            report.add(.info, "suites", "not judged: they need a login")
            return
        }
        let suites: [(String, [(String, Bool)])] = [
            ("Core", [("TLS", tls), ("feature discovery", features.discovery)]),
            ("Core Advanced", [("direct TLS", directTLS), ("PEP", features.pep)]),
            ("IM", [("vcard-temp", features.vcard), ("carbons", features.carbons), ("group chat", features.muc != nil), ("HTTP upload", features.upload != nil)]),
            ("IM Advanced", [
                ("blocking", features.blocking), ("stream management", features.streamManagement), ("MAM", features.mam),
                ("PEP private storage", features.privateStorage),
            ]),
        ]
        for (suite, requirements) in suites {
            let lacking = requirements.filter { !$0.1 }.map(\.0)
            report.add(
                lacking.isEmpty ? .ok : .missing, suite,
                lacking.isEmpty ? "met (\(requirements.map(\.0).joined(separator: ", ")))" : "lacks \(lacking.joined(separator: ", "))")
        }
    }
}
