import XCTest
import XMPPProtocol

/// Hash, HMAC and PBKDF2 against published test vectors.
final class CryptoDigestTests: XCTestCase {
    func testHashesOfABCMatchFIPS180Examples() {
        let abc = Array("abc".utf8)
        XCTAssertEqual(hex(Digest.hash(.sha1, abc)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex(Digest.hash(.sha256, abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            hex(Digest.hash(.sha384, abc)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        XCTAssertEqual(
            hex(Digest.hash(.sha512, abc)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    func testHashOfEmptyInput() {
        XCTAssertEqual(hex(Digest.hash(.sha256, [])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// RFC 4231 test case 1 (and RFC 2202 test case 1 for SHA-1).
    func testHMACWithTwentyByteKey() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let data = Array("Hi There".utf8)
        XCTAssertEqual(hex(Digest.hmac(.sha1, key: key, data: data)), "b617318655057264e28bc0b6fb378c8ef146be00")
        XCTAssertEqual(
            hex(Digest.hmac(.sha256, key: key, data: data)),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(
            hex(Digest.hmac(.sha384, key: key, data: data)),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6")
        XCTAssertEqual(
            hex(Digest.hmac(.sha512, key: key, data: data)),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
    }

    /// RFC 4231 test case 2 (and RFC 2202 test case 2 for SHA-1): a key shorter than the output.
    func testHMACWithShortKey() {
        let key = Array("Jefe".utf8)
        let data = Array("what do ya want for nothing?".utf8)
        XCTAssertEqual(hex(Digest.hmac(.sha1, key: key, data: data)), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        XCTAssertEqual(
            hex(Digest.hmac(.sha256, key: key, data: data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(
            hex(Digest.hmac(.sha512, key: key, data: data)),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
    }

    /// RFC 4231 test case 6: a key longer than the block size is hashed first.
    func testHMACWithKeyLongerThanBlockSize() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let data = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        XCTAssertEqual(
            hex(Digest.hmac(.sha256, key: key, data: data)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        XCTAssertEqual(
            hex(Digest.hmac(.sha512, key: key, data: data)),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598")
    }

    /// An empty key must be a zero-length key, not OpenSSL's "reuse the previous key".
    /// Expected value from Python: hmac.new(b"", b"", "sha256").hexdigest().
    func testHMACWithEmptyKeyAndData() {
        XCTAssertEqual(
            hex(Digest.hmac(.sha256, key: [], data: [])),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    /// RFC 6070 (PBKDF2-HMAC-SHA1); the 16 777 216-iteration case is left out for time.
    func testPBKDF2SHA1MatchesRFC6070() throws {
        func derive(_ password: String, _ salt: String, _ iterations: Int, _ length: Int) throws -> String {
            hex(try Digest.pbkdf2(.sha1, password: Array(password.utf8), salt: Array(salt.utf8),
                              iterations: iterations, length: length))
        }
        XCTAssertEqual(try derive("password", "salt", 1, 20), "0c60c80f961f0e71f3a9b524af6012062fe037a6")
        XCTAssertEqual(try derive("password", "salt", 2, 20), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")
        XCTAssertEqual(try derive("password", "salt", 4096, 20), "4b007901b765489abead49d926f721d065a429c1")
        XCTAssertEqual(
            try derive("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038")
        XCTAssertEqual(try derive("pass\0word", "sa\0lt", 4096, 16), "56fa6aa75548099dcc37d7f03425e0c3")
    }

    /// RFC 7914 §11: PBKDF2-HMAC-SHA256, output longer than one hash block.
    func testPBKDF2SHA256MatchesRFC7914() throws {
        let derived = try Digest.pbkdf2(.sha256, password: Array("passwd".utf8), salt: Array("salt".utf8),
                                    iterations: 1, length: 64)
        XCTAssertEqual(
            hex(derived),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    func testRandomBytesHaveTheRequestedLengthAndDiffer() {
        XCTAssertEqual(Digest.randomBytes(0), [])
        let first = Digest.randomBytes(32)
        let second = Digest.randomBytes(32)
        XCTAssertEqual(first.count, 32)
        XCTAssertEqual(second.count, 32)
        // Two equal 256-bit draws would mean a broken generator (probability 2^-256).
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(first, [UInt8](repeating: 0, count: 32))
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(Digest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        XCTAssertTrue(Digest.constantTimeEquals([], []))
        XCTAssertFalse(Digest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(Digest.constantTimeEquals([1, 2, 3], [0, 2, 3]))
        XCTAssertFalse(Digest.constantTimeEquals([1, 2, 3], [1, 2]))
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
