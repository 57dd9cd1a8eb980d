import XCTest

@testable import XMPPProtocol

/// AES from libcrypto, against the published test vectors, and GCM's refusal of anything altered.
final class CryptoCipherTests: XCTestCase {
    private func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

    /// The GCM specification's test case 2 (McGrew and Viega): zero key, IV and block.
    func testGCMMatchesTheSpecificationsTestCase() throws {
        let sealed = try Cipher.gcmSeal(key: [UInt8](repeating: 0, count: 16), iv: [UInt8](repeating: 0, count: 12), plaintext: [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(sealed.ciphertext, hex("0388dace60b6a392f328c2b971b2fe78"))
        XCTAssertEqual(sealed.tag, hex("ab6e47d42cec13bdf53a67b21257bddf"))
    }

    func testGCMOpensWhatItSealedAndRefusesAnyChange() throws {
        let key = Digest.randomBytes(16), iv = Digest.randomBytes(12)
        let plaintext = Array("disk full on db-3".utf8)
        let sealed = try Cipher.gcmSeal(key: key, iv: iv, plaintext: plaintext)
        XCTAssertEqual(try Cipher.gcmOpen(key: key, iv: iv, ciphertext: sealed.ciphertext, tag: sealed.tag), plaintext)
        var altered = sealed.ciphertext
        altered[3] ^= 1
        XCTAssertThrowsError(try Cipher.gcmOpen(key: key, iv: iv, ciphertext: altered, tag: sealed.tag))
        var tag = sealed.tag
        tag[0] ^= 0x80
        XCTAssertThrowsError(try Cipher.gcmOpen(key: key, iv: iv, ciphertext: sealed.ciphertext, tag: tag))
        XCTAssertThrowsError(try Cipher.gcmOpen(key: Digest.randomBytes(16), iv: iv, ciphertext: sealed.ciphertext, tag: sealed.tag))
        XCTAssertThrowsError(try Cipher.gcmSeal(key: Digest.randomBytes(15), iv: iv, plaintext: plaintext))
    }

    /// NIST SP 800-38A, F.2.1 (CBC-AES128) and F.5.1 (CTR-AES128), first block.
    func testCBCAndCTRMatchNISTVectors() throws {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c")
        let block = hex("6bc1bee22e409f96e93d7e117393172a")
        let cbc = try Cipher.crypt(.cbcWithPKCS5Padding, encrypt: true, key: key, iv: hex("000102030405060708090a0b0c0d0e0f"), input: block)
        XCTAssertEqual(Array(cbc.prefix(16)), hex("7649abac8119b246cee98e9b12e9197d"))
        XCTAssertEqual(cbc.count, 32, "a whole block of PKCS#5 padding follows a full block")
        XCTAssertEqual(try Cipher.crypt(.cbcWithPKCS5Padding, encrypt: false, key: key, iv: hex("000102030405060708090a0b0c0d0e0f"), input: cbc), block)
        let ctr = try Cipher.crypt(.counter, encrypt: true, key: key, iv: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), input: block)
        XCTAssertEqual(ctr, hex("874d6191b620e3261bef6864990db6ce"))
        XCTAssertThrowsError(try Cipher.crypt(.counter, encrypt: true, key: key, iv: [1, 2, 3], input: block))
    }
}
