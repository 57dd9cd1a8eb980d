import Foundation
import XCTest

/// Trust in `xmpp-cli omemo` against the OMEMO peer, on a Prosody of this class's own: blind
/// trust before verification, distrust and trust by hand (with the fingerprint written in
/// several ways), a contact's second device before and after one was trusted by hand, and
/// `trust = manual`. Whatever may not be encrypted to is checked on the peer: it gets
/// nothing before a marker sent in the clear afterwards.
final class OMEMOTrustTests: OMEMOTestCase {
    /// What `peers` got from `client` (with a payload) before a marker it sends them now, in the clear.
    private func received(by peers: [OMEMOPeer], from client: OMEMOClient) throws -> [[OMEMOPeerEvent]] {
        let marker = omemoToken("marker")
        try client.sendPlain(marker, to: peers[0].account.jid)
        return try peers.map { try $0.messages(from: client.account.jid, before: marker) }
    }

    /// 7. A new contact device is `blind`; `omemo distrust` (fingerprint in capitals with
    /// colons) makes it `distrusted` and `send --omemo` refuses with 77, sending nothing;
    /// `omemo trust` (with the 05 prefix, no blanks) makes it `trusted` and the send works.
    /// A fingerprint that no device has is 65.
    func testDistrustRefusesTheSendAndTrustRestoresIt() throws {
        let (alice, bob) = (server.alice, server.bob)
        let cli = client(alice)
        let peer = try startPeer(bob, store: "bob-store")
        let grouped = peer.groupedFingerprint
        XCTAssertEqual(try cli.devicesText([bob.jid]), [OMEMODeviceLine(jid: bob.jid, device: peer.device, fingerprint: grouped, trust: "blind")])
        XCTAssertEqual(try cli.devices([bob.jid]), [OMEMODeviceLine(jid: bob.jid, device: peer.device, fingerprint: grouped, trust: "blind")])

        let digits = Array(peer.fingerprint.uppercased())
        let colons = stride(from: 0, to: digits.count, by: 2).map { String(digits[$0..<$0 + 2]) }.joined(separator: ":")
        let distrust = try cli.setTrust("distrust", bob.jid, colons)
        XCTAssertEqual(distrust.exitCode, 0, distrust.summary)
        XCTAssertEqual(try cli.devicesText([bob.jid]).map(\.trust), ["distrusted"])

        let refused = omemoToken("to-distrusted")
        let result = try cli.send(refused, to: [bob.jid])
        assertFailure(result, exitCode: 77, secrets: [alice.password])
        XCTAssertTrue(result.stderr.contains("distrusted"), result.summary)
        XCTAssertEqual(try received(by: [peer], from: cli).map { $0.map(\.line) }, [[]], "something reached the distrusted device")

        let unknown = try cli.setTrust("trust", bob.jid, String(repeating: "ab", count: 32))
        assertFailure(unknown, exitCode: 65, secrets: [alice.password])
        let malformed = try cli.setTrust("trust", bob.jid, "not a fingerprint")
        assertFailure(malformed, exitCode: 65, secrets: [alice.password])
        XCTAssertEqual(try cli.devicesText([bob.jid]).map(\.trust), ["distrusted"], "a failed trust changed something")

        let trust = try cli.setTrust("trust", bob.jid, "05" + peer.fingerprint)
        XCTAssertEqual(trust.exitCode, 0, trust.summary)
        XCTAssertEqual(try cli.devices([bob.jid]), [OMEMODeviceLine(jid: bob.jid, device: peer.device, fingerprint: grouped, trust: "trusted")])
        let body = omemoToken("to-trusted")
        try cli.sendEncrypted(body, to: bob.jid)
        try assertDecrypted(try peer.nextMessage(from: alice.jid), body, from: cli)
        XCTAssertFalse(try OMEMOServerFiles.contain(refused, on: server), "the refused body is on the server")
        try peer.quit()
    }

    /// 8a. Blind trust: a second device the contact adds later (another peer, another
    /// store) is `blind` and gets the messages as well as the first.
    func testASecondDeviceOfTheContactIsBlindlyTrustedAndGetsTheMessage() throws {
        let (carol, dave) = (server.carol, try account("dave"))
        let cli = client(carol)
        let first = try startPeer(dave, store: "dave-first")
        let before = omemoToken("before-second-device")
        try cli.sendEncrypted(before, to: dave.jid)
        try assertDecrypted(try first.nextMessage(from: carol.jid), before, from: cli)

        let second = try startPeer(dave, store: "dave-second")
        XCTAssertNotEqual(second.device, first.device)
        XCTAssertEqual(
            try cli.devices([dave.jid]).sorted { $0.device < $1.device },
            [(first.device, first.groupedFingerprint), (second.device, second.groupedFingerprint)].sorted { $0.0 < $1.0 }
                .map { OMEMODeviceLine(jid: dave.jid, device: $0.0, fingerprint: $0.1, trust: "blind") })
        let body = omemoToken("to-both-devices")
        let result = try cli.send(body, to: [dave.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        try assertDecrypted(try first.nextMessage(from: carol.jid), body, from: cli)
        try assertDecrypted(try second.nextMessage(from: carol.jid), body, from: cli)
        try second.quit()
        try first.quit()
    }

    /// 8b. Once one of the contact's devices is trusted by hand, a device the contact adds
    /// is `undecided`: the send goes to the trusted one only (and says so), the new one
    /// cannot read it; trusted by hand too, it gets the next message.
    func testAfterATrustByHandANewDeviceIsUndecidedAndLeftOut() throws {
        let (erin, frank) = (try account("erin"), try account("frank"))
        let cli = client(erin)
        let first = try startPeer(frank, store: "frank-first")
        let trust = try cli.setTrust("trust", frank.jid, first.groupedFingerprint)
        XCTAssertEqual(trust.exitCode, 0, trust.summary)

        let second = try startPeer(frank, store: "frank-second")
        let listed = try cli.devicesText([frank.jid])
        XCTAssertEqual(
            listed.sorted { $0.device < $1.device },
            [
                OMEMODeviceLine(jid: frank.jid, device: first.device, fingerprint: first.groupedFingerprint, trust: "trusted"),
                OMEMODeviceLine(jid: frank.jid, device: second.device, fingerprint: second.groupedFingerprint, trust: "undecided"),
            ].sorted { $0.device < $1.device })

        let secret = omemoToken("not-for-undecided")
        let result = try cli.send(secret, to: [frank.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("\(second.device)") && result.stderr.contains("undecided"), "no warning naming the left-out device: \(result.summary)")
        try assertDecrypted(try first.nextMessage(from: erin.jid), secret, from: cli)
        let got = try received(by: [first, second], from: cli)
        XCTAssertEqual(got[0].map(\.line), [])
        for event in got[1] {
            XCTAssertNil(event.body, "the undecided device read: \(event.line)")
        }

        let trustSecond = try cli.setTrust("trust", frank.jid, second.fingerprint)
        XCTAssertEqual(trustSecond.exitCode, 0, trustSecond.summary)
        let body = omemoToken("to-both-trusted")
        let both = try cli.send(body, to: [frank.jid])
        XCTAssertEqual(both.exitCode, 0, both.summary)
        XCTAssertEqual(both.stderr, "", both.summary)
        try assertDecrypted(try first.nextMessage(from: erin.jid), body, from: cli)
        try assertDecrypted(try second.nextMessage(from: erin.jid), body, from: cli)
        try second.quit()
        try first.quit()
    }

    /// `trust = manual` in the account's config section: a contact's first device is already
    /// `undecided`, so the send is refused (77) with nothing sent, until it is trusted by hand.
    func testManualTrustInTheConfigFileTrustsNothingBlindly() throws {
        let (grace, heidi) = (try account("grace"), try account("heidi"))
        let cli = client(grace)
        let config = cli.configHome.appendingPathComponent("xmpp-cli/config")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("[default]\njid = \(grace.jid)\ntrust = manual\n".utf8).write(to: config)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
        let peer = try startPeer(heidi, store: "heidi-store")

        XCTAssertEqual(try cli.devicesText([heidi.jid]).map(\.trust), ["undecided"])
        let refused = omemoToken("manual-undecided")
        let result = try cli.send(refused, to: [heidi.jid])
        assertFailure(result, exitCode: 77, secrets: [grace.password])
        XCTAssertTrue(result.stderr.contains("undecided"), result.summary)
        XCTAssertEqual(try received(by: [peer], from: cli).map { $0.map(\.line) }, [[]])

        let trust = try cli.setTrust("trust", heidi.jid, peer.fingerprint.uppercased())
        XCTAssertEqual(trust.exitCode, 0, trust.summary)
        let body = omemoToken("manual-trusted")
        try cli.sendEncrypted(body, to: heidi.jid)
        try assertDecrypted(try peer.nextMessage(from: grace.jid), body, from: cli)
        try peer.quit()
    }

    /// Our own account as the recipient: this device is never encrypted for (nobody could
    /// read that copy), so with no other device it is 77 with nothing sent; with another
    /// device of ours online, that device alone gets it, and the store keeps no session with
    /// this device itself.
    func testASendToOurOwnAccountNeverEncryptsForThisDevice() throws {
        let ivan = try account("ivan")
        let cli = client(ivan)
        let alone = try cli.send(omemoToken("to-myself-only"), to: [ivan.jid])
        assertFailure(alone, exitCode: 77, secrets: [ivan.password])
        XCTAssertTrue(alone.stderr.contains("no OMEMO device but this one"), alone.summary)

        let otherDevice = try startPeer(ivan, store: "ivan-peer-store")
        let body = omemoToken("to-my-other-device")
        try cli.sendEncrypted(body, to: ivan.jid)
        try assertDecrypted(try otherDevice.nextMessage(from: ivan.jid), body, from: cli)
        let ownID = try cli.storedDeviceID()
        let store = cli.dataHome.appendingPathComponent("xmpp-cli/omemo/\(ivan.jid.replacingOccurrences(of: "@", with: "%40"))/device")
        let sessions = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("session \(ivan.jid) ") }
        XCTAssertEqual(sessions.count, 1, "\(sessions)")
        XCTAssertFalse(sessions.contains { $0.hasPrefix("session \(ivan.jid) \(ownID) ") }, "a session with this device itself")
        try otherDevice.quit()
    }

    /// A session this side lost (a store restored from before it began) while the contact
    /// still has its own: the contact's next message cannot be decrypted and is reported, and
    /// listen answers with a new session from the contact's bundle, so the one after decrypts.
    func testListenMendsASessionItLost() throws {
        let (me, contact) = (try account("listener1"), try account("listener2"))
        let cli = client(me)
        let peer = try startPeer(contact, store: "listener2-store")
        try cli.sendEncrypted(omemoToken("first"), to: contact.jid)
        try peer.nextMessage(from: me.jid)
        let established = omemoToken("established")
        try peer.sendToOffline(established, to: me.jid)
        XCTAssertEqual(try cli.listen(["--count", "1"]).first?["body"] as? String, established)

        // The session with the contact's device is gone from our store (the file stays 0600).
        let deviceFile = cli.storeDirectory.appendingPathComponent("device")
        let lines = try String(contentsOf: deviceFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.hasPrefix("session \(contact.jid) ") }
        XCTAssertEqual(kept.count, lines.count - 1, "no session with \(contact.jid) to remove")
        try Data(kept.joined(separator: "\n").utf8).write(to: deviceFile, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: deviceFile.path)

        let lost = omemoToken("lost")
        try peer.sendToOffline(lost, to: me.jid)
        let reported = try cli.listen(["--count", "1", "-v"])
        XCTAssertEqual(reported.count, 1, "\(reported)")
        XCTAssertTrue(reported.first?["body"] is NSNull, "\(reported)")
        XCTAssertTrue((reported.first?["error"] as? String ?? "").contains("no session"), "\(reported)")
        // The new session reaches the contact as an empty pre-key message from our device.
        let mend = try peer.expect("the empty message that starts a new session") {
            $0.event == "message" && $0.keyTransport && $0.fromBare == me.jid
        }
        XCTAssertEqual(mend["sender_device"] as? Int, try cli.storedDeviceID(), mend.line)

        let healed = omemoToken("healed")
        try peer.sendToOffline(healed, to: me.jid)
        let records = try cli.listen(["--count", "1"])
        XCTAssertEqual(records.first?["body"] as? String, healed, "\(records)")
        XCTAssertNil(records.first?["error"] as? String, "\(records)")
        try peer.quit()
    }
}
