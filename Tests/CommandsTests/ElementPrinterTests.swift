import XCTest
import XMPPProtocol

@testable import Commands

/// How `raw` shows elements: one a line for scripts, indented and decorated for people.
final class ElementPrinterTests: XCTestCase {
    private func element(_ text: String) throws -> XMLElement {
        let elements = try XMLFragmentParser().feed(Array(text.utf8))
        XCTAssertEqual(elements.count, 1, text)
        return elements[0]
    }

    private let plain = ElementPrinter(pretty: false, decorated: false, colour: false)

    /// A line break in text must not break the one-element-a-line shape; the line shown is
    /// still XML that means the same.
    func testOneLineForAnElementWithLineBreaksInItsText() throws {
        let message = try element("<message to='bob@localhost'><body>two\nlines</body></message>")
        let shown = plain.render(message, .received)
        XCTAssertFalse(shown.contains("\n"), shown)
        XCTAssertEqual(shown, "<message to='bob@localhost'><body>two&#10;lines</body></message>")
        XCTAssertEqual(try element(shown), message)
    }

    func testClientNamespaceIsImpliedOthersAreWritten() throws {
        let iq = try element("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>")
        XCTAssertEqual(plain.render(iq, .received), "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>")
    }

    func testPrettyIndentsTwoSpacesALevel() throws {
        let iq = try element("<iq type='result' id='v'><query xmlns='jabber:iq:version'><name>Prosody</name></query></iq>")
        let printer = ElementPrinter(pretty: true, decorated: false, colour: false)
        XCTAssertEqual(
            printer.render(iq, .received),
            "<iq type='result' id='v'>\n  <query xmlns='jabber:iq:version'>\n    <name>Prosody</name>\n  </query>\n</iq>")
    }

    /// Time, direction, and continuation lines lined up under the element's first line.
    func testDecoratedShowsTimeAndDirection() throws {
        let printer = ElementPrinter(pretty: true, decorated: true, colour: false)
        let iq = try element("<iq type='get' id='d'><ping xmlns='urn:xmpp:ping'/></iq>")
        let received = printer.render(iq, .received).split(separator: "\n").map(String.init)
        XCTAssertEqual(received.count, 3, "\(received)")
        XCTAssertNotNil(received[0].wholeMatch(of: /\d\d:\d\d:\d\d <- <iq type='get' id='d'>/), received[0])
        XCTAssertEqual(received[1], String(repeating: " ", count: 12) + "  <ping xmlns='urn:xmpp:ping'/>")
        XCTAssertEqual(received[2], String(repeating: " ", count: 12) + "</iq>")
        XCTAssertNotNil(printer.render(try element("<presence/>"), .sent).wholeMatch(of: /\d\d:\d\d:\d\d -> <presence\/>/))
        XCTAssertNotNil(printer.decorate("a note", .note).wholeMatch(of: /\d\d:\d\d:\d\d -- a note/))
    }

    func testColourOnlyWhenDecoratedAndAsked() throws {
        let presence = try element("<presence/>")
        let coloured = ElementPrinter(pretty: true, decorated: true, colour: true)
        XCTAssertTrue(coloured.render(presence, .received).hasPrefix("\u{1B}[36m"))
        XCTAssertTrue(coloured.render(presence, .sent).hasPrefix("\u{1B}[33m"))
        XCTAssertTrue(coloured.render(presence, .sent).hasSuffix("\u{1B}[0m<presence/>"), "the element itself is not coloured")
        for printer in [
            ElementPrinter(pretty: true, decorated: true, colour: false),
            ElementPrinter(pretty: false, decorated: false, colour: true),
        ] {
            XCTAssertFalse(printer.render(presence, .received).contains("\u{1B}"), "\(printer)")
        }
    }

    func testStreamEvents() {
        XCTAssertEqual(plain.render(.streamClosed, .received), "</stream:stream>")
    }

    func testClockIsHoursMinutesSeconds() {
        XCTAssertNotNil(ElementPrinter.clock().wholeMatch(of: /([01]\d|2[0-3]):[0-5]\d:[0-5]\d/), ElementPrinter.clock())
    }
}
