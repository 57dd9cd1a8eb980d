import XCTest

@testable import XMPPProtocol

/// OMEMO's XML: bundles, device lists and `<encrypted>` elements as other clients write
/// them, and what a hostile contact can put in them (errors, never traps).
final class OMEMOElementsTests: XCTestCase {
    private func element(_ xml: String) throws -> XMLElement {
        let parser = XMLFragmentParser(defaultNamespace: Namespace.omemoLegacy)
        return try XCTUnwrap(try parser.feed(Array(xml.utf8)).first)
    }

    func testABundleSurvivesXMLBothWays() throws {
        let bundle = try OMEMODevice(state: OMEMODevice.generate(now: 1)).bundle()
        let xml = OMEMOElements.bundle(bundle).serialized(parentNamespace: Namespace.client)
        XCTAssertEqual(try OMEMOElements.bundle(from: element(xml)), bundle)
    }

    func testABundleWithLineBrokenBase64AndSomeBadPreKeysIsRead() throws {
        let key = Base64.encode([0x05] + [UInt8](repeating: 7, count: 32))
        let wrapped = String(key.prefix(20)) + "\n  " + String(key.dropFirst(20))
        let bundle = try OMEMOElements.bundle(from: element("""
            <bundle xmlns='eu.siacs.conversations.axolotl'><signedPreKeyPublic signedPreKeyId='3'>\(wrapped)</signedPreKeyPublic>\
            <signedPreKeySignature>\(Base64.encode([UInt8](repeating: 1, count: 64)))</signedPreKeySignature>\
            <identityKey>\(key)</identityKey><prekeys><preKeyPublic preKeyId='x'>\(key)</preKeyPublic>\
            <preKeyPublic preKeyId='9'>!!</preKeyPublic><preKeyPublic preKeyId='10'>\(key)</preKeyPublic></prekeys></bundle>
            """))
        XCTAssertEqual(bundle.signedPreKeyID, 3)
        XCTAssertEqual(bundle.signedPreKey.count, 33)
        XCTAssertEqual(bundle.preKeys.map(\.id), [10])
    }

    func testBundlesMissingAPartAreErrorsNamingIt() throws {
        let key = Base64.encode([0x05] + [UInt8](repeating: 7, count: 32))
        let parts = [
            "<signedPreKeyPublic signedPreKeyId='1'>\(key)</signedPreKeyPublic>",
            "<signedPreKeySignature>\(key)</signedPreKeySignature>", "<identityKey>\(key)</identityKey>",
            "<prekeys><preKeyPublic preKeyId='1'>\(key)</preKeyPublic></prekeys>",
        ]
        for missing in parts.indices {
            let xml = "<bundle xmlns='eu.siacs.conversations.axolotl'>" + parts.enumerated().filter { $0.offset != missing }.map(\.element).joined() + "</bundle>"
            XCTAssertThrowsError(try OMEMOElements.bundle(from: element(xml)), "without part \(missing)")
        }
    }

    func testDeviceListsKeepOnlyValidIDsOnce() throws {
        let list = try element("""
            <list xmlns='eu.siacs.conversations.axolotl'><device id='5'/><device id='5'/><device id='0'/><device id='-3'/>\
            <device id='2147483648'/><device id='12x'/><device/><device id='2147483647'/><device id='42'/></list>
            """)
        XCTAssertEqual(OMEMOElements.devices(in: list), [5, 42, 2_147_483_647])
        XCTAssertEqual(OMEMOElements.devices(in: OMEMOElements.deviceList([9, 3, 9])), [3, 9])
    }

    func testAnEnvelopeSurvivesXMLBothWaysAndKeysForOthersAreKept() throws {
        let envelope = OMEMOEnvelope(
            senderDevice: 77, keys: [(5, OMEMOEncryptedKey(data: [1, 2, 3], isPreKeyMessage: true)), (6, OMEMOEncryptedKey(data: [4], isPreKeyMessage: false))],
            iv: [UInt8](repeating: 9, count: 12), payload: [8, 8, 8])
        let parsed = try OMEMOEnvelope(element: element(envelope.element.serialized(parentNamespace: Namespace.client)))
        XCTAssertEqual(parsed, envelope)
        XCTAssertEqual(parsed.key(for: 5), OMEMOEncryptedKey(data: [1, 2, 3], isPreKeyMessage: true))
        XCTAssertNil(parsed.key(for: 7))
        let transport = OMEMOEnvelope(senderDevice: 1, keys: [], iv: [1], payload: nil)
        XCTAssertNil(try OMEMOEnvelope(element: element(transport.element.serialized(parentNamespace: Namespace.client))).payload)
    }

    func testHostileEnvelopesAreErrors() throws {
        let iv = "<iv>AAAAAAAAAAAAAAAA</iv>"
        for xml in [
            "<encrypted xmlns='eu.siacs.conversations.axolotl'/>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header>\(iv)</header></encrypted>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='0'>\(iv)</header></encrypted>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='99999999999'>\(iv)</header></encrypted>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'/></encrypted>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><iv>***</iv></header></encrypted>",
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>\(iv)</header><payload>%%</payload></encrypted>",
        ] {
            XCTAssertThrowsError(try OMEMOEnvelope(element: element(xml)), xml)
        }
        // Unreadable keys are left out, not fatal: they may be meant for devices of other clients.
        let envelope = try OMEMOEnvelope(element: element(
            "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='x'>AAAA</key><key rid='2'>??</key><key rid='3' prekey='1'>AAAA</key>\(iv)</header></encrypted>"))
        XCTAssertEqual(envelope.keys.map(\.device), [3])
        XCTAssertTrue(envelope.keys[0].key.isPreKeyMessage)
    }

    func testThePayloadOpensWithKeyAndTagOrTheOlderLayout() throws {
        let sealed = try OMEMOPayload.seal(Array("über-secret".utf8))
        XCTAssertEqual(sealed.keyAndTag.count, 32)
        XCTAssertEqual(sealed.iv.count, 12)
        XCTAssertEqual(try OMEMOPayload.open(keyAndTag: sealed.keyAndTag, iv: sealed.iv, ciphertext: sealed.ciphertext), Array("über-secret".utf8))
        // Older clients: a 16-byte key, the tag after the ciphertext.
        XCTAssertEqual(
            try OMEMOPayload.open(keyAndTag: Array(sealed.keyAndTag.prefix(16)), iv: sealed.iv, ciphertext: sealed.ciphertext + sealed.keyAndTag.suffix(16)),
            Array("über-secret".utf8))
        XCTAssertThrowsError(try OMEMOPayload.open(keyAndTag: [1, 2], iv: sealed.iv, ciphertext: sealed.ciphertext))
        var wrong = sealed.keyAndTag
        wrong[20] ^= 1
        XCTAssertThrowsError(try OMEMOPayload.open(keyAndTag: wrong, iv: sealed.iv, ciphertext: sealed.ciphertext))
        XCTAssertThrowsError(try OMEMOPayload.open(keyAndTag: sealed.keyAndTag, iv: [], ciphertext: sealed.ciphertext))
    }
}
