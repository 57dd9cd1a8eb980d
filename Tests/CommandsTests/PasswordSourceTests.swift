import XCTest

@testable import Commands

final class PasswordSourceTests: XCTestCase {
    func testFirstLineWithoutLineEnding() throws {
        XCTAssertEqual(try PasswordSource.firstLine(Array("s3cret\r\nsecond\n".utf8), source: "t"), "s3cret")
        XCTAssertEqual(try PasswordSource.firstLine(Array("pässwörd".utf8), source: "t"), "pässwörd")
    }

    func testEmptyFirstLineIsConfigurationError() {
        XCTAssertThrowsError(try PasswordSource.firstLine(Array("\nsecond".utf8), source: "t")) { error in
            XCTAssertEqual((error as? Failure)?.status, .config)
        }
    }

    func testPasswordCommandOutputIsUsed() throws {
        XCTAssertEqual(try PasswordSource.password(file: nil, command: "printf 'from-command\\nignored\\n'", config: nil, account: "alice@example.org", interactive: false), "from-command")
    }

    func testFailingPasswordCommandShowsItsStderrButNotItsOutput() {
        XCTAssertThrowsError(try PasswordSource.password(file: nil, command: "echo leaked-secret; echo 'vault is locked' >&2; exit 3", config: nil, account: "alice@example.org", interactive: false)) { error in
            let failure = error as? Failure
            XCTAssertEqual(failure?.status, .config)
            XCTAssertTrue(failure?.message.contains("vault is locked") ?? false, failure?.message ?? "")
            XCTAssertTrue(failure?.message.contains("3") ?? false)
            XCTAssertFalse(failure?.message.contains("leaked-secret") ?? true)
        }
    }

    func testMissingPasswordFileIsNoInput() {
        XCTAssertThrowsError(try PasswordSource.password(file: "/nonexistent/pass", command: nil, config: nil, account: "alice@example.org", interactive: false)) { error in
            XCTAssertEqual((error as? Failure)?.status, .noInput)
        }
    }
}
