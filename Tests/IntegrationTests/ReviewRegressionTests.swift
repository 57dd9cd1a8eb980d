import XCTest

/// Behaviours found wrong in review, each pinned by a test that failed before its fix.
final class ReviewRegressionTests: XCTestCase {
    /// More recipients than the interactive window (128) still get every line.
    func testInteractiveSendToMoreRecipientsThanTheWindow() throws {
        let server = try FakeServer(scenario: "normal", scratch: try makeScratchDirectory())
        let recipients = (1...130).map { "user\($0)@localhost" }
        let result = try runCLI(
            ["send", "-i", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
             "--ca-file", try TestCertificates.caFile, "--timeout", "20"] + recipients,
            environment: ["XMPP_PASSWORD": FakeServer.password], stdin: Data("one\ntwo\n".utf8), timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let sent = try server.clientBytes()
        XCTAssertEqual(sent.components(separatedBy: "<body>two</body>").count - 1, 130)
    }

    /// A bad --server is a usage error (64) on the command line and a configuration error (78)
    /// from the environment, before anything connects; not "unreachable" (69).
    func testInvalidServerIsReportedAsTheUsersMistake() throws {
        let flag = try runCLI(["send", "-j", "a@localhost", "-s", "host:70000", "-m", "x", "b@localhost"], environment: ["XMPP_PASSWORD": "x"])
        assertFailure(flag, exitCode: 64, secrets: [])
        XCTAssertTrue(flag.stderr.contains("70000"), flag.stderr)
        let environment = try runCLI(
            ["send", "-j", "a@localhost", "-m", "x", "b@localhost"], environment: ["XMPP_PASSWORD": "x", "XMPP_SERVER": "bad host"])
        assertFailure(environment, exitCode: 78, secrets: [])
        XCTAssertTrue(environment.stderr.contains("XMPP_SERVER"), environment.stderr)
    }

    /// --password-command is bounded by --timeout: a command that hangs is stopped (75).
    func testHangingPasswordCommandIsStoppedByTheTimeout() throws {
        let started = Date()
        let result = try runCLI(
            ["send", "-j", "a@localhost", "--password-command", "sleep 30", "--timeout", "2", "-m", "x", "b@localhost"],
            timeout: 20)
        assertFailure(result, exitCode: 75, secrets: [])
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
    }

    /// A room password never reaches the -vv trace.
    func testRoomPasswordIsRedactedInTraces() throws {
        let server = try ProsodyServer.shared
        let secret = "room-secret-\(UUID().uuidString.prefix(8))"
        let result = try runCLI(
            ["send", "-vv", "-r", "--room-password", secret, "-j", server.alice.jid, "--server", server.starttlsAddress,
             "--ca-file", server.caFile, "-m", "hi", "redaction-\(UUID().uuidString.prefix(6).lowercased())@conference.localhost"],
            environment: ["XMPP_PASSWORD": server.alice.password])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains(secret), "the room password is in the trace")
        XCTAssertTrue(result.stderr.contains("[redacted]"))
    }
}
