import Foundation
import XCTest

@testable import Commands

/// The JSON Lines encoder: RFC 8259 escaping, one line per record whatever the text holds.
final class JSONValueTests: XCTestCase {
    private func encoded(_ text: String) -> String { JSONValue.string(text).encoded }

    /// Decodes `encoded` with Foundation's parser, which must give back `text`.
    private func assertRoundTrip(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let json = "[" + encoded(text) + "]"
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        XCTAssertEqual(decoded, [text], json, file: file, line: line)
    }

    func testQuotesAndBackslashes() throws {
        XCTAssertEqual(encoded(#"say "hi" \o/"#), #""say \"hi\" \\o/""#)
        XCTAssertEqual(encoded(#"\""#), #""\\\"""#)
        try assertRoundTrip(#"\"\\"\\\"#)
    }

    func testLineBreaksAndTabsUseShortEscapes() {
        XCTAssertEqual(encoded("a\nb\rc\td"), #""a\nb\rc\td""#)
    }

    func testOtherControlCharactersUseUnicodeEscapes() throws {
        XCTAssertEqual(encoded("\u{0}\u{1}\u{8}\u{C}\u{1B}\u{1F}\u{7F}"), #""\u0000\u0001\u0008\u000c\u001b\u001f\u007f""#)
        let everyControl = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
        try assertRoundTrip(everyControl)
    }

    /// U+2028 and U+2029 are legal in JSON strings but end lines for some readers.
    func testLineAndParagraphSeparatorsAreEscaped() throws {
        XCTAssertEqual(encoded("a\u{2028}b\u{2029}c"), #""a\u2028b\u2029c""#)
        try assertRoundTrip("a\u{2028}b\u{2029}c")
    }

    func testOtherTextStaysAsUTF8() throws {
        let text = "Grüße — 你好 🚀 e\u{301} <&>'"
        XCTAssertEqual(encoded(text), "\"" + text + "\"")
        try assertRoundTrip(text)
    }

    func testEncodingIsOneLineWhateverTheInput() {
        let scalars = encoded("\n\r\u{2028}\u{2029}\u{B}\u{C}\u{1C}\u{1D}\u{1E}").unicodeScalars
        XCTAssertFalse(scalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" }, String(scalars))
    }

    func testObjectsKeepKeyOrderAndNest() throws {
        let value = JSONValue.object([
            ("z", .string("last?")), ("a", .number(-7)), ("flag", .bool(false)), ("none", .null),
            ("list", .array([.number(1), .string("two"), .array([]), .object([])])),
            ("key \"q\"", .optional(nil)), ("text", .optional("x")),
        ])
        XCTAssertEqual(
            value.encoded,
            #"{"z":"last?","a":-7,"flag":false,"none":null,"list":[1,"two",[],{}],"key \"q\"":null,"text":"x"}"#)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(value.encoded.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["a"] as? Int, -7)
        XCTAssertEqual(parsed["text"] as? String, "x")
        XCTAssertTrue(parsed["key \"q\""] is NSNull)
    }

    /// The encoder works on UTF-8 bytes; the rule is stated on scalars. Every scalar up to
    /// U+3000 (all the C0 and C1 controls, the separators and their neighbours sharing lead
    /// bytes), some beyond, and each between other text, must come out as the rule says.
    func testEveryScalarIsEncodedAsTheScalarRuleSays() {
        let scalars = (0...0x3000).compactMap(Unicode.Scalar.init) + ["\u{FEFF}", "\u{FFFD}", "\u{1F680}", "\u{10FFFF}"]
        for scalar in scalars {
            let text = String(scalar)
            XCTAssertEqual(encoded(text), Self.byTheRule(text), "U+\(String(scalar.value, radix: 16))")
            let surrounded = "a\u{E9}" + text + "\u{2027}z"
            XCTAssertEqual(encoded(surrounded), Self.byTheRule(surrounded), "U+\(String(scalar.value, radix: 16)) in text")
        }
        let all = String(String.UnicodeScalarView(scalars))
        XCTAssertEqual(encoded(all), Self.byTheRule(all))
    }

    /// Text with no byte that may start an escape is taken eight bytes at a time, in any
    /// language: mixtures of it and of everything that needs a look, at every length and
    /// offset, still come out as the rule says.
    func testLongMixedTextIsEncodedAsTheScalarRuleSays() {
        let pieces: [String] = ["a", "plain text", "\"", "\\", "\n", "\u{1}", "\u{1F}", " ", "~", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "é",
                                "\u{2028}", "\u{2029}", "\u{2027}", "東京", "🚀", "0123456789abcdef", "zürich café ✓ 東京 über"]
        var state: UInt64 = 20261201
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(state % 24) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            XCTAssertEqual(encoded(text), Self.byTheRule(text), text.debugDescription)
        }
    }

    /// The encoding is written into room made for the most it could take: text that is all
    /// escapes, the longest of them (a control character takes six bytes), nested, still fits
    /// and comes out whole, with the terminator after it.
    func testTheLongestEncodingsFitTheRoomMadeForThem() {
        let controls = String(repeating: "\u{1}", count: 1000), separators = String(repeating: "\u{2028}", count: 300)
        let value = JSONValue.object([
            ("c", .string(controls)), ("s", .array([.string(separators), .number(Int.min), .bool(false), .null, .array([])])),
            ("\u{1}", .object([("q\"", .string("\"\\"))])),
        ])
        let expected = "{\"c\":" + Self.byTheRule(controls) + ",\"s\":[" + Self.byTheRule(separators) + ",-9223372036854775808,false,null,[]],"
            + "\"\\u0001\":{\"q\\\"\":\"\\\"\\\\\"}}"
        XCTAssertEqual(value.encoded, expected)
        XCTAssertEqual(value.bytes(followedBy: UInt8(ascii: "\n")), Array((expected + "\n").utf8))
    }

    /// RFC 8259 §7 as `JSONValue` applies it, one scalar at a time.
    private static func byTheRule(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
