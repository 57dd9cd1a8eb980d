import XCTest

/// `listen --reconnect` through a real server restart: Prosody stopped and started again on
/// the same ports, as an administrator would; the listener must keep printing.
final class ListenRestartTests: XCTestCase {
    func testListenerKeepsPrintingThroughAServerRestart() throws {
        let server = try ProsodyServer.startOwn()
        defer { server.stop() }
        let scratch = try makeScratchDirectory()
        let listener = try ListenHarness.startListener(
            as: server.carol, on: server, ["--reconnect", "--format", "json", "--count", "2", "--duration", "60"])

        try ListenHarness.send(from: server.alice, to: server.carol.jid, on: server, body: "before the restart", scratch: scratch)
        _ = try listener.waitForLines(1, timeout: 20)

        try server.restart(downFor: 2)
        try listener.waitForStderr(containing: "reconnecting", timeout: 20)
        try ListenHarness.send(from: server.alice, to: server.carol.jid, on: server, body: "after the restart", scratch: scratch)

        let lines = try listener.waitForLines(2, timeout: 40)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let records = try lines.map(ListenHarness.object)
        XCTAssertEqual(records.map { $0["body"] as? String }, ["before the restart", "after the restart"])
        XCTAssertEqual(Set(records.compactMap { $0["id"] as? String }).count, 2, "a message was printed twice")
    }
}
