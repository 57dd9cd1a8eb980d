import XCTest
import XMPPProtocol

/// Key material is zeroed in the buffer that holds it, not in a copy.
final class CryptoKeyMaterialTests: XCTestCase {
    func testWipeZeroesTheArraysOwnBufferAndKeepsItsCount() {
        var key = Array("salted password bytes".utf8)
        let before = key.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        KeyMaterial.wipe(&key)
        XCTAssertEqual(key, [UInt8](repeating: 0, count: 21))
        XCTAssertEqual(key.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }, before, "a copy was wiped")
    }

    func testWipeOfAnEmptyArrayIsHarmless() {
        var nothing: [UInt8] = []
        KeyMaterial.wipe(&nothing)
        XCTAssertEqual(nothing, [])
    }
}
