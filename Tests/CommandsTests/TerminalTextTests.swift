import XCTest

@testable import Commands

/// The one escaper for text shown as text (records, tables, errors, progress).
final class TerminalTextTests: XCTestCase {
    func testWhatATerminalActsOnIsEscaped() {
        XCTAssertEqual(
            TerminalText.escape("a\u{1B}[2J\u{7}\u{7F}\u{85}\u{9B}\u{2028}\u{202E}z"),
            "a\\e[2J\\x{7}\\x{7f}\\x{85}\\x{9b}\\x{2028}\\x{202e}z")
        XCTAssertEqual(TerminalText.escape("tab\tcr\rlf\nback\\slash"), "tab\\tcr\\rlf\\nback\\\\slash")
        XCTAssertEqual(TerminalText.escape("é 你好 🚀 ok"), "é 你好 🚀 ok")
    }

    func testNewlinesCanBeKeptForTheCallerToPlace() {
        XCTAssertEqual(TerminalText.escape("one\ntwo\u{1B}", newlines: .kept), "one\ntwo\\e")
    }

    /// A literal backslash sequence never reads like an escaped character.
    func testEscapesAreUnambiguous() {
        XCTAssertNotEqual(TerminalText.escape("\\e"), TerminalText.escape("\u{1B}"))
        XCTAssertNotEqual(TerminalText.escape("\\x{7}"), TerminalText.escape("\u{7}"))
    }

    /// The core quotes what it was given; everything written to stderr goes through here.
    func testErrorLinesFromCoreTextAreSafe() {
        let line = Diagnostics.singleLine("invalid JID \"a@b/\u{1B}[31m\nfake line\u{202E}\"")
        XCTAssertEqual(line, "invalid JID \"a@b/\\e[31m\\nfake line\\x{202e}\"")
    }
}
