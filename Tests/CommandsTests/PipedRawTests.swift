import XCTest
import XMPPProtocol

@testable import Commands

/// How `raw` reports bad input on stdin (exit 65, with where) and a missing answer.
final class PipedRawTests: XCTestCase {
    /// The error the fragment parser gives for `input`.
    private func inputError(_ input: String) -> XMLStreamError? {
        let parser = XMLFragmentParser()
        do {
            _ = try parser.feed(Array(input.utf8))
            try parser.finish()
            return nil
        } catch {
            return error
        }
    }

    func testMalformedInputIsExit65WithLineAndColumn() throws {
        let error = try XCTUnwrap(inputError("<presence/>\n<message><body>x</bod></message>"))
        let failure = PipedRaw.inputFailure(error)
        XCTAssertEqual(failure.status, .dataError)
        XCTAssertEqual(failure.status.rawValue, 65)
        XCTAssertTrue(failure.message.hasPrefix("standard input, line 2, column 23: "), failure.message)
        XCTAssertTrue(failure.message.hasSuffix("; nothing of that element was sent"), failure.message)
        XCTAssertFalse(failure.message.contains("\n"), failure.message)
    }

    func testRestrictedXMLNamesTheConstructAndTheRule() throws {
        let error = try XCTUnwrap(inputError("<message><!-- aside --></message>"))
        let failure = PipedRaw.inputFailure(error)
        XCTAssertEqual(failure.status, .dataError)
        XCTAssertTrue(failure.message.hasPrefix("standard input, line 1, column "), failure.message)
        XCTAssertTrue(failure.message.contains("comment is not allowed in XMPP (RFC 6120 §11)"), failure.message)
    }

    func testInputEndingInsideAnElement() throws {
        let error = try XCTUnwrap(inputError("<message>\n<body>"))
        let failure = PipedRaw.inputFailure(error)
        XCTAssertEqual(failure.status, .dataError)
        XCTAssertTrue(failure.message.contains("end of input inside <body>"), failure.message)
    }

    func testLimitsAreExit65Too() {
        XCTAssertEqual(
            PipedRaw.inputFailure(.tooDeep(limit: 32)).message,
            "standard input, an element: nested deeper than 32 levels; nothing of that element was sent")
        XCTAssertEqual(
            PipedRaw.inputFailure(.stanzaTooLarge(limit: 1024)).message,
            "standard input, an element: larger than 1024 bytes; nothing of that element was sent")
        XCTAssertEqual(PipedRaw.inputFailure(.stanzaTooLarge(limit: 1024)).status, .dataError)
    }

    func testWaitIsShownInSeconds() {
        XCTAssertEqual(PipedRaw.seconds(5), "5 s")
        XCTAssertEqual(PipedRaw.seconds(0.5), "0.5 s")
        XCTAssertEqual(PipedRaw.seconds(1.25), "1.25 s")
    }
}
