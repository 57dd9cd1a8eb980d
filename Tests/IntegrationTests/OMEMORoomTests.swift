import Foundation
import XCTest

/// OMEMO in multi-user chat rooms against the independent peer: a members-only,
/// non-anonymous room (made by the peer as owner) is encrypted for its members by real JID,
/// both ways, live and from the room's history; any other room is refused with nothing sent.
/// (This Prosody keeps room history in memory only, so there is no disk to search here: the
/// one-to-one tests search it.)
final class OMEMORoomTests: OMEMOTestCase {
    /// The peer creates `room` members-only and non-anonymous, with `members`, and is in it.
    private func openRoom(_ room: String, owner: OMEMOPeer, members: [String]) throws {
        try owner.command(["cmd": "join", "room": room, "nick": "owner", "members": members])
        let joined = try owner.expect("the room joined") { $0.event == "joined" || ($0.event == "error" && $0["cmd"] as? String == "join") }
        XCTAssertEqual(joined.event, "joined", joined.line)
        XCTAssertEqual(joined["membersonly"] as? Bool, true, joined.line)
        XCTAssertEqual(joined["nonanonymous"] as? Bool, true, joined.line)
    }

    private func roomMessage(_ peer: OMEMOPeer, from nick: String) throws -> OMEMOPeerEvent {
        try peer.expect("a room message from \(nick)") {
            $0.event == "message" && $0.type == "groupchat" && $0["nick"] as? String == nick && !$0.keyTransport
        }
    }

    func testARoomsMembersReadEachOthersMessages() throws {
        let (owner, member) = (try account("dave"), try account("erin"))
        let room = "omemo-both-ways@conference.\(server.domain)"
        let peer = try startPeer(owner, store: "dave-store")
        try openRoom(room, owner: peer, members: [member.jid])
        let cli = OMEMOClient(member, on: server, home: scratch.appendingPathComponent("erin"))

        // xmpp-cli to the room: the owner's device reads it, with the member's real JID.
        let fromCLI = omemoToken("room-from-cli")
        let sent = try cli.run(["send"], ["--omemo", "--room", "--nick", "erin", "-m", fromCLI, room])
        XCTAssertEqual(sent.exitCode, 0, sent.summary)
        let received = try roomMessage(peer, from: "erin")
        XCTAssertEqual(received.encrypted, true, received.line)
        XCTAssertEqual(received.body, fromCLI, received.line)
        XCTAssertEqual(received["real_jid"] as? String, member.jid, received.line)
        XCTAssertEqual(received["sender_device"] as? Int, try cli.storedDeviceID(), received.line)

        // The room to xmpp-cli: one message before it joins (history), one while it is in.
        let before = omemoToken("room-history")
        try peer.command(["cmd": "send_room", "room": room, "body": before])
        try peer.expect("the history message sent") { $0.event == "sent" && $0["to"] as? String == room }
        let listener = try cli.startListener(["--room", room, "--nick", "erin", "--format", "json", "--count", "3"])
        let live = omemoToken("room-live")
        try peer.command(["cmd": "send_room", "room": room, "body": live])
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        let fromOwner = records.filter { $0["nick"] as? String == "owner" }
        XCTAssertEqual(fromOwner.map { $0["body"] as? String }, [before, live], result.stdout)
        for record in fromOwner {
            XCTAssertEqual(record["encrypted"] as? String, "omemo", "\(record)")
            XCTAssertEqual(record["fingerprint"] as? String, OMEMOFingerprint.grouped(peer.fingerprint), "\(record)")
            XCTAssertEqual(record["room"] as? String, room, "\(record)")
        }
        // Its own earlier message, in the history: reported, not dropped, and said why.
        let own = records.filter { $0["nick"] as? String == "erin" }
        XCTAssertEqual(own.count, 1, result.stdout)
        XCTAssertTrue(own.first?["body"] is NSNull, result.stdout)
        XCTAssertTrue((own.first?["error"] as? String ?? "").contains("sent by this device"), result.stdout)
        try peer.quit()
    }

    /// A room whose readers cannot be known (open, semi-anonymous: the default) gets nothing.
    func testARoomThatIsNotMembersOnlyAndNonAnonymousIsRefused() throws {
        let (sender, watcher) = (try account("frank"), try account("grace"))
        let room = "omemo-open@conference.\(server.domain)"
        // An ordinary room, made by xmpp-cli's plain join (an instant room: open, semi-anonymous),
        // and kept by its listener, which shows what reaches the room.
        let opener = OMEMOClient(watcher, on: server, home: scratch.appendingPathComponent("grace-cli"))
        let listener = try opener.startListener(["--room", room, "--nick", "watcher", "--format", "json", "--count", "1"])

        let cli = OMEMOClient(sender, on: server, home: scratch.appendingPathComponent("frank"))
        let secret = omemoToken("open-room-secret")
        let refused = try cli.run(["send"], ["--omemo", "--room", "--nick", "frank", "-m", secret, room])
        assertFailure(refused, exitCode: 77, secrets: [sender.password])
        XCTAssertTrue(refused.stderr.contains("members-only, non-anonymous"), refused.summary)
        // Nothing reached the room: the first thing from frank there is a marker sent in the clear.
        let marker = omemoToken("open-room-marker")
        XCTAssertEqual(try cli.run(["send"], ["--room", "--nick", "frank", "-m", marker, room]).exitCode, 0)
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.map { $0["body"] as? String }, [marker], result.stdout)
    }
}
