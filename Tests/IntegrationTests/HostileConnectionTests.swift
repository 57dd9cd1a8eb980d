import XCTest

/// Servers that drop the connection (a TCP reset) at each stage of a login, or send one
/// byte at a time (fakeserver/hostile_connection.py). A reset is a lost connection
/// (exit 74) wherever it comes; a slow server is fine within --timeout, and a server too
/// slow for it is cut off at --timeout (75), however steadily its bytes keep coming.
final class HostileConnectionTests: XCTestCase {
    func testResetAfterConnectExits74() throws {
        try assertHostile("reset-after-connect", exits: 74, neverSends: [Hostile.streamOverTLS, Hostile.account])
    }

    func testResetAfterTheStreamHeaderExits74() throws {
        try assertHostile("reset-after-header", exits: 74, neverSends: [Hostile.streamOverTLS, Hostile.account])
    }

    func testResetAfterProceedExits74() throws {
        try assertHostile("reset-after-proceed", exits: 74, neverSends: [Hostile.account])
    }

    func testResetInTheMiddleOfTheTLSHandshakeExits74() throws {
        try assertHostile("reset-mid-tls-handshake", exits: 74, neverSends: [Hostile.account])
    }

    func testResetDuringSASLExits74() throws {
        try assertHostile("reset-mid-sasl", exits: 74, neverSends: [Hostile.message])
    }

    func testResetAfterBindExits74() throws { try assertHostile("reset-after-bind", exits: 74) }

    func testResetBeforeTheAckExits74SayingNothingWasConfirmed() throws {
        let run = try assertHostile("cut-before-ack", exits: 74)
        XCTAssertTrue(run.result.stderr.contains("0 of 1 message"), run.result.summary)
    }

    /// One byte at a time, each in its own TLS record once encrypted: slow, not broken.
    /// The login's 1.5 kB take about 2 s, hence a --timeout of 10 here.
    func testServerSendingOneByteAtATimeWithinTheTimeoutIsFine() throws {
        try assertHostile("drip", exits: 0, timeout: 10)
    }

    /// Bytes keep coming, but a login would take over a minute: --timeout bounds the whole
    /// operation, not each read.
    func testServerSendingOneByteAtATimeBeyondTheTimeoutTimesOut() throws {
        try assertHostile("drip-forever", exits: 75, neverSends: [Hostile.account])
    }
}
