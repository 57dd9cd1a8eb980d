import Foundation
import XCTest

/// `send --format json`, `--replace ID` (XEP-0308) and `--retract ID` (XEP-0424) against
/// Prosody, with slixmpp (Tests/Support/peers/corrections.py) as the recipient, so what
/// arrives is read by a client that is not xmpp-cli.
final class SendCorrectionTests: XCTestCase {
    private var server: ProsodyServer!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        scratch = try makeScratchDirectory()
    }

    private func freshRoom() -> String {
        "correct-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost"
    }

    /// The one JSON line a `send --format json` that exited 0 printed, with exactly `keys`
    /// and `acked` true; throws (ending the test, and with it the peer) if the send failed.
    private func sentRecord(
        _ arguments: [String], keys: Set<String>, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Any] {
        let result = try sendAsAliceToProsody(arguments)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput(result.summary) }
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, "not one JSON line: \(result.stdout)", file: file, line: line)
        let record = try ListenHarness.object(try XCTUnwrap(lines.first, file: file, line: line))
        XCTAssertEqual(Set(record.keys), keys, result.stdout, file: file, line: line)
        XCTAssertEqual(record["acked"] as? Bool, true, result.stdout, file: file, line: line)
        XCTAssertFalse((record["id"] as? String ?? "").isEmpty, result.stdout, file: file, line: line)
        return record
    }

    /// A message, its correction and its retraction, as bob's slixmpp sees them: `send
    /// --format json` prints the id it gave the message (which is also its origin-id), the
    /// correction names that id in <replace/>, the retraction in <retract/> with its fallback
    /// for clients without XEP-0424, a body and a store hint. A plain send prints nothing on
    /// stdout.
    func testCorrectionAndRetractionOfAChatMessageNameItsID() throws {
        let bob = server.bob.jid
        let peer = try CorrectionsPeer(as: server.bob, on: server, count: 4, scratch: scratch)

        let first = try sentRecord(["--format", "json", "-m", "first version", bob], keys: ["id", "to", "acked"])
        XCTAssertEqual(first["to"] as? String, bob)
        let id = try XCTUnwrap(first["id"] as? String)
        let correction = try sentRecord(
            ["--format", "json", "--replace", id, "-m", "second version", bob], keys: ["id", "to", "acked"])
        let retraction = try sentRecord(["--format", "json", "--retract", id, bob], keys: ["id", "to", "acked"])
        XCTAssertEqual(retraction["to"] as? String, bob)
        let plain = try sendAsAliceToProsody(["-m", "plain after", bob])
        XCTAssertEqual(plain.exitCode, 0, plain.summary)
        XCTAssertEqual(plain.stdout, "", "--format text printed on stdout")

        let messages = try peer.messages()
        XCTAssertEqual(messages.count, 4, "\(messages)")
        guard messages.count == 4 else { return }
        let (original, corrected, retracted) = (messages[0], messages[1], messages[2])
        XCTAssertEqual(original.body, "first version")
        XCTAssertEqual(corrected.body, "second version")
        XCTAssertEqual(messages[3].body, "plain after")

        XCTAssertEqual(original.id, id, "the id printed is not the message's")
        XCTAssertEqual(original.originID, id, "the id printed is not the message's origin-id")
        XCTAssertNil(original.replaceID)
        XCTAssertNil(original.retractID)

        XCTAssertEqual(corrected.replaceID, id)
        XCTAssertEqual(corrected.id, correction["id"] as? String)
        XCTAssertNotEqual(corrected.id, id, "the correction reuses the id it corrects")
        XCTAssertNil(corrected.retractID)

        XCTAssertEqual(retracted.retractID, id)
        XCTAssertEqual(retracted.fallbackFor, "urn:xmpp:message-retract:1")
        XCTAssertTrue(retracted.storeHint, "no <store xmlns='urn:xmpp:hints'/>")
        XCTAssertFalse((retracted.body ?? "").isEmpty, "no fallback body")
        XCTAssertEqual(retracted.id, retraction["id"] as? String)
        XCTAssertNil(retracted.replaceID)
    }

    /// In a room: `send --room --format json` also prints the stanza-id the room gave the
    /// message (the one bob's client sees in the reflection); a correction names the
    /// message's own id, a retraction the room's stanza-id.
    func testRoomCorrectionNamesTheIDAndRoomRetractionTheRoomsStanzaID() throws {
        let room = freshRoom()
        let keys: Set<String> = ["id", "to", "acked", "stanza_id"]
        let peer = try CorrectionsPeer(as: server.bob, on: server, count: 3, room: room, nick: "bob", scratch: scratch)

        let first = try sentRecord(["--room", "--format", "json", "-m", "first in the room", room], keys: keys)
        XCTAssertEqual(first["to"] as? String, room)
        let id = try XCTUnwrap(first["id"] as? String)
        let stanzaID = try XCTUnwrap(first["stanza_id"] as? String)
        XCTAssertFalse(stanzaID.isEmpty)
        let correction = try sentRecord(
            ["--room", "--format", "json", "--replace", id, "-m", "second in the room", room], keys: keys)
        let retraction = try sentRecord(["--room", "--format", "json", "--retract", stanzaID, room], keys: keys)

        let messages = try peer.messages()
        XCTAssertEqual(messages.count, 3, "\(messages)")
        guard messages.count == 3 else { return }
        let (original, corrected, retracted) = (messages[0], messages[1], messages[2])
        XCTAssertEqual(Set(messages.map(\.type)), ["groupchat"])
        XCTAssertEqual(Set(messages.map(\.from)), ["\(room)/alice"])

        XCTAssertEqual(original.body, "first in the room")
        XCTAssertEqual(original.id, id)
        XCTAssertEqual(original.stanzaID, stanzaID, "the stanza_id printed is not the one the room gave")

        XCTAssertEqual(corrected.body, "second in the room")
        XCTAssertEqual(corrected.replaceID, id)
        XCTAssertEqual(corrected.stanzaID, correction["stanza_id"] as? String)

        XCTAssertEqual(retracted.retractID, stanzaID)
        XCTAssertEqual(retracted.fallbackFor, "urn:xmpp:message-retract:1")
        XCTAssertTrue(retracted.storeHint, "no <store xmlns='urn:xmpp:hints'/>")
        XCTAssertFalse((retracted.body ?? "").isEmpty, "no fallback body")
        XCTAssertEqual(retracted.stanzaID, retraction["stanza_id"] as? String)
    }

    /// A retraction has no body of its own (-m, -f, --attach), and a correction or a
    /// retraction names one message of one conversation: all usage errors (64).
    func testRetractionWithABodyOrSeveralRecipientsIsAUsageError() throws {
        let bodyFile = scratch.appendingPathComponent("body.txt")
        try "a body\n".write(to: bodyFile, atomically: true, encoding: .utf8)
        let (bob, carol) = (server.bob.jid, server.carol.jid)
        let rooms = [freshRoom(), freshRoom()]
        let invalid: [[String]] = [
            ["--retract", "some-id", "-m", "a body", bob],
            ["--retract", "some-id", "-f", bodyFile.path, bob],
            ["--retract", "some-id", "--attach", bodyFile.path, bob],
            ["--replace", "some-id", "-m", "new text", bob, carol],
            ["--retract", "some-id", bob, carol],
            ["--room", "--replace", "some-id", "-m", "new text"] + rooms,
        ]
        for arguments in invalid {
            let result = try sendAsAliceToProsody(arguments)
            assertFailure(result, exitCode: 64, secrets: [server.alice.password])
        }
    }
}
