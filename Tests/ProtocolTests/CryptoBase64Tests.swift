import XCTest
import XMPPProtocol

/// Base64 against RFC 4648 §10, and strict rejection of anything else.
final class CryptoBase64Tests: XCTestCase {
    private let rfc4648Vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    func testEncodesRFC4648Vectors() {
        for (plain, encoded) in rfc4648Vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded, plain)
        }
    }

    func testDecodesRFC4648Vectors() {
        for (plain, encoded) in rfc4648Vectors {
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8), encoded)
        }
    }

    func testRoundTripsEveryByteValueAtEveryLength() {
        let bytes = (0..<256).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes.prefix(length))
            XCTAssertEqual(Base64.decode(Base64.encode(slice)), slice)
        }
    }

    func testRejectsMalformedInput() {
        let bad = [
            "Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v!AAA", "Zm-v", "Zm_v", "Zg=A",
            "Zm9vYmFy=", "é123",
        ]
        for text in bad { XCTAssertNil(Base64.decode(text), text) }
    }
}
