import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `presence set` and `presence get` against Prosody, between erin and frank, who see each
/// other's presence; slixmpp plays frank when a test needs him online or watching.
final class PresenceCommandTests: XCTestCase {
    private var server: ProsodyServer!
    private var erin: TestAccount!
    private var frank: TestAccount!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        erin = try server.account("erin")
        frank = try server.account("frank")
        try Self.mutualSubscription.get()
    }

    /// Made once per test process with xmpp-cli's own commands, one side each: erin asks,
    /// frank approves, and the other way round; then both rosters must say "both".
    private static let mutualSubscription: Result<Void, HarnessError> = {
        do {
            let server = try ProsodyServer.shared
            let erin = try server.account("erin")
            let frank = try server.account("frank")
            for (asker, approver) in [(erin, frank), (frank, erin)] {
                for (account, action, contact) in [(asker, "subscribe", approver), (approver, "approve", asker)] {
                    let result = try server.run(["presence", action], as: account, [contact.jid])
                    guard result.exitCode == 0 else { return .failure(.unexpectedOutput(result.summary)) }
                }
            }
            for (account, contact) in [(erin, frank), (frank, erin)] {
                let list = try server.run(["roster", "list"], as: account, ["--format", "json"])
                guard list.stdout.contains("{\"jid\":\"\(contact.jid)\",\"name\":null,\"subscription\":\"both\"") else {
                    return .failure(.unexpectedOutput("\(account.jid)'s roster after subscribing both ways: \(list.stdout) \(list.stderr)"))
                }
            }
            return .success(())
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(.failedToStart("the subscription between erin and frank: \(error)"))
        }
    }()

    private func presenceRecords(from jid: String, in watcher: WatchingPeer) -> [JSONRecord] {
        watcher.records.filter { $0["kind"] as? String == "presence" && $0["from"] as? String == jid }
    }

    /// The full JID of erin's first available presence that `watcher` saw with `status`.
    private func erinsResource(withStatus status: String, seenBy watcher: WatchingPeer) throws -> JSONRecord {
        try watcher.waitFor("presence", "erin's presence with status \(status)") {
            bare($0["from"] as? String) == self.erin.jid && $0["type"] as? String == "available"
                && $0["status"] as? String == status
        }
    }

    // MARK: set

    /// The contact sees the show, status and priority while erin stays online, erin answers
    /// the contact's ping meanwhile, and leaves with unavailable presence when she is told
    /// to: `--forever`, ended by SIGTERM once the contact has its answer (however long that
    /// takes on a loaded machine).
    func testPresenceHeldOnlineIsSeenByTheContactAndAnswersPings() throws {
        let scratch = try makeScratchDirectory()
        let watcher = try WatchingPeer(as: frank, on: server, pingContact: erin.jid, scratch: scratch)
        let status = "in a meeting — 会議 <&>"
        let holder = try server.start(
            ["presence", "set"], as: erin, ["--show", "dnd", "--status", status, "--priority", "7", "--forever", "-vv"],
            scratch: scratch)
        let seen = try erinsResource(withStatus: status, seenBy: watcher)
        XCTAssertEqual(seen["show"] as? String, "dnd")
        XCTAssertEqual(seen["priority"] as? Int, 7)
        let resource = try XCTUnwrap(seen["from"] as? String)
        let ping = try watcher.waitFor("ping", timeout: 20, "an answer to its ping of \(resource)") { $0["to"] as? String == resource }
        XCTAssertEqual(ping["ok"] as? Bool, true, "erin did not answer a ping while online")

        kill(holder.pid, SIGTERM)
        let outcome = try holder.wait(timeout: 15)
        XCTAssertEqual(outcome.exitCode, 0, outcome.stderr)
        try watcher.waitFor("presence", "erin leaving") { $0["from"] as? String == resource && $0["type"] as? String == "unavailable" }
        // Stream management: every <r/> the server sent while erin was online was answered.
        // One that arrives after her </stream:stream> must not be (RFC 6120 §4.4).
        let trace = outcome.stderr.split(separator: "\n")
        let online = trace[..<(trace.firstIndex(of: "SEND </stream:stream>") ?? trace.endIndex)]
        let requests = online.filter { $0.hasPrefix("RECV <r xmlns='urn:xmpp:sm:3'") }.count
        let answers = online.filter { $0.hasPrefix("SEND <a xmlns='urn:xmpp:sm:3' h=") }.count
        XCTAssertGreaterThanOrEqual(answers, requests, "unanswered <r/>: \(outcome.stderr)")
        try watcher.stop()
        XCTAssertEqual(
            presenceRecords(from: resource, in: watcher).map { $0["type"] as? String ?? "?" }, ["available", "unavailable"])
    }

    /// `--hold` ends by itself: erin is seen online, then leaving, and exits 0. Its length is
    /// checked only from below (load makes a run longer, never shorter).
    func testHoldEndsByItself() throws {
        let watcher = try WatchingPeer(as: frank, on: server, scratch: try makeScratchDirectory())
        let status = "back in a second"
        let started = ContinuousClock.now
        let result = try server.run(["presence", "set"], as: erin, ["--status", status, "--hold", "1"])
        let ran = ContinuousClock.now - started
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertGreaterThanOrEqual(ran, .seconds(1), "the hold ended early")
        let resource = try XCTUnwrap(try erinsResource(withStatus: status, seenBy: watcher)["from"] as? String)
        try watcher.waitFor("presence", "erin leaving") { $0["from"] as? String == resource && $0["type"] as? String == "unavailable" }
        try watcher.stop()
        XCTAssertEqual(
            presenceRecords(from: resource, in: watcher).map { $0["type"] as? String ?? "?" }, ["available", "unavailable"])
    }

    /// Without --hold: the presence goes out, and erin leaves at once.
    func testSetWithoutHoldAnnouncesAndLeaves() throws {
        let watcher = try WatchingPeer(as: frank, on: server, scratch: try makeScratchDirectory())
        let status = "just passing"
        let result = try server.run(["presence", "set"], as: erin, ["--show", "chat", "--status", status])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let seen = try erinsResource(withStatus: status, seenBy: watcher)
        XCTAssertEqual(seen["show"] as? String, "chat")
        let resource = try XCTUnwrap(seen["from"] as? String)
        try watcher.waitFor("presence", "erin leaving") { $0["from"] as? String == resource && $0["type"] as? String == "unavailable" }
    }

    /// SIGTERM and SIGINT end `--forever` cleanly: exit 0, nothing on stderr, and the
    /// contact sees erin leave.
    func testSignalsEndForeverCleanly() throws {
        let scratch = try makeScratchDirectory()
        let watcher = try WatchingPeer(as: frank, on: server, scratch: scratch)
        for (signal, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            let status = "until \(name)"
            let holder = try server.start(["presence", "set"], as: erin, ["--status", status, "--forever"], scratch: scratch)
            let resource = try XCTUnwrap(try erinsResource(withStatus: status, seenBy: watcher)["from"] as? String)
            kill(holder.pid, signal)
            let outcome = try holder.wait(timeout: 10)
            XCTAssertEqual(outcome.exitCode, 0, "\(name): \(outcome.stderr)")
            XCTAssertEqual(outcome.stderr, "", name)
            try watcher.waitFor("presence", "erin leaving after \(name)") {
                $0["from"] as? String == resource && $0["type"] as? String == "unavailable"
            }
        }
    }

    func testInvalidOptionsAreUsageErrors() throws {
        for arguments in [["--hold", "1", "--forever"], ["--priority", "128"], ["--priority", "-129"], ["--hold", "0"], ["--show", "busy"]] {
            let result = try server.run(["presence", "set"], as: erin, arguments)
            assertFailure(result, exitCode: 64, secrets: [erin.password])
        }
    }

    // MARK: get

    // frank's presence comes as soon as the server has erin's initial presence; --wait 2
    // leaves a loaded machine time for that. An offline contact needs no time at all.

    func testGetReportsAnOnlineContact() throws {
        let watcher = try WatchingPeer(
            as: frank, on: server, show: "away", status: "at lunch\tback soon", priority: 3, scratch: try makeScratchDirectory())

        let json = try server.succeed(["presence", "get"], as: erin, ["--wait", "2", "--format", "json"])
        let records = jsonLines(json)
        XCTAssertEqual(records.count, json.split(separator: "\n").count)
        let frankRecord = try XCTUnwrap(records.first { $0["from"] as? String == watcher.jid }, json)
        XCTAssertEqual(frankRecord["kind"] as? String, "presence")
        XCTAssertEqual(frankRecord["type"] as? String, "available")
        XCTAssertEqual(frankRecord["show"] as? String, "away")
        XCTAssertEqual(frankRecord["status"] as? String, "at lunch\tback soon")
        XCTAssertEqual(frankRecord["priority"] as? Int, 3)
        XCTAssertFalse(records.contains { bare($0["from"] as? String) == erin.jid }, "erin reported herself: \(json)")

        let text = try server.succeed(["presence", "get"], as: erin, ["--wait", "2"])
        let rows = text.split(separator: "\n").map(String.init)
        for row in rows { XCTAssertEqual(row.split(separator: "\t", omittingEmptySubsequences: false).count, 4, row) }
        XCTAssertTrue(rows.contains("\(watcher.jid)\taway\t3\tat lunch\\tback soon"), text)
    }

    /// With JIDs, only those: each online resource, and an offline record for a JID with none.
    func testGetWithJIDsReportsOfflineContacts() throws {
        let watcher = try WatchingPeer(as: frank, on: server, status: "here", scratch: try makeScratchDirectory())
        let grace = try server.account("grace").jid
        let json = try server.succeed(["presence", "get"], as: erin, [frank.jid, grace, "--wait", "2", "--format", "json"])
        let records = jsonLines(json)
        XCTAssertEqual(records.map { $0["from"] as? String }, [watcher.jid, grace], json)
        XCTAssertEqual(records.first?["status"] as? String, "here")
        XCTAssertTrue(records.first?["show"] is NSNull, json)
        XCTAssertEqual(records.last?["type"] as? String, "unavailable")
        for key in ["show", "status", "priority"] { XCTAssertTrue(records.last?[key] is NSNull, "\(key) in \(json)") }

        let text = try server.succeed(["presence", "get"], as: erin, [grace, "--wait", "0.5"])
        XCTAssertEqual(text, "\(grace)\toffline\t\t\n")
    }
}
