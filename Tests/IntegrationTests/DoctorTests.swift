import Foundation
import XCTest

/// `doctor` against the test Prosody (and ejabberd, which differs: SCRAM-SHA-256, -PLUS,
/// channel-binding types), the fake server's TLS faults, and DNS from a private resolver:
/// every section says what the server really is, and the exit codes (and Nagios's) follow
/// the severity.
final class DoctorTests: XCTestCase {
    private func doctor(
        _ arguments: [String], account: TestAccount? = nil, password: String? = nil, launcher: [String] = []
    ) throws -> CLIResult {
        var environment: [String: String] = [:]
        if let account { environment["XMPP_PASSWORD"] = password ?? account.password }
        return try runCLI(["doctor"] + (account.map { ["-j", $0.jid] } ?? []) + arguments, environment: environment, launcher: launcher)
    }

    private func prosodyArguments(_ server: ProsodyServer, direct: Bool = false) -> [String] {
        ["--server", direct ? server.directTLSAddress : server.starttlsAddress, "--tls", direct ? "direct" : "starttls", "--ca-file", server.caFile, "--timeout", "20"]
    }

    /// The lines of a text report whose mark is `status`, as "item detail".
    private func lines(_ result: CLIResult, _ status: String) -> [String] {
        result.stdout.split(separator: "\n").compactMap { line in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix(status + " ") else { return nil }
            return trimmed.dropFirst(status.count).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
    }

    func testProsodyWithAnAccountShowsEverySectionAndNothingFails() throws {
        let server = try ProsodyServer.shared
        let result = try doctor(prosodyArguments(server), account: server.alice)
        XCTAssertEqual(result.exitCode, 0, result.stdout + result.stderr)
        let ok = lines(result, "ok"), missing = lines(result, "missing")
        XCTAssertEqual(lines(result, "fail"), [], result.stdout)
        XCTAssertEqual(lines(result, "warn"), [], result.stdout)
        for expected in [
            "STARTTLS offered, required", "certificate verified for localhost", "stream management present (XEP-0198)",
            "carbons present (XEP-0280)", "MAM present (XEP-0313)", "PEP present (XEP-0163)", "MUC conference.localhost",
        ] {
            XCTAssertTrue(ok.contains(expected), "no ok line '\(expected)' in:\n\(result.stdout)")
        }
        XCTAssertTrue(ok.contains { $0.hasPrefix("TLS TLSv1.3, ") }, result.stdout)
        // Prosody lists its mechanisms in no fixed order.
        XCTAssertEqual(ok.first { $0.hasPrefix("SASL ") }.map { Set($0.split(separator: " ").dropFirst()) }, ["SCRAM-SHA-1", "PLAIN"], result.stdout)
        XCTAssertTrue(ok.contains { $0.hasPrefix("expiry 364") && $0.contains("days left") }, result.stdout)
        XCTAssertTrue(ok.contains { $0.hasPrefix("login TCP ") && $0.contains(", SASL (SCRAM-SHA-1) ") && $0.contains(", bind ") && $0.contains("round trips") }, result.stdout)
        XCTAssertTrue(ok.contains { $0.hasPrefix("bound alice@localhost/") }, result.stdout)
        XCTAssertTrue(ok.contains { $0.hasPrefix("ping ") }, result.stdout)
        XCTAssertTrue(lines(result, "info").contains { $0.hasPrefix("software Prosody 0.12") }, result.stdout)
        // What Prosody 0.12 here lacks is missing, never a warning.
        for absent in ["OCSP", "channel binding", "SASL2", "limits", "push", "CSI", "HTTP upload"] {
            XCTAssertTrue(missing.contains { $0.hasPrefix(absent + " ") }, "\(absent) not missing in:\n\(result.stdout)")
        }
        XCTAssertTrue(lines(result, "info").contains("DNS not checked: --server \(server.starttlsAddress) was given"), result.stdout)
        XCTAssertTrue(ok.contains("Core met (TLS, feature discovery)"), result.stdout)
        XCTAssertTrue(missing.contains("Core Advanced lacks direct TLS") || missing.contains("Core Advanced lacks direct TLS, PEP"), result.stdout)
    }

    func testJSONIsOneDocumentCheckedFieldByField() throws {
        let server = try ProsodyServer.shared
        let result = try doctor(prosodyArguments(server) + ["--format", "json"], account: server.alice)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        XCTAssertEqual(document["domain"] as? String, "localhost")
        XCTAssertEqual(document["status"] as? String, "ok")
        let summary = try XCTUnwrap(document["summary"] as? [String: Int])
        XCTAssertEqual(summary["fail"], 0)
        XCTAssertEqual(summary["warn"], 0)
        XCTAssertGreaterThan(summary["ok"] ?? 0, 15)
        let perfdata = try XCTUnwrap(document["perfdata"] as? [[String: Any]])
        XCTAssertEqual(Set(perfdata.compactMap { $0["label"] as? String }), ["connect", "tls", "days", "login", "ping"])
        let days = try XCTUnwrap(perfdata.first { $0["label"] as? String == "days" }?["value"] as? Int)
        XCTAssertEqual(Double(days), 3649, accuracy: 2)
        let sections = try XCTUnwrap(document["sections"] as? [[String: Any]])
        XCTAssertEqual(sections.map { $0["title"] as? String }, [
            "DNS", "127.0.0.1 port \(server.starttlsPort) (STARTTLS)", "login as alice@localhost",
            "XMPP Compliance Suites 2023 (XEP-0479), what a client can see",
        ])
        let checks = try XCTUnwrap(sections[2]["checks"] as? [[String: String]])
        XCTAssertEqual(checks.first { $0["item"] == "bound" }?["status"], "ok")
        XCTAssertTrue(checks.first { $0["item"] == "bound" }?["detail"]?.hasPrefix("alice@localhost/") ?? false, "\(checks)")
        XCTAssertEqual(Set(checks.compactMap { $0["status"] }).subtracting(["ok", "info", "missing"]), [])
    }

    func testWithoutAnAccountTheLoginIsSkippedAndSaysWhy() throws {
        let server = try ProsodyServer.shared
        let result = try doctor(["localhost"] + prosodyArguments(server, direct: true))
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(lines(result, "info").contains("login skipped: no account given (--jid, XMPP_JID or the config file)"), result.stdout)
        XCTAssertTrue(lines(result, "info").contains("suites not judged: they need a login"), result.stdout)
        XCTAssertFalse(result.stdout.contains("STARTTLS "), "direct TLS has no STARTTLS: \(result.stdout)")
        XCTAssertTrue(lines(result, "ok").contains { $0.hasPrefix("TLS TLSv1.3") }, result.stdout)
    }

    /// A certificate within --warn-days is a warning, within --crit-days a failure: Nagios
    /// WARNING (1) and CRITICAL (2), and without --nagios exit 0 and 77.
    func testExpiryThresholdsAndTheNagiosCodes() throws {
        let server = try ProsodyServer.shared
        let ok = try doctor(["localhost", "--nagios"] + prosodyArguments(server))
        XCTAssertEqual(ok.exitCode, 0, ok.summary)
        XCTAssertTrue(ok.stdout.hasPrefix("XMPP OK - localhost;"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("| connect="), ok.stdout)
        XCTAssertTrue(ok.stdout.contains(" tls="), ok.stdout)
        XCTAssertTrue(ok.stdout.contains(" days=364"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains(";14;3"), ok.stdout)
        XCTAssertEqual(ok.stdout.split(separator: "\n").count, 1, ok.stdout)

        let warning = try doctor(["localhost", "--nagios", "--warn-days", "4000"] + prosodyArguments(server))
        XCTAssertEqual(warning.exitCode, 1, warning.summary)
        XCTAssertTrue(warning.stdout.hasPrefix("XMPP WARNING - localhost: expiry 364"), warning.stdout)
        XCTAssertTrue(warning.stdout.contains("under --warn-days 4000"), warning.stdout)
        let warningText = try doctor(["localhost", "--warn-days", "4000"] + prosodyArguments(server))
        XCTAssertEqual(warningText.exitCode, 0, "a warning is no failure: \(warningText.summary)")

        let critical = try doctor(["localhost", "--nagios", "--crit-days", "4000"] + prosodyArguments(server))
        XCTAssertEqual(critical.exitCode, 2, critical.summary)
        XCTAssertTrue(critical.stdout.hasPrefix("XMPP CRITICAL - localhost: expiry"), critical.stdout)
        let criticalText = try doctor(["localhost", "--crit-days", "4000"] + prosodyArguments(server))
        XCTAssertEqual(criticalText.exitCode, 77, criticalText.summary)
        XCTAssertTrue(lines(criticalText, "fail").contains { $0.hasPrefix("expiry") && $0.contains("under --crit-days 4000") }, criticalText.stdout)

        let unknown = try doctor(["--nagios"])
        XCTAssertEqual(unknown.exitCode, 3, unknown.summary)
        XCTAssertTrue(unknown.stdout.hasPrefix("XMPP UNKNOWN - give a DOMAIN"), unknown.stdout)
    }

    /// The Prosody that offers SASL2, Bind2 and FAST shows them (FAST only to a stream that
    /// names its account, as doctor's does with one), and its features after TLS.
    func testSASL2AndFASTAreShownWhereOffered() throws {
        let server = try ProsodyServer.sasl2
        let result = try doctor(prosodyArguments(server), account: server.alice)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let sasl2 = try XCTUnwrap(lines(result, "ok").first { $0.hasPrefix("SASL2 ") }, result.stdout)
        XCTAssertTrue(sasl2.contains("Bind2") && sasl2.contains("; FAST ") && sasl2.contains("HT-SHA-256-NONE"), sasl2)
        let features = lines(result, "info").filter { $0.hasPrefix("features ") }
        XCTAssertEqual(features.count, 2, result.stdout)
        XCTAssertTrue(features[0].hasPrefix("features before TLS: ") && features[0].contains("starttls"), "\(features)")
        XCTAssertTrue(features[1].contains("mechanisms") && features[1].contains("authentication"), "\(features)")
    }

    func testAWrongPasswordFailsTheLoginWith77() throws {
        let server = try ProsodyServer.shared
        let result = try doctor(prosodyArguments(server), account: server.alice, password: "not-the-Pa55word")
        XCTAssertEqual(result.exitCode, 77, result.summary)
        XCTAssertTrue(lines(result, "fail").contains { $0.hasPrefix("login authentication with SCRAM-SHA-1 failed") }, result.stdout)
        XCTAssertFalse(result.stdout.contains("not-the-Pa55word"))
    }

    /// ejabberd offers what Prosody here does not: SCRAM-SHA-256 and -512 with -PLUS (23.01
    /// announces no channel-binding types, XEP-0440: shown as missing), and TLS 1.2 on the
    /// ports that cap it.
    func testEjabberdShowsItsMechanismsAndChannelBinding() throws {
        let server = try EjabberdServer.shared
        let result = try doctor(
            ["--server", "\(server.host):\(server.starttlsPort)", "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "20"],
            account: server.alice)
        XCTAssertEqual(result.exitCode, 0, result.stdout + result.stderr)
        let ok = lines(result, "ok")
        let sasl = try XCTUnwrap(ok.first { $0.hasPrefix("SASL ") }, result.stdout)
        for mechanism in ["SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "PLAIN"] {
            XCTAssertTrue(sasl.split(separator: " ").contains(Substring(mechanism)), "\(mechanism) not in \(sasl)")
        }
        XCTAssertTrue(lines(result, "missing").contains("channel binding no types announced (XEP-0440)"), result.stdout)
        XCTAssertTrue(lines(result, "info").contains { $0.hasPrefix("software ejabberd") }, result.stdout)
        let tls12 = try doctor(
            [server.domain, "--server", "\(server.host):\(server.tls12StarttlsPort)", "--tls", "starttls", "--ca-file", server.caFile])
        XCTAssertTrue(lines(tls12, "ok").contains { $0.hasPrefix("TLS TLSv1.2, ") }, tls12.stdout)
    }

    // MARK: The fake server's faults

    private func fault(_ scenario: String) throws -> CLIResult {
        let hostile = try TestCertificates.hostileDirectory
        let server = try FakeServer(
            scenario: scenario, scratch: try makeScratchDirectory(), environment: ["FAKESERVER_HOSTILE_CERTS": hostile.path])
        return try doctor([
            "localhost", "--server", server.address, "--tls", "starttls", "--ca-file", hostile.appendingPathComponent("ca.pem").path,
            "--timeout", "10",
        ])
    }

    func testCertificateFaultsFailInTheirOwnWords() throws {
        for (scenario, words) in [
            ("tls-expired", "certificate has expired"), ("tls-self-signed", "self-signed certificate"),
            ("tls-wrong-host", "hostname mismatch"), ("tls-old-version", "protocol version"),
        ] {
            let result = try fault(scenario)
            XCTAssertEqual(result.exitCode, 77, "\(scenario): \(result.summary)")
            XCTAssertTrue(lines(result, "fail").contains { $0.hasPrefix("TLS ") && $0.contains(words) }, "\(scenario):\n\(result.stdout)")
            XCTAssertTrue(lines(result, "ok").contains("STARTTLS offered, required"), "\(scenario):\n\(result.stdout)")
        }
    }

    func testNoSTARTTLSAndPLAINBeforeTLS() throws {
        let result = try fault("no-starttls")
        XCTAssertEqual(result.exitCode, 77, result.summary)
        XCTAssertTrue(lines(result, "fail").contains("STARTTLS not offered: no client can log in securely here"), result.stdout)
        XCTAssertTrue(lines(result, "warn").contains("before TLS PLAIN offered before TLS: a client could send the password in the clear"), result.stdout)
    }

    /// Only PLAIN after TLS: the password itself goes to the server, a warning, not a failure.
    func testOnlyPLAINAfterTLSIsAWarning() throws {
        let server = try FakeServer(scenario: "plain-only", scratch: try makeScratchDirectory())
        let result = try doctor(["localhost", "--server", server.address, "--tls", "starttls", "--ca-file", try TestCertificates.caFile, "--timeout", "10"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(lines(result, "warn").contains("SASL PLAIN: no SCRAM, so the password itself is sent (over TLS)"), result.stdout)
        XCTAssertEqual(lines(result, "fail"), [], result.stdout)
    }

    // MARK: DNS

    func testSRVRecordsFromAPrivateResolverLeadToBothEndpoints() throws {
        let server = try ProsodyServer.shared
        let resolver = try PrivateResolver.start(
            isolated: false,
            nameServer: [
                "--srv", "_xmpp-client._tcp.localhost=5:10:\(server.starttlsPort):localhost",
                "--srv", "_xmpps-client._tcp.localhost=0:10:\(server.directTLSPort):localhost",
            ], test: self)
        let result = try doctor(["--ca-file", server.caFile, "--timeout", "20"], account: server.alice, launcher: resolver.launcher)
        XCTAssertEqual(result.exitCode, 0, result.stdout + result.stderr)
        let ok = lines(result, "ok")
        XCTAssertTrue(ok.contains("_xmpp-client._tcp.localhost priority 5 weight 10 port \(server.starttlsPort) target localhost"), result.stdout)
        XCTAssertTrue(ok.contains("_xmpps-client._tcp.localhost priority 0 weight 10 port \(server.directTLSPort) target localhost"), result.stdout)
        XCTAssertTrue(ok.contains { $0.hasPrefix("localhost ") && $0.contains("127.0.0.1") }, result.stdout)
        // Direct TLS first (priority 0), then STARTTLS, each checked at each of localhost's addresses.
        XCTAssertTrue(result.stdout.contains("localhost port \(server.directTLSPort) (direct TLS) at 127.0.0.1"), result.stdout)
        let direct = try XCTUnwrap(result.stdout.range(of: "localhost port \(server.directTLSPort) (direct TLS)"), result.stdout)
        let starttls = try XCTUnwrap(result.stdout.range(of: "localhost port \(server.starttlsPort) (STARTTLS)"), result.stdout)
        XCTAssertLessThan(direct.lowerBound, starttls.lowerBound)
        XCTAssertTrue(ok.contains { $0.hasPrefix("Core Advanced ") } || lines(result, "missing").contains("Core Advanced lacks PEP"), result.stdout)
        XCTAssertFalse(lines(result, "missing").contains { $0.hasPrefix("Core Advanced lacks direct TLS") }, result.stdout)
    }

    func testAnAbsentServiceNoDirectTLSRecordAndACNAMETargetWarnAndNoSRVFallsBack() throws {
        let server = try ProsodyServer.shared
        let absent = try PrivateResolver.start(
            isolated: false,
            nameServer: ["--srv", "_xmpp-client._tcp.localhost=0:0:\(server.starttlsPort):localhost", "--srv", "_xmpps-client._tcp.localhost=0:0:0:."],
            test: self)
        let marked = try doctor(["localhost", "--ca-file", server.caFile, "--timeout", "20"], launcher: absent.launcher)
        XCTAssertTrue(lines(marked, "warn").contains { $0.hasPrefix("_xmpps-client._tcp.localhost") && $0.contains("declared absent") }, marked.stdout)
        XCTAssertEqual(marked.exitCode, 0, marked.summary)

        let onlyStartTLS = try PrivateResolver.start(
            isolated: false, nameServer: ["--srv", "_xmpp-client._tcp.localhost=0:0:\(server.starttlsPort):localhost"], test: self)
        let noDirect = try doctor(["localhost", "--ca-file", server.caFile, "--timeout", "20"], launcher: onlyStartTLS.launcher)
        XCTAssertTrue(lines(noDirect, "warn").contains { $0.hasPrefix("direct TLS no _xmpps-client._tcp record") }, noDirect.stdout)

        let alias = try PrivateResolver.start(
            isolated: false,
            nameServer: [
                "--srv", "_xmpp-client._tcp.localhost=0:0:\(server.starttlsPort):xmpp.dns-test.example",
                "--cname", "xmpp.dns-test.example=prosody.dns-test.example", "--a", "prosody.dns-test.example=127.0.0.1",
            ], test: self)
        let aliased = try doctor(["localhost", "--ca-file", server.caFile, "--timeout", "20"], launcher: alias.launcher)
        XCTAssertTrue(
            lines(aliased, "warn").contains("xmpp.dns-test.example is an alias (CNAME) of prosody.dns-test.example: an SRV target must be a host's own name (RFC 2782)"),
            aliased.stdout)
        XCTAssertTrue(lines(aliased, "ok").contains("xmpp.dns-test.example 127.0.0.1"), aliased.stdout)
        XCTAssertTrue(lines(aliased, "ok").contains("STARTTLS offered, required"), "the alias still leads to the server: \(aliased.stdout)")

        let none = try PrivateResolver.start(isolated: false, nameServer: [], test: self)
        let fallback = try doctor(["localhost", "--ca-file", server.caFile, "--timeout", "10"], launcher: none.launcher)
        XCTAssertTrue(lines(fallback, "info").contains("fallback no SRV records: localhost port 5222 (RFC 6120 §3.2.2)"), fallback.stdout)
        XCTAssertTrue(fallback.stdout.contains("localhost port 5222 (STARTTLS)"), fallback.stdout)
    }
}
