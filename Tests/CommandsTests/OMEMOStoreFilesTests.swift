import XCTest
import XMPPProtocol

@testable import Commands

/// The OMEMO store's two files: the device (keys and sessions) and the trust decisions.
final class OMEMOStoreFilesTests: XCTestCase {
    private func stateWithASession() throws -> OMEMOState {
        let alice = try OMEMODevice(state: OMEMODevice.generate(now: 1))
        let bob = try OMEMODevice(state: OMEMODevice.generate(now: 1))
        let bobAddress = OMEMOAddress(jid: "bob@example.org", device: bob.state.deviceID)
        try alice.startSession(with: bobAddress, bundle: bob.bundle())
        _ = try alice.encrypt([1, 2, 3], for: bobAddress)
        return alice.state
    }

    func testTheDeviceFileReadsBackExactly() throws {
        let state = try stateWithASession()
        XCTAssertEqual(state.sessions.count, 1)
        let text = OMEMOStateFile.format(state)
        XCTAssertTrue(text.hasPrefix(OMEMOStateFile.header + "\n"))
        XCTAssertEqual(OMEMOStateFile.parse(text), state)
        // A reloaded device goes on with the session.
        let reloaded = try OMEMODevice(state: XCTUnwrap(OMEMOStateFile.parse(text)))
        XCTAssertTrue(reloaded.hasSession(with: state.sessions.keys.first!))
    }

    func testADamagedDeviceFileIsRefusedNotGuessed() throws {
        let text = OMEMOStateFile.format(try OMEMODevice.generate(now: 1))
        let lines = text.split(separator: "\n").map(String.init)
        let damaged = [
            "", "xmpp-cli omemo device 2\n" + lines.dropFirst().joined(separator: "\n") + "\n",
            String(text.dropLast()),  // no final newline: cut short
            text.replacingOccurrences(of: "device-id ", with: "device-id x"),
            text + "pre-key 5 zz\n", text + "unknown-line 1\n",
            lines.filter { !$0.hasPrefix("identity ") }.joined(separator: "\n") + "\n",
            lines.filter { !$0.hasPrefix("signed-pre-key ") }.joined(separator: "\n") + "\n",
            text.replacingOccurrences(of: "device-id \(try XCTUnwrap(OMEMOStateFile.parse(text)).deviceID)", with: "device-id 0"),
        ]
        for (index, variant) in damaged.enumerated() {
            XCTAssertNil(OMEMOStateFile.parse(variant), "variant \(index) was accepted")
        }
    }

    func testBlindTrustUntilADeviceIsTrustedByHand() {
        var trust = OMEMOTrust()
        let phone = OMEMOAddress(jid: "alice@example.org", device: 1)
        let laptop = OMEMOAddress(jid: "alice@example.org", device: 2)
        let tablet = OMEMOAddress(jid: "alice@example.org", device: 3)
        let key = { (byte: UInt8) in [0x05] + [UInt8](repeating: byte, count: 32) }
        XCTAssertEqual(trust.level(of: phone, identityKey: key(1), blindTrust: true), .blind)
        XCTAssertEqual(trust.level(of: laptop, identityKey: key(2), blindTrust: true), .blind)
        XCTAssertEqual(trust.set(.trusted, jid: phone.jid, fingerprint: OMEMOTrust.fingerprint(ofIdentityKey: key(1))), 1)
        XCTAssertEqual(trust.level(of: tablet, identityKey: key(3), blindTrust: true), .undecided, "a contact verified by hand gets no new blind trust")
        XCTAssertEqual(trust.level(of: laptop, identityKey: key(2), blindTrust: true), .blind, "earlier decisions stand")
        // A device id that shows a new identity key is a new device.
        XCTAssertEqual(trust.level(of: phone, identityKey: key(9), blindTrust: true), .undecided)
        XCTAssertEqual(trust.set(.distrusted, jid: laptop.jid, fingerprint: OMEMOTrust.fingerprint(ofIdentityKey: key(2))), 1)
        XCTAssertFalse(trust.entry(laptop)!.level.isTrusted)
        XCTAssertEqual(trust.set(.trusted, jid: "bob@example.org", fingerprint: OMEMOTrust.fingerprint(ofIdentityKey: key(2))), 0, "by contact, not only by key")
        var manual = OMEMOTrust()
        XCTAssertEqual(manual.level(of: phone, identityKey: key(1), blindTrust: false), .undecided)
        XCTAssertEqual(OMEMOTrust.parse(trust.formatted), trust)
    }

    func testFingerprintsAreReadInEveryWrittenForm() {
        let hex = "467802babb8527d47607f518f82b5549d5e730bd5b4c44efca1b35f469a05e28"
        for written in [
            hex, hex.uppercased(), "05" + hex, "467802ba bb8527d4 7607f518 f82b5549 d5e730bd 5b4c44ef ca1b35f4 69a05e28",
            "05:46:78:02:ba:bb:85:27:d4:76:07:f5:18:f8:2b:55:49:d5:e7:30:bd:5b:4c:44:ef:ca:1b:35:f4:69:a0:5e:28",
        ] {
            XCTAssertEqual(OMEMOTrust.normalized(written), hex, written)
        }
        for wrong in ["", "0000", String(hex.dropLast()), hex + "00", "zz" + hex.dropFirst(2), "06" + hex] {
            XCTAssertNil(OMEMOTrust.normalized(wrong), wrong)
        }
    }

    func testADamagedTrustFileIsRefused() {
        let good = OMEMOTrust.header + "\nalice@example.org 7 " + String(repeating: "ab", count: 32) + " blind\n"
        XCTAssertNotNil(OMEMOTrust.parse(good))
        for bad in [good.replacingOccurrences(of: " blind", with: " maybe"), good.replacingOccurrences(of: " 7 ", with: " x "),
                    String(good.dropLast()), "xmpp-cli omemo trust 9\n"] {
            XCTAssertNil(OMEMOTrust.parse(bad), bad)
        }
    }
}
