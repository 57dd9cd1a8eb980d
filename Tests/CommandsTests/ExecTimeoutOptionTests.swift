import XCTest

@testable import Commands

/// `listen --exec-timeout`: a positive number of seconds, and only with `--exec`.
final class ExecTimeoutOptionTests: XCTestCase {
    func testExecTimeoutIsValidated() {
        for arguments in [
            ["--exec", "cat", "--exec-timeout", "0"], ["--exec", "cat", "--exec-timeout", "-1"],
            ["--exec", "cat", "--exec-timeout", "nan"], ["--exec", "cat", "--exec-timeout", "inf"],
            ["--exec-timeout", "5"],
        ] {
            XCTAssertThrowsError(try Listen.parse(arguments), "\(arguments) was accepted")
        }
        XCTAssertNoThrow(try Listen.parse(["--exec", "cat", "--exec-timeout", "0.5"]))
        XCTAssertNoThrow(try Listen.parse(["--exec", "cat"]))
    }
}
