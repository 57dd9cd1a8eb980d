import Foundation
import XCTest

/// `xmpp-cli roster` against Prosody, as dave, whose roster no other test touches; slixmpp,
/// logged in as dave too, sees what the server tells the account's other clients. Each
/// test removes what it added.
final class RosterCommandTests: XCTestCase {
    private var server: ProsodyServer!
    private var dave: TestAccount!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        dave = try server.account("dave")
    }

    private func roster(_ action: [String], _ arguments: [String] = []) throws -> CLIResult {
        try server.run(["roster"] + action, as: dave, arguments)
    }

    /// The roster as `roster list --format json` gives it, by JID.
    private func currentRoster(file: StaticString = #filePath, line: UInt = #line) throws -> [String: JSONRecord] {
        let output = try server.succeed(["roster", "list"], as: dave, ["--format", "json"], file: file, line: line)
        var byJID: [String: JSONRecord] = [:]
        for record in jsonLines(output, file: file, line: line) {
            if let jid = record["jid"] as? String { byJID[jid] = record }
        }
        return byJID
    }

    private func removeAfterwards(_ jids: String...) {
        addTeardownBlock { [server, dave] in
            for jid in jids { _ = try? server!.run(["roster", "remove"], as: dave!, [jid]) }
        }
    }

    // MARK: Changes seen by another client

    func testAddSetAndRemoveReachTheAccountsOtherClients() throws {
        let contact = "edited@localhost"
        removeAfterwards(contact)
        let watcher = try WatchingPeer(as: dave, on: server, scratch: try makeScratchDirectory())
        func push(_ what: String, _ matches: @escaping (JSONRecord) -> Bool) throws {
            try watcher.waitFor("roster-push", what) { $0["jid"] as? String == contact && matches($0) }
        }

        try server.succeed(["roster", "add"], as: dave, [contact, "--name", "Ed Ited", "--group", "work", "--group", "Friends & co"])
        try push("the add") { $0["name"] as? String == "Ed Ited" && $0["groups"] as? [String] == ["Friends & co", "work"] }

        try server.succeed(["roster", "set"], as: dave, [contact, "--name", "Ed", "--group", "family"])
        try push("the change") { $0["name"] as? String == "Ed" && $0["groups"] as? [String] == ["family"] }

        // `set` replaces: without --name and --group the contact has neither.
        try server.succeed(["roster", "set"], as: dave, [contact])
        try push("the clearing") { $0["name"] is NSNull && ($0["groups"] as? [String])?.isEmpty == true }

        try server.succeed(["roster", "remove"], as: dave, [contact])
        try push("the removal") { $0["subscription"] as? String == "remove" }
        try watcher.stop()
        XCTAssertNil(try currentRoster()[contact])
    }

    /// `add --subscribe` also asks for the contact's presence: the item then shows the
    /// pending request (ask='subscribe').
    func testAddWithSubscribeLeavesARequestPending() throws {
        let contact = "asked@localhost"
        removeAfterwards(contact)
        try server.succeed(["roster", "add"], as: dave, [contact, "--subscribe"])
        let item = try XCTUnwrap(try currentRoster()[contact])
        XCTAssertEqual(item["ask"] as? String, "subscribe", "\(item)")
        XCTAssertEqual(item["subscription"] as? String, "none", "\(item)")
    }

    // MARK: Listing

    func testListAsJSONLines() throws {
        removeAfterwards("listed-a@localhost", "listed-b@localhost")
        // Tabs and line feeds go in groups: Prosody writes attribute values (names) with
        // them raw, and XML attribute-value normalisation turns them into spaces.
        try server.succeed(["roster", "add"], as: dave, ["listed-a@localhost", "--name", "Ann \"quoted\" \\ Zoë", "--group", "g\t2", "--group", "g1"])
        try server.succeed(["roster", "add"], as: dave, ["listed-b@localhost"])
        let result = try roster(["list"], ["--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "")
        let records = jsonLines(result.stdout)
        XCTAssertEqual(records.count, result.stdout.split(separator: "\n").count)
        for record in records {
            XCTAssertEqual(Set(record.keys), ["jid", "name", "subscription", "ask", "groups"], "\(record)")
        }
        let byJID = Dictionary(records.map { ($0["jid"] as? String ?? "", $0) }) { first, _ in first }
        let a = try XCTUnwrap(byJID["listed-a@localhost"], result.stdout)
        XCTAssertEqual(a["name"] as? String, "Ann \"quoted\" \\ Zoë")
        XCTAssertEqual(a["groups"] as? [String], ["g\t2", "g1"])
        XCTAssertEqual(a["subscription"] as? String, "none")
        XCTAssertTrue(a["ask"] is NSNull)
        let b = try XCTUnwrap(byJID["listed-b@localhost"], result.stdout)
        XCTAssertTrue(b["name"] is NSNull)
        XCTAssertEqual(b["groups"] as? [String], [])
    }

    /// Not a terminal: tab-separated, five fields a line, no header, values escaped.
    func testListAsTabSeparatedText() throws {
        removeAfterwards("text-a@localhost", "text-b@localhost")
        try server.succeed(["roster", "add"], as: dave, ["text-a@localhost", "--name", "Ann", "--group", "b\tc", "--group", "a\nline"])
        try server.succeed(["roster", "add"], as: dave, ["text-b@localhost"])
        let result = try roster(["list"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let rows = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertTrue(result.stdout.hasSuffix("\n"))
        for row in rows {
            XCTAssertEqual(row.split(separator: "\t", omittingEmptySubsequences: false).count, 5, "row: \(row)")
        }
        XCTAssertTrue(rows.contains("text-a@localhost\tAnn\tnone\t\ta\\nline,b\\tc"), result.stdout)
        XCTAssertTrue(rows.contains("text-b@localhost\t\tnone\t\t"), result.stdout)
        XCTAssertFalse(rows.contains { $0.hasPrefix("JID") }, "a header in tab-separated output: \(result.stdout)")
    }

    /// On a terminal (Tests/Support/pty/answer-prompt.py provides one): a header, and
    /// columns padded to line up.
    func testListOnATerminalIsAnAlignedTable() throws {
        removeAfterwards("a-much-longer-address@localhost", "short@localhost")
        try server.succeed(["roster", "add"], as: dave, ["a-much-longer-address@localhost", "--name", "Long", "--group", "g"])
        try server.succeed(["roster", "add"], as: dave, ["short@localhost", "--name", "A longer name"])
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment["XMPP_PASSWORD"] = dave.password
        environment["HOME"] = try makeScratchDirectory().path
        let outcome = try runProcess(
            SupportPaths.python,
            [SupportPaths.support.appendingPathComponent("pty/answer-prompt.py").path, "--"]
                + [try SupportPaths.cliBinary().path, "roster", "list"] + server.connectionArguments(dave),
            environment: environment, timeout: 30, outputIn: try makeScratchDirectory())
        XCTAssertEqual(outcome.exitCode, 0, outcome.stdout + outcome.stderr)
        let lines = outcome.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        let header = "JID                              NAME           SUBSCRIPTION  ASK  GROUPS"
        XCTAssertEqual(lines.first, header, outcome.stdout)
        XCTAssertTrue(lines.contains("a-much-longer-address@localhost  Long           none" + String(repeating: " ", count: 15) + "g"), outcome.stdout)
        XCTAssertTrue(lines.contains("short@localhost                  A longer name  none" + String(repeating: " ", count: 15)), outcome.stdout)
        XCTAssertFalse(outcome.stdout.contains("\t"), outcome.stdout)
    }

    /// CLI.md: `xmpp-cli roster [connection options] list`; after the action works too.
    func testConnectionOptionsBeforeTheAction() throws {
        let result = try runCLI(
            ["roster"] + server.connectionArguments(dave) + ["list", "--format", "json"],
            environment: ["XMPP_PASSWORD": dave.password])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let presence = try runCLI(
            ["presence"] + server.connectionArguments(dave) + ["get", "--wait", "0", "nobody@localhost"],
            environment: ["XMPP_PASSWORD": dave.password])
        XCTAssertEqual(presence.exitCode, 0, presence.summary)
        XCTAssertEqual(presence.stdout, "nobody@localhost\toffline\t\t\n")
    }

    // MARK: Refusals

    func testRemovingAContactNotInTheRosterExits1WithItemNotFound() throws {
        let result = try roster(["remove"], ["never-added@localhost"])
        assertFailure(result, exitCode: 1, secrets: [dave.password])
        XCTAssertTrue(result.stderr.contains("item-not-found"), result.summary)
        XCTAssertTrue(result.stderr.contains("never-added@localhost"), result.summary)
    }

    /// RFC 6121 §2.3.3 lets a server refuse the account itself as a contact; Prosody does.
    func testAddingTheAccountItselfExits1WithTheServersCondition() throws {
        let result = try roster(["add"], [dave.jid, "--name", "me"])
        assertFailure(result, exitCode: 1, secrets: [dave.password])
        XCTAssertTrue(result.stderr.contains("not-allowed"), result.summary)
        XCTAssertTrue(result.stderr.contains(dave.jid), result.summary)
    }

    /// Roster items are bare addresses: a full JID is a data error found before logging in
    /// (the server here is a closed port).
    func testFullJIDIsRefusedWithoutLoggingIn() throws {
        let result = try runCLI(
            ["roster", "add", "-j", dave.jid, "--server", "127.0.0.1:\(try closedPort())", "--tls", "starttls",
             "someone@localhost/phone"],
            environment: ["XMPP_PASSWORD": dave.password])
        assertFailure(result, exitCode: 65, secrets: [dave.password])
        XCTAssertTrue(result.stderr.contains("someone@localhost/phone"), result.summary)
    }
}
