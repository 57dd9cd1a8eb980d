import ArgumentParser
import XCTest
import XMPPProtocol

@testable import Commands

/// `listen`'s options and its reconnection policy.
final class ListenerTests: XCTestCase {
    /// A lost or timed-out connection may come back; a refused login or an untrusted
    /// certificate will not, and retrying them forever would hide the problem.
    func testOnlyTransientFailuresAreRetried() {
        let retryable: [XMPPError] = [
            .unreachable("x"), .timedOut("x"), .connectionLost("x"),
            .streamError(StreamErrorCondition(condition: "system-shutdown")),
        ]
        let final: [XMPPError] = [
            .authenticationFailed(mechanism: "SCRAM-SHA-1", reason: "x"), .tlsUnavailable("x"),
            .tls(.certificateNotTrusted("x"), server: "s"), .protocolViolation("x"), .refused("x"),
            .stanzaError(StanzaError(type: "cancel", condition: "forbidden")),
        ]
        for error in retryable { XCTAssertTrue(Listener.isRetryable(error), "\(error)") }
        for error in final { XCTAssertFalse(Listener.isRetryable(error), "\(error)") }
    }

    func testKeepaliveNoticesADeadConnectionWithinAMinute() {
        XCTAssertLessThanOrEqual(2 * Listener.keepaliveSeconds, 60)
        XCTAssertGreaterThan(Listener.keepaliveSeconds, 0)
    }

    func testOptionsAreValidated() {
        for arguments in [
            ["--count", "0"], ["--count", "-3"], ["--duration", "0"], ["--duration", "nan"],
            ["--idle-timeout", "-1"], ["--idle-timeout", "inf"], ["--nick", "n"], ["--format", "yaml"],
        ] {
            XCTAssertThrowsError(try Listen.parse(arguments), "\(arguments) was accepted")
        }
        XCTAssertNoThrow(try Listen.parse([
            "--format", "json", "--count", "3", "--duration", "0.5", "--idle-timeout", "2", "--room", "r@muc.example.org",
            "--nick", "n", "--from", "a@example.org", "--from", "b@example.org/res", "--carbons", "--presence", "--iq",
            "--reconnect", "--exec", "cat",
        ]))
    }
}
