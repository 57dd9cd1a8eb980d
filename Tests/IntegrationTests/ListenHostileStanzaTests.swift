import Foundation
import XCTest

/// A stanza that breaks a limit (nested too deeply, too large) can come from any contact,
/// through a real server: `listen` drops it with a warning and goes on, and the server is
/// told it was handled, so it is not delivered again at every later login.
final class ListenHostileStanzaTests: XCTestCase {
    private var server: ProsodyServer!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        scratch = try makeScratchDirectory()
    }

    private func message(id: String, body: String, extra: String = "") -> String {
        "<message to='{to}' type='chat' id='\(id)'><body>\(body)</body>\(extra)</message>"
    }

    /// 33 levels below the stanza, one more than xmpp-cli takes.
    private var tooDeep: String {
        message(id: "too-deep", body: "deep", extra: "<x xmlns='urn:example:nest'>" + String(repeating: "<a>", count: 32)
            + String(repeating: "</a>", count: 32) + "</x>")
    }

    /// Just over 1 MiB.
    private var tooLarge: String { message(id: "too-large", body: String(repeating: "z", count: (1 << 20) + 100)) }

    func testStanzasThatBreakALimitAreDroppedAndListenGoesOn() throws {
        let receiver = try ListenHarness.account("listener2", on: server)
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--format", "json", "--count", "1"])
        try ListenHarness.sendRaw(
            from: server.alice, to: receiver.jid, on: server,
            stanzas: [tooDeep, tooLarge, message(id: "after", body: "still listening")], scratch: scratch)
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.map { $0["body"] as? String }, ["still listening"], result.stdout)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning: dropped") }
        XCTAssertEqual(warnings.count, 2, result.stderr)
        XCTAssertTrue(
            warnings.first?.range(
                of: #"dropped a <message> from alice@localhost/\S+ \(id 'too-deep'\): elements nested deeper than 32 levels \(1 so far\)"#,
                options: .regularExpression) != nil, result.stderr)
        XCTAssertTrue(
            warnings.last?.range(
                of: #"dropped a <message> from alice@localhost/\S+ \(id 'too-large'\): larger than 1048576 bytes \(2 so far\)"#,
                options: .regularExpression) != nil, result.stderr)
    }

    /// The failure this guards against: the server kept the stanza offline and handed it
    /// over at every login, and every `listen` ended on it.
    func testAnOfflineStanzaThatBreaksALimitIsDroppedOnceNotAtEveryLogin() throws {
        let offline = try ListenHarness.account("listener1", on: server)
        try ListenHarness.drain(offline, on: server)
        try ListenHarness.sendRaw(
            from: server.alice, to: offline.jid, on: server, stanzas: [tooDeep, message(id: "first", body: "first")],
            scratch: scratch)
        let first = try listenOnce(offline)
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertEqual(try ListenHarness.lines(first.stdout).map { try ListenHarness.object($0)["body"] as? String }, ["first"])
        XCTAssertEqual(
            first.stderr,
            "xmpp-cli: warning: dropped an incoming stanza that broke a limit (1 so far); -v says whose and why\n")

        // Offline messages come in order: the dropped one would come before this one again.
        try ListenHarness.sendRaw(
            from: server.alice, to: offline.jid, on: server, stanzas: [message(id: "second", body: "second")], scratch: scratch)
        let second = try listenOnce(offline)
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertEqual(try ListenHarness.lines(second.stdout).map { try ListenHarness.object($0)["body"] as? String }, ["second"])
        XCTAssertEqual(second.stderr, "", "the dropped stanza came back")
    }

    private func listenOnce(_ account: TestAccount) throws -> CLIResult {
        try runCLI(
            ["listen"] + ListenHarness.connection(account, server) + ["--format", "json", "--count", "1"],
            environment: ["XMPP_PASSWORD": account.password], timeout: 30)
    }
}
