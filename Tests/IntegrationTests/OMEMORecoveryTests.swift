import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OMEMO when things are not tidy, against the OMEMO peer on a Prosody of this class's own:
/// a contact that lost its store (a new device beside the stale one still published), our
/// own store lost (messages for the old device reported, not dropped), a device list naming a
/// device without a bundle, two sends at once on one store, a listener and sends sharing one
/// store through a conversation, and the store's file modes and damage.
final class OMEMORecoveryTests: OMEMOTestCase {
    private func assertOwnerOnly(_ client: OMEMOClient, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = client.storeDirectory
        let mode = try omemoMode(directory)
        XCTAssertTrue(mode.isDirectory, "\(directory.path) is not a directory", file: file, line: line)
        XCTAssertEqual(mode.permissions, 0o700, "\(directory.path) is \(String(mode.permissions, radix: 8))", file: file, line: line)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(names, ["device", "lock", "trust"], "what the store holds", file: file, line: line)
        for name in names {
            let mode = try omemoMode(directory.appendingPathComponent(name))
            XCTAssertTrue(mode.isRegular, "\(name) is not a regular file", file: file, line: line)
            XCTAssertEqual(mode.permissions, 0o600, "\(name) is \(String(mode.permissions, radix: 8))", file: file, line: line)
        }
    }

    /// 9a. The contact wiped its store: its new device is published beside the old one (still
    /// listed, with a session here); the send succeeds and the new device reads it.
    func testAContactWithAWipedStoreGetsTheMessageOnItsNewDevice() throws {
        let (alice, bob) = (server.alice, server.bob)
        let cli = client(alice)
        let old = try startPeer(bob, store: "bob-old")
        let first = omemoToken("to-old-device")
        try cli.sendEncrypted(first, to: bob.jid)
        try assertDecrypted(try old.nextMessage(from: alice.jid), first, from: cli)
        let oldDevice = old.device
        try old.quit()

        let new = try startPeer(bob, store: "bob-new")
        XCTAssertNotEqual(new.device, oldDevice, "an empty store made the same device")
        XCTAssertEqual(Set(try cli.devices([bob.jid]).map(\.device)), [oldDevice, new.device], "both devices are listed")
        let second = omemoToken("to-new-device")
        let result = try cli.send(second, to: [bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        try assertDecrypted(try new.nextMessage(from: alice.jid), second, from: cli)
        try new.quit()
    }

    /// 9b. Our own store was lost: what the peer still encrypts for the old device (it has not
    /// seen a new one) is reported by `listen` with "body":null and an error, not dropped,
    /// both without a device here and by the new device `listen --omemo` makes; once the new
    /// device is published, the peer's next message decrypts.
    func testListenReportsMessagesItCannotDecrypt() throws {
        let (carol, dave) = (server.carol, try account("dave"))
        let cli = client(carol)
        _ = try cli.fingerprint()
        let oldDevice = try cli.storedDeviceID()
        let peer = try startPeer(dave, store: "dave-store")
        XCTAssertEqual(try peer.devices(of: carol.jid).map(\.device), [oldDevice])
        try FileManager.default.removeItem(at: cli.dataHome)

        func assertUndecrypted(_ records: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(records.count, 1, "\(records)", file: file, line: line)
            guard let record = records.first else { return }
            XCTAssertEqual(bareJID(record["from"] as? String), dave.jid, "\(record)", file: file, line: line)
            XCTAssertEqual(record["encrypted"] as? String, "omemo", "\(record)", file: file, line: line)
            XCTAssertTrue(record.keys.contains("body") && record["body"] is NSNull, "body is not null: \(record)", file: file, line: line)
            XCTAssertFalse((record["error"] as? String ?? "").isEmpty, "no error: \(record)", file: file, line: line)
        }
        // No device here at all: listen without --omemo cannot decrypt, and says why.
        try peer.sendToOffline(omemoToken("for-the-lost-device-1"), to: carol.jid)
        assertUndecrypted(try cli.listen(["--count", "1"]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.storeDirectory.path), "listen without --omemo made a store")

        // A new device: the message is not encrypted for it.
        try peer.sendToOffline(omemoToken("for-the-lost-device-2"), to: carol.jid)
        assertUndecrypted(try cli.listen(["--omemo", "--count", "1"]))
        let newDevice = try cli.storedDeviceID()
        XCTAssertNotEqual(newDevice, oldDevice)

        let body = omemoToken("for-the-new-device")
        try peer.sendToOffline(body, to: carol.jid)
        let records = try cli.listen(["--count", "1"])
        XCTAssertEqual(records.count, 1, "\(records)")
        XCTAssertEqual(records.first?["body"] as? String, body, "\(records)")
        XCTAssertEqual(records.first?["fingerprint"] as? String, peer.groupedFingerprint, "\(records)")
        try peer.quit()
    }

    /// A device list that names a device without a bundle: alone it is 77 with nothing sent;
    /// beside a real device the send goes to that one, with a warning naming the other.
    func testADeviceWithoutABundleIsSkippedOrRefused() throws {
        let (grace, heidi) = (try account("grace"), try account("heidi"))
        let cli = client(grace)
        let phantom = 4242
        let publish = """
            <iq type='set' id='phantom-list'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
            <publish node='eu.siacs.conversations.axolotl.devicelist'><item id='current'>\
            <list xmlns='eu.siacs.conversations.axolotl'><device id='\(phantom)'/></list></item></publish>\
            <publish-options><x xmlns='jabber:x:data' type='submit'>\
            <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
            <field var='pubsub#access_model'><value>open</value></field></x></publish-options></pubsub></iq>

            """
        let raw = try runCLI(
            ["raw"] + ListenHarness.connection(heidi, server), environment: ["XMPP_PASSWORD": heidi.password],
            stdin: Data(publish.utf8))
        XCTAssertEqual(raw.exitCode, 0, raw.summary)
        XCTAssertTrue(
            raw.stdout.split(separator: "\n").contains { $0.contains("id='phantom-list'") && $0.contains("type='result'") },
            "the phantom device list was not published: \(raw.stdout)")

        let secret = omemoToken("to-phantom")
        let refused = try cli.send(secret, to: [heidi.jid])
        assertFailure(refused, exitCode: 77, secrets: [grace.password])
        XCTAssertTrue(refused.stderr.contains(heidi.jid), refused.summary)
        let marker = omemoToken("marker")
        try cli.sendPlain(marker, to: heidi.jid)

        // The peer adds its own device to the list, beside the phantom.
        let peer = try startPeer(heidi, store: "heidi-store")
        XCTAssertEqual(try peer.messages(from: grace.jid, before: marker).map(\.line), [], "the refused send sent something")
        let body = omemoToken("beside-phantom")
        let result = try cli.send(body, to: [heidi.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("\(phantom)"), "no warning naming the skipped device: \(result.summary)")
        try assertDecrypted(try peer.nextMessage(from: grace.jid), body, from: cli)
        XCTAssertFalse(try OMEMOServerFiles.contain(secret, on: server))
        try peer.quit()
    }

    /// 10. Two `send --omemo` at once on one account and store (a fresh one, so both want to
    /// make the device): both exit 0, with one device between them, the peer decrypts both,
    /// and the store is whole afterwards (a third send works).
    func testTwoConcurrentSendsShareOneStore() throws {
        let (erin, frank) = (try account("erin"), try account("frank"))
        let cli = client(erin)
        let peer = try startPeer(frank, store: "frank-store")
        let bodies = [omemoToken("concurrent-1"), omemoToken("concurrent-2")]
        let sends = try bodies.map {
            try BackgroundCLI(["send", "--omemo"] + cli.connection + ["-m", $0, frank.jid], environment: cli.environment)
        }
        let results = try sends.map { try $0.wait(timeout: 60) }
        for result in results {
            XCTAssertEqual(result.exitCode, 0, result.summary)
            XCTAssertEqual(result.stderr, "", result.summary)
        }
        let deviceID = try cli.storedDeviceID()
        let got = try (0..<2).map { _ in try peer.nextMessage(from: erin.jid) }
        XCTAssertEqual(Set(got.compactMap(\.body)), Set(bodies), got.map(\.line).joined(separator: "\n"))
        for event in got {
            XCTAssertEqual(event.encrypted, true, event.line)
            XCTAssertNil(event.error, event.line)
            XCTAssertEqual(event.senderDevice, deviceID, "not the stored device: \(event.line)")
        }
        XCTAssertEqual(try peer.devices(of: erin.jid).map(\.device), [deviceID], "the two sends published two devices")

        let third = omemoToken("after-concurrent")
        try cli.sendEncrypted(third, to: frank.jid)
        try assertDecrypted(try peer.nextMessage(from: erin.jid), third, from: cli)
        try assertOwnerOnly(cli)
        try peer.quit()
    }

    /// A conversation both ways while `listen` runs and each reply is a `send --omemo` of its
    /// own on the same store: every message of either side decrypts, so neither the listener
    /// nor the sends lose the other's ratchet steps.
    func testAConversationWithListenAndSendsOnOneStore() throws {
        let (us, them) = (try account("listener1"), try account("listener2"))
        let cli = client(us)
        let peer = try startPeer(them, store: "peer-store")
        let rounds = 3
        let listener = try cli.startListener(["--omemo", "--format", "json", "--count", String(rounds)])
        var theirs: [String] = []
        for round in 1...rounds {
            let ours = omemoToken("ours-\(round)")
            try cli.sendEncrypted(ours, to: them.jid)
            try assertDecrypted(try peer.nextMessage(from: us.jid), ours, from: cli)
            theirs.append(omemoToken("theirs-\(round)"))
            try peer.send(theirs[round - 1], to: us.jid)
            try listener.waitForLines(round, timeout: 20)
        }
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.compactMap { $0["body"] as? String }, theirs, result.stdout)
        XCTAssertEqual(records.compactMap { $0["fingerprint"] as? String }, Array(repeating: peer.groupedFingerprint, count: rounds))
        try peer.quit()
    }

    /// The store's lock is held (flock) by another: a run waits for it, and gives up with
    /// exit 75 and one line at its --timeout; once it is free the same run goes through.
    func testALockedStoreMakesARunWaitThenGiveUp() throws {
        let ivan = try account("ivan")
        let cli = client(ivan)
        _ = try cli.fingerprint()
        let lock = open(cli.storeDirectory.appendingPathComponent("lock").path, O_RDWR | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(lock, 0)
        defer { close(lock) }
        XCTAssertEqual(flock(lock, LOCK_EX | LOCK_NB), 0, "the store is locked by a run that should have ended")

        let waited = try runCLI(
            ["omemo", "fingerprint"] + cli.connection.dropLast(2) + ["--timeout", "2"], environment: cli.environment, timeout: 30)
        assertFailure(waited, exitCode: 75, secrets: [ivan.password])
        XCTAssertTrue(waited.stderr.contains("stayed locked by another xmpp-cli until the time-out"), waited.summary)
        flock(lock, LOCK_UN)
        let fingerprint = try cli.fingerprint()
        XCTAssertEqual(fingerprint, try cli.storedFingerprint())
    }

    /// 11. The store directory is 0700 and its files 0600, even under umask 0 (whatever
    /// made them did not leave it to the umask) and when the directory was there already,
    /// open to all; it holds only device, trust and lock. A file others may read, or a
    /// damaged one, is exit 78.
    func testTheStoreIsOwnerOnlyUnderAnyUmask() throws {
        let ivan = try account("ivan")
        let cli = client(ivan)
        let previous = umask(0)
        defer { umask(previous) }
        try FileManager.default.createDirectory(
            at: cli.storeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        XCTAssertEqual(try omemoMode(cli.storeDirectory).permissions, 0o755)
        let fingerprint = try cli.fingerprint()
        try assertOwnerOnly(cli)
        // (ivan's other tests leave devices of their own on the server: only this one is "own".)
        XCTAssertEqual(try cli.devices([ivan.jid]).filter { $0.trust == "own" }.map(\.fingerprint), [fingerprint])
        try assertOwnerOnly(cli)

        // A file others may read, or a damaged one, is exit 78 naming it; nothing is overwritten.
        let device = cli.storeDirectory.appendingPathComponent("device")
        let trust = cli.storeDirectory.appendingPathComponent("trust")
        let kept = try Data(contentsOf: device)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: device.path)
        let readable = try cli.run(["omemo", "fingerprint"])
        assertFailure(readable, exitCode: 78, secrets: [ivan.password])
        XCTAssertTrue(readable.stderr.contains(device.path), readable.summary)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: device.path)
        try Data("xmpp-cli omemo trust 1\nnot a line of the trust file\n".utf8).write(to: trust)
        let damaged = try cli.run(["omemo", "fingerprint"])
        assertFailure(damaged, exitCode: 78, secrets: [ivan.password])
        XCTAssertTrue(damaged.stderr.contains(trust.path), damaged.summary)
        XCTAssertEqual(try Data(contentsOf: device), kept, "the device file changed")
        XCTAssertEqual(try String(contentsOf: trust, encoding: .utf8), "xmpp-cli omemo trust 1\nnot a line of the trust file\n")
    }
}
