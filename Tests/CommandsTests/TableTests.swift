import XCTest

@testable import Commands

/// Text records: an aligned table on a terminal, tab-separated values otherwise; no value
/// can add a field or a line.
final class TableTests: XCTestCase {
    private func table(_ rows: [[String]]) -> Table {
        var table = Table(header: ["JID", "NAME", "GROUPS"])
        table.rows = rows
        return table
    }

    func testTabSeparatedHasNoHeaderAndOneLinePerRow() {
        let lines = table([["ann@example.com", "Ann", "a,b"], ["bob@example.com", "", ""]]).render(aligned: false)
        XCTAssertEqual(lines, ["ann@example.com\tAnn\ta,b", "bob@example.com\t\t"])
    }

    func testAlignedHasAHeaderAndPadsEachColumnToItsWidest() {
        let lines = table([["ann@example.com", "Ann", "friends"], ["b@example.com", "Robert", ""]]).render(aligned: true)
        XCTAssertEqual(
            lines,
            [
                "JID              NAME    GROUPS",
                "ann@example.com  Ann     friends",
                "b@example.com    Robert  ",
            ])
    }

    func testAlignedEmptyTableIsJustTheHeader() {
        XCTAssertEqual(table([]).render(aligned: true), ["JID  NAME  GROUPS"])
        XCTAssertEqual(table([]).render(aligned: false), [])
    }

    /// Escaped values keep the columns lined up: widths count the escaped text.
    func testAlignedWidthsCountEscapedValues() {
        let lines = table([["a\tb", "x", "y"], ["abcdef", "x", "y"]]).render(aligned: true)
        XCTAssertEqual(lines, ["JID     NAME  GROUPS", "a\\tb    x     y", "abcdef  x     y"])
    }

    func testTabsAndLineBreaksInValuesAreEscaped() {
        let lines = table([["a\tb", "line 1\nline 2\r\n", "back\\slash"]]).render(aligned: false)
        XCTAssertEqual(lines, ["a\\tb\tline 1\\nline 2\\r\\n\tback\\\\slash"])
        XCTAssertEqual(lines[0].split(separator: "\t", omittingEmptySubsequences: false).count, 3)
    }

    func testControlCharactersAreEscaped() {
        XCTAssertEqual(Table.escaped("\u{1B}[31mred\u{7F}\u{85}\u{9B}"), "\\e[31mred\\x{7f}\\x{85}\\x{9b}")
        XCTAssertEqual(Table.escaped("ok: é 你好 🚀"), "ok: é 你好 🚀")
    }

    /// Each escape is closed, so no two different values look the same.
    func testEscapesAreUnambiguous() {
        XCTAssertNotEqual(Table.escaped("\u{1}f"), Table.escaped("\u{1F}"))
        XCTAssertEqual(Table.escaped("\u{1}f"), "\\x{1}f")
        XCTAssertNotEqual(Table.escaped("\\t"), Table.escaped("\t"))
    }
}
