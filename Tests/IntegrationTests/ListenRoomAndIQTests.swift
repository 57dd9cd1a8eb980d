import Foundation
import XCTest

/// `xmpp-cli listen` in multi-user chat rooms (XEP-0045), and as the target of pings,
/// disco#info and version queries from slixmpp (XEP-0199, XEP-0030, XEP-0092).
final class ListenRoomAndIQTests: XCTestCase {
    private var server: ProsodyServer!
    private var receiver: TestAccount!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        receiver = try ListenHarness.account("listener2", on: server)
        scratch = try makeScratchDirectory()
    }

    private func newRoom() -> String { "listen-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost" }

    // MARK: Rooms

    func testRoomMessageNamesRoomAndNick() throws {
        let room = newRoom()
        let listener = try ListenHarness.startListener(
            as: receiver, on: server, ["--room", room, "--nick", "watcher", "--count", "1", "--format", "json"])
        try ListenHarness.postToRoom(
            as: server.alice, room: room, nick: "poster", waitFor: ["watcher"], body: "hello room", on: server,
            scratch: scratch)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, result.stdout)
        let line = try XCTUnwrap(lines.first)
        XCTAssertEqual(
            ListenHarness.topLevelKeys(line),
            ["kind", "from", "to", "type", "id", "body", "subject", "thread", "stamp", "delayed", "room", "nick"])
        let record = try ListenHarness.object(line)
        XCTAssertEqual(record["type"] as? String, "groupchat")
        XCTAssertEqual(record["from"] as? String, "\(room)/poster")
        XCTAssertEqual(record["room"] as? String, room)
        XCTAssertEqual(record["nick"] as? String, "poster")
        XCTAssertEqual(record["body"] as? String, "hello room")
        XCTAssertEqual(record["delayed"] as? Bool, false)
    }

    /// Joining a room brings its recent history, each message with its original time.
    func testRoomHistoryIsDelayedWithItsOriginalStamp() throws {
        let room = newRoom()
        let resident = try ListenHarness.startRoomResident(
            as: server.alice, room: room, nick: "historian", body: "said before", on: server, scratch: scratch)
        defer { resident.terminate() }
        // The message is in the room's history; a stamp of the time it reached us would be
        // `joined` (a whole second) or later.
        let joined = ListenHarness.waitForTheSecondAfter(Date())
        let result = try runCLI(
            ["listen"] + ListenHarness.connection(receiver, server)
                + ["--room", room, "--nick", "latecomer", "--count", "1", "--format", "json"],
            environment: ["XMPP_PASSWORD": receiver.password], timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let record = try ListenHarness.object(result.stdout)
        XCTAssertEqual(record["body"] as? String, "said before")
        XCTAssertEqual(record["nick"] as? String, "historian")
        XCTAssertEqual(record["room"] as? String, room)
        XCTAssertEqual(record["delayed"] as? Bool, true, result.stdout)
        XCTAssertLessThan(try ListenHarness.date(record["stamp"]), joined, result.stdout)
    }

    func testRoomRecordInText() throws {
        let room = newRoom()
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--room", room, "--count", "1"])
        // The default nick is the account's localpart.
        try ListenHarness.postToRoom(
            as: server.alice, room: room, nick: "poster", waitFor: ["listener2"], body: "in words", on: server,
            scratch: scratch)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stdout.hasSuffix(" \(room)/poster: in words\n"), result.stdout)
        XCTAssertEqual(ListenHarness.lines(result.stdout).count, 1, result.stdout)
    }

    func testExecInARoomGetsRoomAndNick() throws {
        let room = newRoom()
        let output = scratch.appendingPathComponent("room-env")
        let listener = try ListenHarness.startListener(
            as: receiver, on: server,
            ["--room", room, "--nick", "watcher", "--count", "1", "--exec", "env | grep '^XMPP_' > '\(output.path)'"])
        try ListenHarness.postToRoom(
            as: server.alice, room: room, nick: "poster", waitFor: ["watcher"], body: "for the command", on: server,
            scratch: scratch)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let environment = parseEnvironmentFile(try String(contentsOf: output, encoding: .utf8))
        XCTAssertEqual(environment["XMPP_ROOM"], room)
        XCTAssertEqual(environment["XMPP_NICK"], "poster")
        XCTAssertEqual(environment["XMPP_FROM"], "\(room)/poster")
        XCTAssertEqual(environment["XMPP_TYPE"], "groupchat")
    }

    // MARK: Answering IQs

    func testAnswersPingDiscoInfoAndVersionAndRefusesOtherRequests() throws {
        let resource = "listen-\(UUID().uuidString.prefix(8))"
        let listener = try ListenHarness.startListener(
            as: receiver, on: server, ["--resource", resource, "--iq", "--count", "4", "--format", "json"])
        let answers = try ListenHarness.query(
            as: server.alice, target: "\(receiver.jid)/\(resource)", on: server, scratch: scratch)

        XCTAssertEqual((answers["ping"] as? [String: Any])?["type"] as? String, "result", "\(answers)")

        let disco = try XCTUnwrap(answers["disco"] as? [String: Any], "\(answers)")
        XCTAssertEqual(disco["type"] as? String, "result", "\(answers)")
        XCTAssertEqual(disco["identities"] as? [[String]], [["client", "console", "xmpp-cli"]])
        let features = Set(disco["features"] as? [String] ?? [])
        XCTAssertTrue(
            features.isSuperset(of: ["http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:xmpp:ping"]),
            "\(features)")

        let version = try XCTUnwrap(answers["version"] as? [String: Any], "\(answers)")
        XCTAssertEqual(version["type"] as? String, "result", "\(answers)")
        XCTAssertEqual(version["name"] as? String, "xmpp-cli")
        let ownVersion = try runCLI(["--version"])
        XCTAssertFalse((version["version"] as? String ?? "").isEmpty)
        XCTAssertTrue(ownVersion.stdout.contains(version["version"] as? String ?? "?"), "\(version) vs \(ownVersion.stdout)")

        let unknown = try XCTUnwrap(answers["unknown"] as? [String: Any], "\(answers)")
        XCTAssertEqual(unknown["type"] as? String, "error")
        XCTAssertEqual(unknown["condition"] as? String, "service-unavailable")

        // --iq: each request is also a record.
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let payloads = try ListenHarness.lines(result.stdout).map { try ListenHarness.object($0) }.map {
            ($0["kind"] as? String ?? "") + " " + ($0["payload"] as? String ?? "")
        }
        XCTAssertEqual(payloads, [
            "iq {urn:xmpp:ping}ping", "iq {http://jabber.org/protocol/disco#info}query", "iq {jabber:iq:version}query",
            "iq {urn:example:unknown}query",
        ])
    }
}
