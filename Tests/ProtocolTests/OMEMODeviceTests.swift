import XCTest

@testable import XMPPProtocol

/// Two devices in memory talk through libomemo-c: a session from a bundle, the pre-key
/// message that starts it on the other side, replies both ways, and the store's changes.
final class OMEMODeviceTests: XCTestCase {
    private let alice = OMEMOAddress(jid: "alice@example.org", device: 0)
    private let bob = OMEMOAddress(jid: "bob@example.org", device: 0)

    private func pair() throws -> (OMEMODevice, OMEMOAddress, OMEMODevice, OMEMOAddress) {
        let aliceDevice = try OMEMODevice(state: OMEMODevice.generate(now: 1_700_000_000_000))
        let bobDevice = try OMEMODevice(state: OMEMODevice.generate(now: 1_700_000_000_000))
        return (aliceDevice, OMEMOAddress(jid: alice.jid, device: aliceDevice.state.deviceID),
                bobDevice, OMEMOAddress(jid: bob.jid, device: bobDevice.state.deviceID))
    }

    func testANewDeviceHasKeysAndAHundredPreKeys() throws {
        let state = try OMEMODevice.generate(now: 1_700_000_000_000)
        XCTAssertTrue((1...UInt32(Int32.max)).contains(state.deviceID))
        XCTAssertEqual(state.identityPublicKey.count, 33)
        XCTAssertEqual(state.identityPublicKey.first, 0x05)
        XCTAssertEqual(state.identityPrivateKey.count, 32)
        XCTAssertEqual(state.preKeys.count, 100)
        let bundle = try OMEMODevice(state: state).bundle()
        XCTAssertEqual(bundle.preKeys.count, 100)
        XCTAssertEqual(bundle.identityKey, state.identityPublicKey)
        XCTAssertEqual(bundle.signedPreKey.count, 33)
        XCTAssertEqual(bundle.signedPreKeySignature.count, 64)
        XCTAssertNotEqual(try OMEMODevice.generate(now: 1).identityPublicKey, state.identityPublicKey)
    }

    func testASessionFromABundleCarriesKeysBothWays() throws {
        let (aliceDevice, aliceAddress, bobDevice, bobAddress) = try pair()
        try aliceDevice.startSession(with: bobAddress, bundle: bobDevice.bundle())
        let key = Digest.randomBytes(32)
        let first = try aliceDevice.encrypt(key, for: bobAddress)
        XCTAssertTrue(first.isPreKeyMessage, "the first message starts the session on the other side")
        XCTAssertEqual(try bobDevice.decrypt(first, from: aliceAddress), key)
        XCTAssertEqual(bobDevice.state.preKeys.count, 99, "the pre-key used is gone")
        XCTAssertNotNil(bobDevice.state.identities[aliceAddress])
        XCTAssertTrue(try bobDevice.replenishPreKeys())
        XCTAssertEqual(bobDevice.state.preKeys.count, 100)
        XCTAssertFalse(try bobDevice.replenishPreKeys())

        let reply = Digest.randomBytes(32)
        let answer = try bobDevice.encrypt(reply, for: aliceAddress)
        XCTAssertFalse(answer.isPreKeyMessage)
        XCTAssertEqual(try aliceDevice.decrypt(answer, from: bobAddress), reply)
        let second = try aliceDevice.encrypt(key, for: bobAddress)
        XCTAssertFalse(second.isPreKeyMessage, "once answered, the session is established")
        XCTAssertEqual(try bobDevice.decrypt(second, from: aliceAddress), key)
    }

    func testStateSurvivesAReloadAndReplaysAreRefused() throws {
        let (aliceDevice, aliceAddress, bobDevice, bobAddress) = try pair()
        try aliceDevice.startSession(with: bobAddress, bundle: bobDevice.bundle())
        let message = try aliceDevice.encrypt([1, 2, 3], for: bobAddress)
        XCTAssertEqual(try bobDevice.decrypt(message, from: aliceAddress), [1, 2, 3])
        let reloaded = try OMEMODevice(state: bobDevice.state)
        let next = try aliceDevice.encrypt([4, 5], for: bobAddress)
        XCTAssertEqual(try reloaded.decrypt(next, from: aliceAddress), [4, 5])
        XCTAssertThrowsError(try reloaded.decrypt(next, from: aliceAddress)) { error in
            XCTAssertEqual((error as? OMEMOError)?.code, -1001, "\(error)")
        }
    }

    func testGarbageAndUnknownSendersAreErrorsNotCrashes() throws {
        let (_, aliceAddress, bobDevice, _) = try pair()
        for data in [[], [0x33], Digest.randomBytes(80), [UInt8](repeating: 0xff, count: 300)] {
            for isPreKey in [true, false] {
                XCTAssertThrowsError(try bobDevice.decrypt(OMEMOEncryptedKey(data: data, isPreKeyMessage: isPreKey), from: aliceAddress))
            }
        }
        XCTAssertThrowsError(try bobDevice.encrypt([1], for: aliceAddress), "no session yet")
    }

    func testFingerprintsAreGroupedAsConversationsShowsThem() {
        let key = [0x05] + (0..<32).map { UInt8($0) }
        XCTAssertEqual(
            OMEMODevice.fingerprint(ofIdentityKey: key),
            "00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f")
    }

    func testDescriptionsHideThePrivateKey() throws {
        let state = try OMEMODevice.generate(now: 1)
        let text = "\(state)" + String(reflecting: state)
        XCTAssertFalse(text.contains(Hex.encode(state.identityPrivateKey)))
        XCTAssertTrue(text.contains("redacted"))
    }
}
