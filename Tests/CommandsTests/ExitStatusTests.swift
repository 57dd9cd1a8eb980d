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

    /// The core says what failed; the command line adds what to do, with its options.
    func testRemediesAreWordedHereNotInTheCore() {
        let cases: [(XMPPError, String)] = [
            (.timedOut("waiting for x"), "timed out waiting for x; check the server, or raise --timeout"),
            (.tls(.certificateNotTrusted("self-signed"), server: "s"), "the TLS certificate of s is not trusted: self-signed; check --ca-file or the server's certificate"),
            (.unreachable("no DNS", remedy: .checkDomainOrServer), "no DNS; check the domain or use --server"),
            (.refused("cannot join", remedy: .chooseAnotherNickname), "cannot join; choose another with --nick"),
            (.refused("no receipt"), "no receipt"),
        ]
        for (error, message) in cases {
            XCTAssertFalse(error.description.contains("--"), error.description)
            XCTAssertEqual(Failure(error).message, message)
        }
    }
}
