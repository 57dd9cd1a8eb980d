import XCTest
import XMPPProtocol

@testable import Commands

/// The mapping from the core's errors to CLI.md's exit codes.
final class ExitStatusTests: XCTestCase {
    func testEachErrorMapsToItsExitCode() {
        let cases: [(XMPPError, Int32)] = [
            (.unreachable("x"), 69),
            (.timedOut("x"), 75),
            (.connectionLost("x"), 74),
            (.streamError(StreamErrorCondition(condition: "host-unknown")), 76),
            (.protocolViolation("x"), 76),
            (.tlsUnavailable("x"), 77),
            (.tls(.certificateNotTrusted("x"), server: "s"), 77),
            (.tls(.handshakeFailed("x"), server: "s"), 77),
            (.authenticationFailed(mechanism: "SCRAM-SHA-1", reason: "x"), 77),
            (.stanzaError(StanzaError(type: "cancel", condition: "item-not-found")), 1),
        ]
        for (error, code) in cases {
            XCTAssertEqual(Failure(error).status.rawValue, code, "\(error)")
        }
    }

    func testMessagesAreOneLine() {
        let error = XMPPError.streamError(StreamErrorCondition(condition: "policy-violation", text: "line one\nline two\u{1b}[31m"))
        let line = Diagnostics.singleLine(Failure(error).message)
        XCTAssertFalse(line.contains("\n"))
        XCTAssertFalse(line.contains("\u{1b}"))
        XCTAssertTrue(line.contains("policy-violation"))
    }
}
