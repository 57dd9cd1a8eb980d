import Foundation
import XCTest

/// `send --omemo` and `listen` against the independent OMEMO peer (slixmpp-omemo, legacy
/// OMEMO), both ways, online and offline, on a Prosody of this class's own: the exact bodies
/// arrive decrypted, from the device in our store, with the fingerprints each side shows, and
/// no plaintext reaches the server's disk. Each test has accounts of its own, and every
/// xmpp-cli device and peer store is the test's alone.
final class OMEMOTests: OMEMOTestCase {
    /// A message for the purpose, in the clear, from `client` to the peer: found on the
    /// server afterwards, it shows that grep would find a plaintext there.
    private func plainControl(from client: OMEMOClient, to peer: OMEMOPeer) throws -> String {
        let control = omemoToken("control")
        try client.sendPlain(control, to: peer.account.jid)
        let event = try peer.nextMessage(from: client.account.jid)
        XCTAssertEqual(event.body, control, event.line)
        XCTAssertEqual(event.encrypted, false, event.line)
        return control
    }

    // MARK: xmpp-cli to the peer

    /// 1. Online: the exact body, decrypted by the peer, from the device id of our store,
    /// whose fingerprint `omemo fingerprint`, `omemo devices` and the peer (from the server's
    /// bundle) all show alike.
    func testSendReachesTheOnlinePeerEncryptedFromOurStoredDevice() throws {
        let cli = client(server.alice)
        let bob = try startPeer(server.bob, store: "bob-store")

        let fingerprint = try cli.fingerprint()
        XCTAssertTrue(OMEMOFingerprint.isGrouped(fingerprint), "not 8 groups of 8 lowercase hex digits: '\(fingerprint)'")
        XCTAssertEqual(fingerprint, try cli.storedFingerprint(), "omemo fingerprint is not the stored identity key")
        let deviceID = try cli.storedDeviceID()
        XCTAssertEqual(
            try cli.devices([]), [OMEMODeviceLine(jid: server.alice.jid, device: deviceID, fingerprint: fingerprint, trust: "own")])
        let seen = try bob.devices(of: server.alice.jid)
        XCTAssertEqual(seen.map(\.device), [deviceID], "the device list the peer reads from the server")
        XCTAssertEqual(seen.map { OMEMOFingerprint.grouped($0.fingerprint) }, [fingerprint], "the bundle the peer reads from the server")

        let secret = omemoToken("online-to-peer")
        let body = secret + " \u{e9}t\u{e9} \u{1f510} <b>&amp;</b> \"quoted\""
        let result = try cli.send(body, to: [server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "", "a send that went to every device says nothing")
        let event = try bob.nextMessage(from: server.alice.jid)
        XCTAssertEqual(event.encrypted, true, event.line)
        XCTAssertEqual(event.body, body, event.line)
        XCTAssertNil(event.error, event.line)
        XCTAssertEqual(event.senderDevice, deviceID, event.line)
        XCTAssertEqual(event.delayed, false, event.line)
        XCTAssertEqual(event.type, "chat", event.line)

        // 5. The server has the fallback text and a plaintext sent for the purpose, not the body.
        let control = try plainControl(from: cli, to: bob)
        try OMEMOServerFiles.assertOnlyControls(
            secrets: [secret], controls: [control, OMEMOServerFiles.xmppCLIFallback], on: server)
        try bob.quit()
    }

    /// 2. Offline: the peer is not running when xmpp-cli sends; it gets the messages from
    /// offline storage at its next login (same store, same device), delayed, in order: one
    /// from -m, one from standard input (several lines), and one per line of --interactive.
    func testSendToTheOfflinePeerArrivesAtItsNextLogin() throws {
        let (erin, frank) = (try account("erin"), try account("frank"))
        let cli = client(erin)
        let first = try startPeer(frank, store: "frank-store")
        let frankDevice = first.device
        try first.quit()

        let secrets = (1...5).map { omemoToken("offline-to-peer-\($0)") }
        try cli.sendEncrypted(secrets[0], to: frank.jid)
        let piped = try cli.run(["send"], ["--omemo", frank.jid], stdin: "\(secrets[1])\nsecond line\n")
        XCTAssertEqual(piped.exitCode, 0, piped.summary)
        let interactive = try cli.run(["send"], ["--omemo", "--interactive", frank.jid], stdin: secrets[2...].joined(separator: "\n") + "\n")
        XCTAssertEqual(interactive.exitCode, 0, interactive.summary)

        let peer = try startPeer(frank, store: "frank-store")
        XCTAssertEqual(peer.device, frankDevice, "the peer came back as another device")
        let deviceID = try cli.storedDeviceID()
        for body in [secrets[0], secrets[1] + "\nsecond line", secrets[2], secrets[3], secrets[4]] {
            let event = try peer.nextMessage(from: erin.jid)
            XCTAssertEqual(event.encrypted, true, event.line)
            XCTAssertEqual(event.body, body, event.line)
            XCTAssertNil(event.error, event.line)
            XCTAssertEqual(event.senderDevice, deviceID, event.line)
            XCTAssertEqual(event.delayed, true, event.line)
        }

        let control = try plainControl(from: cli, to: peer)
        try OMEMOServerFiles.assertOnlyControls(secrets: secrets, controls: [control, OMEMOServerFiles.xmppCLIFallback], on: server)
        try peer.quit()
    }

    // MARK: The peer to xmpp-cli

    /// 3. Online: `listen --omemo` makes and publishes a device, and prints what the peer
    /// sends decrypted, with the peer's fingerprint; the first message (a pre-key message)
    /// gets the empty answer that completes the session, and the next one, an ordinary
    /// message of that session, decrypts too.
    func testListenPrintsWhatTheOnlinePeerSendsDecrypted() throws {
        let (carol, dave) = (server.carol, try account("dave"))
        let cli = client(carol)
        let peer = try startPeer(dave, store: "dave-store")
        let listener = try cli.startListener(["--omemo", "--format", "json", "--count", "2"])
        let deviceID = try cli.storedDeviceID()
        XCTAssertEqual(try peer.devices(of: carol.jid).map(\.device), [deviceID], "listen --omemo published its device")

        let secrets = [omemoToken("online-to-cli-1"), omemoToken("online-to-cli-2")]
        try peer.send(secrets[0] + " \u{1f510}", to: carol.jid)
        let answer = try peer.expect("the key-transport answer to the pre-key message") {
            $0.event == "message" && $0.keyTransport && $0.fromBare == carol.jid
        }
        XCTAssertEqual(answer.encrypted, true, answer.line)
        XCTAssertNil(answer.error, answer.line)
        XCTAssertEqual(answer.senderDevice, deviceID, answer.line)
        try peer.send(secrets[1], to: carol.jid)

        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.count, 2, result.stdout)
        for (record, body) in zip(records, [secrets[0] + " \u{1f510}", secrets[1]]) {
            XCTAssertEqual(record["kind"] as? String, "message", "\(record)")
            XCTAssertEqual(bareJID(record["from"] as? String), dave.jid, "\(record)")
            XCTAssertEqual(record["encrypted"] as? String, "omemo", "\(record)")
            XCTAssertEqual(record["body"] as? String, body, "\(record)")
            XCTAssertEqual(record["fingerprint"] as? String, peer.groupedFingerprint, "\(record)")
            XCTAssertTrue(record["error"] == nil || record["error"] is NSNull, "\(record)")
            XCTAssertEqual(record["delayed"] as? Bool, false, "\(record)")
        }

        try OMEMOServerFiles.assertOnlyControls(secrets: secrets, controls: [OMEMOServerFiles.peerFallback], on: server)
        try peer.quit()
    }

    /// 4. Offline: xmpp-cli has a device (from `omemo fingerprint`) but is not running when
    /// the peer sends; `listen` without --omemo decrypts it from offline storage, and its
    /// empty answer reaches the peer before it exits.
    func testListenWithoutTheFlagDecryptsWhatThePeerSentWhileItWasOffline() throws {
        let (grace, heidi) = (try account("grace"), try account("heidi"))
        let cli = client(grace)
        let fingerprint = try cli.fingerprint()
        let deviceID = try cli.storedDeviceID()
        let peer = try startPeer(heidi, store: "heidi-store")

        let secret = omemoToken("offline-to-cli")
        try peer.sendToOffline(secret, to: grace.jid)
        let records = try cli.listen(["--count", "1"])
        XCTAssertEqual(records.count, 1, "\(records)")
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(bareJID(record["from"] as? String), heidi.jid, "\(record)")
        XCTAssertEqual(record["encrypted"] as? String, "omemo", "\(record)")
        XCTAssertEqual(record["body"] as? String, secret, "\(record)")
        XCTAssertEqual(record["fingerprint"] as? String, peer.groupedFingerprint, "\(record)")
        XCTAssertEqual(record["delayed"] as? Bool, true, "\(record)")
        XCTAssertTrue(record["error"] == nil || record["error"] is NSNull, "\(record)")

        let answer = try peer.expect("the key-transport answer to the pre-key message") {
            $0.event == "message" && $0.keyTransport && $0.fromBare == grace.jid
        }
        XCTAssertNil(answer.error, answer.line)
        XCTAssertEqual(answer.senderDevice, deviceID, answer.line)
        XCTAssertEqual(try cli.fingerprint(), fingerprint, "the device changed")

        try OMEMOServerFiles.assertOnlyControls(secrets: [secret], controls: [OMEMOServerFiles.peerFallback], on: server)
        try peer.quit()
    }

    // MARK: Refusals

    /// 6. A recipient without an OMEMO device: exit 77, one line, and nothing at all sent,
    /// neither to it nor to a second recipient that has a device; the peers of both accounts,
    /// running afterwards, get nothing from us before a marker sent in the clear.
    func testARecipientWithoutADeviceIsRefusedAndNothingIsSent() throws {
        let (ivan, bare, equipped) = (try account("ivan"), try account("listener1"), try account("listener2"))
        let cli = client(ivan)
        let withDevice = try startPeer(equipped, store: "listener2-store")

        let secret = omemoToken("to-no-device")
        let alone = try cli.send(secret, to: [bare.jid])
        assertFailure(alone, exitCode: 77, secrets: [ivan.password])
        XCTAssertTrue(alone.stderr.contains(bare.jid), alone.summary)
        let both = try cli.send(secret, to: [equipped.jid, bare.jid])
        assertFailure(both, exitCode: 77, secrets: [ivan.password])
        XCTAssertTrue(both.stderr.contains(bare.jid), both.summary)
        let room = try cli.send(secret, to: ["omemo-room@conference.\(server.domain)"], ["--room"])
        assertFailure(room, exitCode: 77, secrets: [ivan.password])

        let marker = omemoToken("marker")
        for recipient in [bare.jid, equipped.jid] { try cli.sendPlain(marker, to: recipient) }
        XCTAssertEqual(try withDevice.messages(from: ivan.jid, before: marker).map(\.line), [])
        let late = try startPeer(bare, store: "listener1-store")
        XCTAssertEqual(try late.messages(from: ivan.jid, before: marker).map(\.line), [])
        try OMEMOServerFiles.assertOnlyControls(secrets: [secret], controls: [marker], on: server)
        try late.quit()
        try withDevice.quit()
    }
}
