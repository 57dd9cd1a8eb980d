import XCTest
import XMPPProtocol

@testable import Commands

final class MessageInputTests: XCTestCase {
    func testRecipientsAreParsedAsJIDs() throws {
        let jids = try MessageInput.recipients(["bob@example.org", "room@conference.example.org/nick"])
        XCTAssertEqual(jids.map(\.description), ["bob@example.org", "room@conference.example.org/nick"])
    }

    func testInvalidRecipientIsDataError() {
        for bad in ["", "@example.org", "bob@", "b<ob@example.org", "bob@exa mple.org", "bob@example.org/"] {
            XCTAssertThrowsError(try MessageInput.recipients([bad]), bad) { error in
                XCTAssertEqual((error as? Failure)?.status, .dataError, bad)
            }
        }
    }

    func testMessageBodyIsKeptAsGiven() throws {
        XCTAssertEqual(try MessageInput.body(message: "a <&> b\nline 2\n", file: nil), "a <&> b\nline 2\n")
    }

    func testEmptyBodyIsDataError() {
        XCTAssertThrowsError(try MessageInput.body(message: "", file: nil)) { error in
            XCTAssertEqual((error as? Failure)?.status, .dataError)
        }
    }

    func testControlCharacterIsDataError() {
        XCTAssertThrowsError(try MessageInput.body(message: "bell \u{7}", file: nil)) { error in
            let failure = error as? Failure
            XCTAssertEqual(failure?.status, .dataError)
            XCTAssertTrue(failure?.message.contains("U+0007") ?? false, failure?.message ?? "")
        }
    }

    func testFileBodyDropsOneTrailingNewline() throws {
        let path = try temporaryFile(Array("line 1\nline 2\n\n".utf8))
        XCTAssertEqual(try MessageInput.body(message: nil, file: path), "line 1\nline 2\n")
    }

    func testNonUTF8FileIsDataError() throws {
        let path = try temporaryFile([0x68, 0x69, 0xFF, 0xFE])
        XCTAssertThrowsError(try MessageInput.body(message: nil, file: path)) { error in
            XCTAssertEqual((error as? Failure)?.status, .dataError)
        }
    }

    func testMissingFileIsNoInput() {
        XCTAssertThrowsError(try MessageInput.body(message: nil, file: "/nonexistent/body.txt")) { error in
            let failure = error as? Failure
            XCTAssertEqual(failure?.status, .noInput)
            XCTAssertTrue(failure?.message.contains("/nonexistent/body.txt") ?? false)
        }
    }

    func testFileOfOnlyANewlineIsEmpty() throws {
        let path = try temporaryFile(Array("\n".utf8))
        XCTAssertThrowsError(try MessageInput.body(message: nil, file: path)) { error in
            XCTAssertEqual((error as? Failure)?.status, .dataError)
        }
    }

    /// Text XML can carry passes, whatever its script; every control character XML forbids,
    /// and U+FFFE and U+FFFF, are refused, naming what was checked, which is made only then.
    func testCheckTextRefusesWhatXMLCannotCarry() throws {
        var described = 0
        func what() -> String {
            described += 1
            return "line 7"
        }
        for fine in ["plain", "tab\tline\ncr\r", "zürich 東京 ✓ \u{FFFD} \u{EFFF} \u{FEFF} 🚀", ""] {
            XCTAssertNoThrow(try MessageInput.checkText(fine, what: what()), fine.debugDescription)
        }
        XCTAssertEqual(described, 0)
        for (bad, code) in [("a\u{1}b", "0001"), ("\u{1F}", "001F"), ("x\u{FFFE}", "FFFE"), ("東京\u{FFFF}", "FFFF"), ("\u{0}", "0000")] {
            XCTAssertThrowsError(try MessageInput.checkText(bad, what: what()), bad.debugDescription) { error in
                XCTAssertEqual((error as? Failure)?.status, .dataError)
                XCTAssertEqual((error as? Failure)?.message, "line 7 contains the control character U+\(code), which XMPP cannot carry")
            }
        }
        XCTAssertEqual(described, 5)
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xmpp-cli-test-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
