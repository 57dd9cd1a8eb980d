import XCTest

/// Commands that take no messages must not take them from the server either: `presence set`
/// announces an available resource, so the server hands it offline messages; they must stay
/// with the server (unacknowledged) for the next client that reads them.
final class PresenceKeepsMessagesTests: XCTestCase {
    func testPresenceSetLeavesOfflineMessagesWithTheServer() throws {
        let server = try ProsodyServer.shared
        let ivan = try server.account("IVAN")
        let body = "waiting for ivan \(UUID().uuidString)"
        let sent = try runCLI(
            ["send", "-j", server.alice.jid, "--server", server.starttlsAddress, "--ca-file", server.caFile, "-m", body, ivan.jid],
            environment: ["XMPP_PASSWORD": server.alice.password])
        XCTAssertEqual(sent.exitCode, 0, sent.stderr)

        let set = try server.run(["presence", "set"], as: ivan, ["--status", "busy", "--hold", "1"])
        XCTAssertEqual(set.exitCode, 0, set.stderr)

        // --count ends the run once the message is there; the idle timeout ends it only if
        // the message was lost, so that the test fails on its output.
        let listened = try server.run(["listen"], as: ivan, ["--format", "json", "--count", "1", "--idle-timeout", "10"])
        XCTAssertEqual(listened.exitCode, 0, listened.stderr)
        XCTAssertTrue(listened.stdout.contains(body), "the offline message was lost: \(listened.stdout)")
    }
}
