import XCTest
import XMPPProtocol

/// SASLprep as applied to usernames and passwords (RFC 4013 §3 examples where they apply).
final class SASLprepTests: XCTestCase {
    func testASCIIIsUnchanged() throws {
        let ascii = "user !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~"
        XCTAssertEqual(try SASLprep.prepare(ascii), ascii)
    }

    func testSoftHyphenIsRemoved() throws {
        XCTAssertEqual(try SASLprep.prepare("I\u{AD}X"), "IX")  // RFC 4013 §3 example 1
    }

    func testCommonlyMappedToNothingCharactersAreRemoved() throws {
        XCTAssertEqual(try SASLprep.prepare("a\u{34F}b\u{200D}c\u{FE0F}d\u{FEFF}e\u{1806}f"), "abcdef")
    }

    func testNonASCIISpacesBecomeSpace() throws {
        XCTAssertEqual(try SASLprep.prepare("a\u{A0}b\u{2003}c\u{3000}d\u{200B}e"), "a b c d e")
    }

    func testResultIsNFC() throws {
        XCTAssertEqual(try SASLprep.prepare("e\u{301}"), "\u{E9}")
        XCTAssertEqual(Array(try SASLprep.prepare("A\u{30A}").unicodeScalars), ["\u{C5}"])
    }

    func testControlCharactersAreProhibited() {
        // RFC 4013 §3 example 5 (U+0007), plus NUL, DEL and a C1 control.
        for (input, code) in [("\u{7}", "U+0007"), ("a\u{0}b", "U+0000"), ("x\u{7F}", "U+007F"), ("\u{85}", "U+0085")] {
            XCTAssertThrowsError(try SASLprep.prepare(input)) { error in
                XCTAssertEqual((error as? SASLprep.Violation)?.reason, "contains the prohibited character \(code)")
            }
        }
    }

    func testOtherProhibitedCategoriesAreRejected() {
        let prohibited: [UInt32] = [
            0xE000, 0xF0000, 0x10FFFD,  // private use
            0xFDD0, 0xFFFE, 0x1FFFF,  // non-characters
            0xFFFD, 0x2FF0,  // not for plain text / canonical representation
            0x200E, 0x202E,  // display properties (bidi overrides)
            0xE0001, 0xE0041,  // tagging
            0x2028, 0x1D173,  // non-ASCII control
        ]
        let scalars = prohibited.compactMap(Unicode.Scalar.init)
        XCTAssertEqual(scalars.count, prohibited.count)
        for scalar in scalars {
            XCTAssertThrowsError(try SASLprep.prepare("ok" + String(scalar)), "U+\(String(scalar.value, radix: 16))")
        }
    }

    func testEmptyResultIsRejected() {
        XCTAssertThrowsError(try SASLprep.prepare(""))
        XCTAssertThrowsError(try SASLprep.prepare("\u{AD}\u{200D}"))  // everything mapped to nothing
    }
}

final class SASLprepCompatibilityTests: XCTestCase {
    /// OpaqueString (RFC 8265 §4.2) keeps compatibility characters; only canonical
    /// equivalents are folded, so "é" typed either way gives the same bytes.
    func testCanonicalButNotCompatibilityFolding() throws {
        XCTAssertEqual(try SASLprep.prepare("\u{2168}"), "\u{2168}")  // ROMAN NUMERAL NINE stays
        XCTAssertEqual(Array(try SASLprep.prepare("e\u{301}").utf8), Array("\u{E9}".utf8))
    }
}
