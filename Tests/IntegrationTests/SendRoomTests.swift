import Foundation
import XCTest

/// `send --room` (XEP-0045) against Prosody's conference.localhost, with slixmpp in the room
/// as bob (Tests/Support/peers/room.py). Each test uses a room of its own.
final class SendRoomTests: XCTestCase {
    /// What the occupant saw: a groupchat message or another occupant's presence.
    struct RoomEvent: Decodable {
        let kind: String
        let from: String?
        let type: String?
        let body: String?
        let id: String?
        let originID: String?
        let delayed: Bool?
        let codes: [Int]?

        enum CodingKeys: String, CodingKey {
            case kind, from, type, body, id, delayed, codes
            case originID = "origin_id"
        }
    }

    /// room.py in a room: in it once created; `events()` waits for it to finish.
    final class RoomOccupant {
        private let child: ChildProcess
        private let timeout: TimeInterval = 30

        init(
            as account: TestAccount, room: String, nick: String, password: String? = nil, count: Int,
            awaitLeave: String? = nil, scratch: URL
        ) throws {
            let server = try ProsodyServer.shared
            let readyFile = scratch.appendingPathComponent("room-ready-\(UUID().uuidString)")
            var arguments = [
                SupportPaths.support.appendingPathComponent("peers/room.py").path,
                "--jid", account.jid + "/occupant", "--host", server.host,
                "--port", String(server.starttlsPort), "--ca", server.caFile, "--room", room,
                "--nick", nick, "--count", String(count), "--timeout", String(timeout),
                "--ready-file", readyFile.path,
            ]
            if let password { arguments += ["--room-password", password] }
            if let awaitLeave { arguments += ["--await-leave", awaitLeave] }
            child = try ChildProcess(
                SupportPaths.python, arguments,
                environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: readyFile.path) {
                guard child.isRunning, Date() < deadline else {
                    child.terminate()
                    throw HarnessError.failedToStart("room.py as \(nick) in \(room): \(child.output().stderr)")
                }
                usleep(20_000)
            }
        }

        /// Waits until the occupant has what it waits for; throws if that does not come.
        func events() throws -> [RoomEvent] {
            let outcome = try child.wait(timeout: timeout + 10)
            let events = try Self.decode(outcome.stdoutData)
            guard outcome.exitCode == 0 else {
                throw HarnessError.unexpectedOutput("room.py exited \(outcome.exitCode) (\(outcome.stderr)); it saw: \(events)")
            }
            return events
        }

        func stop() {
            child.terminate()
        }

        private static func decode(_ data: Data) throws -> [RoomEvent] {
            try data.split(separator: UInt8(ascii: "\n")).map {
                try JSONDecoder().decode(RoomEvent.self, from: Data($0))
            }
        }
    }

    private func freshRoom() -> String {
        "room-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost"
    }

    private func liveMessages(_ events: [RoomEvent]) -> [RoomEvent] {
        events.filter { $0.kind == "message" && $0.delayed != true }
    }

    /// alice joins as her localpart, posts, and leaves; bob sees a groupchat message from
    /// room/alice, then alice leaving.
    func testRoomMemberSeesGroupchatFromTheNick() throws {
        let server = try ProsodyServer.shared
        let room = freshRoom()
        let bob = try RoomOccupant(
            as: server.bob, room: room, nick: "bob", count: 1, awaitLeave: "alice", scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody(["-r", "-m", "hello room <&>", room])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return bob.stop() }

        let events = try bob.events()
        let messages = liveMessages(events)
        XCTAssertEqual(messages.map(\.body), ["hello room <&>"])
        XCTAssertEqual(messages.first?.from, "\(room)/alice")
        XCTAssertEqual(messages.first?.type, "groupchat")
        XCTAssertNotNil(messages.first?.originID, "no origin-id")
        let alicePresences = events.filter { $0.kind == "presence" && $0.from == "\(room)/alice" }
        XCTAssertEqual(alicePresences.first?.type, nil, "alice did not enter before posting: \(events)")
        XCTAssertEqual(alicePresences.last?.type, "unavailable", "alice did not leave: \(events)")
    }

    /// bob holds the nickname 'taken': alice's join as 'taken' is refused (conflict), exit 1,
    /// and nothing is posted. A later message under another nick is the only one bob sees,
    /// so the refused one was not merely late.
    func testNickConflictExits1AndPostsNothing() throws {
        let server = try ProsodyServer.shared
        let room = freshRoom()
        let bob = try RoomOccupant(as: server.bob, room: room, nick: "taken", count: 1, scratch: try makeScratchDirectory())
        let refused = try sendAsAliceToProsody(["-r", "--nick", "taken", "-m", "must not appear", room])
        assertFailure(refused, exitCode: 1, secrets: [server.alice.password])
        XCTAssertTrue(refused.stderr.contains("conflict"), refused.summary)

        let accepted = try sendAsAliceToProsody(["-r", "--nick", "herald", "-m", "sentinel", room])
        XCTAssertEqual(accepted.exitCode, 0, accepted.summary)
        guard accepted.exitCode == 0 else { return bob.stop() }
        let messages = liveMessages(try bob.events())
        XCTAssertEqual(messages.map(\.body), ["sentinel"])
        XCTAssertEqual(messages.first?.from, "\(room)/herald", "--nick was not used")
    }

    /// bob creates the room with a password: a wrong --room-password is exit 1
    /// (not-authorized) and posts nothing; the right one gets in.
    func testWrongRoomPasswordExits1() throws {
        let server = try ProsodyServer.shared
        let room = freshRoom()
        let secret = "room-Secret-1"
        let bob = try RoomOccupant(
            as: server.bob, room: room, nick: "owner", password: secret, count: 1, scratch: try makeScratchDirectory())

        let refused = try sendAsAliceToProsody(["-r", "--room-password", "wrong-one", "-m", "must not appear", room])
        assertFailure(refused, exitCode: 1, secrets: [server.alice.password, secret])
        XCTAssertTrue(refused.stderr.contains("not-authorized"), refused.summary)
        let withoutPassword = try sendAsAliceToProsody(["-r", "-m", "must not appear either", room])
        assertFailure(withoutPassword, exitCode: 1, secrets: [server.alice.password, secret])

        let accepted = try sendAsAliceToProsody(["-r", "--room-password", secret, "-m", "with the password", room])
        XCTAssertEqual(accepted.exitCode, 0, accepted.summary)
        guard accepted.exitCode == 0 else { return bob.stop() }
        XCTAssertEqual(liveMessages(try bob.events()).map(\.body), ["with the password"])
    }

    /// Nobody in the room yet: the join creates it (status 201), the client accepts the
    /// default configuration, posts and leaves.
    func testJoinThatCreatesTheRoomStillPosts() throws {
        let result = try sendAsAliceToProsody(["-v", "-r", "-m", "first in the room", freshRoom()])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("joined"), result.summary)
    }

    /// Rooms take --interactive too: every line is a groupchat message, in order.
    func testInteractiveLinesToARoom() throws {
        let server = try ProsodyServer.shared
        let room = freshRoom()
        let lines = (1...50).map { "room line \($0)" }
        let bob = try RoomOccupant(as: server.bob, room: room, nick: "bob", count: lines.count, scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody(["-r", "-i", room], stdin: Data(lines.map { $0 + "\n" }.joined().utf8))
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return bob.stop() }
        let messages = liveMessages(try bob.events())
        XCTAssertEqual(messages.map(\.body), lines)
        XCTAssertEqual(Set(messages.map(\.type)), ["groupchat"])
    }
}
