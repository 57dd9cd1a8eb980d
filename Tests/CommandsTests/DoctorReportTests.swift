import XCTest

@testable import Commands

/// How `doctor`'s findings become exit codes and output: the first failure's class, Nagios's
/// 0/1/2, missing features that are neither, and text, JSON and Nagios lines that carry
/// nothing a terminal acts on.
final class DoctorReportTests: XCTestCase {
    private func report(_ checks: [(DoctorReport.Status, String, String, ExitStatus?)]) -> DoctorReport {
        var report = DoctorReport(domain: "example.org")
        report.section("example.org port 5222 (STARTTLS)")
        for (status, item, detail, failure) in checks { report.add(status, item, detail, failure: failure) }
        report.measure("connect", 12.34)
        report.measure("days", 41, unit: "")
        return report
    }

    func testMissingFeaturesAreNeitherWarningsNorFailures() {
        let healthy = report([(.ok, "TLS", "TLSv1.3", nil), (.missing, "push", "missing (XEP-0357)", nil), (.info, "software", "x", nil)])
        XCTAssertEqual(healthy.exitStatus, .success)
        XCTAssertEqual(healthy.nagiosStatus, 0)
        XCTAssertTrue(DoctorOutput.nagios(healthy, warnDays: 14, critDays: 3).hasPrefix("XMPP OK - example.org; 1 ok, 0 warn, 0 fail | "))
    }

    func testTheFirstFailureDecidesTheExitStatus() {
        let failing = report([
            (.warn, "before TLS", "PLAIN offered before TLS", nil), (.fail, "TLS", "not trusted", .noPermission),
            (.fail, "connect", "refused", .unavailable),
        ])
        XCTAssertEqual(failing.exitStatus, .noPermission)
        XCTAssertEqual(failing.nagiosStatus, 2)
        let line = DoctorOutput.nagios(failing, warnDays: 14, critDays: 3)
        XCTAssertEqual(line, "XMPP CRITICAL - example.org: TLS not trusted; 0 ok, 1 warn, 2 fail | connect=12.3ms days=41;14;3")
        let warning = report([(.warn, "expiry", "10 days left", nil)])
        XCTAssertEqual(warning.exitStatus, .success)
        XCTAssertEqual(warning.nagiosStatus, 1)
        XCTAssertTrue(DoctorOutput.nagios(warning, warnDays: 14, critDays: 3).hasPrefix("XMPP WARNING - example.org: expiry 10 days left;"))
    }

    func testTextIsAlignedAndColouredOnlyWhenAsked() {
        let sample = report([(.ok, "TLS", "TLSv1.3", nil), (.fail, "certificate", "expired", .noPermission)])
        let plain = DoctorOutput.text(sample, colour: false)
        XCTAssertTrue(plain.contains("\n  ok      TLS          TLSv1.3\n"), plain)
        XCTAssertTrue(plain.contains("\n  fail    certificate  expired\n"), plain)
        XCTAssertFalse(plain.contains("\u{1B}"), plain)
        let coloured = DoctorOutput.text(sample, colour: true)
        XCTAssertTrue(coloured.contains("\u{1B}[31;1mfail   \u{1B}[0m"), coloured)
    }

    /// What a server says (its software name, a certificate's subject) reaches no terminal raw.
    func testHostileTextIsEscapedEverywhere() throws {
        let hostile = report([(.info, "software", "evil\u{1B}]0;owned\u{07}\nXMPP OK", nil), (.warn, "names", "a\u{202E}b", nil)])
        for output in [DoctorOutput.text(hostile, colour: false), DoctorOutput.nagios(hostile, warnDays: 14, critDays: 3)] {
            XCTAssertFalse(output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, output)
        }
        XCTAssertEqual(DoctorOutput.nagios(hostile, warnDays: 14, critDays: 3).split(separator: "\n").count, 1)
        let json = DoctorOutput.json(hostile)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let checks = try XCTUnwrap((document["sections"] as? [[String: Any]])?.first?["checks"] as? [[String: String]])
        XCTAssertEqual(checks.first?["detail"], "evil\u{1B}]0;owned\u{07}\nXMPP OK", "JSON carries the text exactly, escaped as JSON")
        XCTAssertEqual(document["status"] as? String, "warn")
    }
}
