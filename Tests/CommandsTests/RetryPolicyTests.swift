import XCTest
import XMPPProtocol

@testable import Commands

/// `--retry`'s back-off (1 s doubling, ±50% jitter, at most 60 s) and which failures it
/// retries (CLI.md: exit 69, 74 and 75).
final class RetryPolicyTests: XCTestCase {
    func testTheBackOffDoublesFromOneSecondWithJitterAndStopsAtAMinute() {
        let policy = RetryPolicy(retries: 10)
        XCTAssertEqual(policy.delay(beforeRetry: 1, random: 1), 1)
        XCTAssertEqual(policy.delay(beforeRetry: 2, random: 1), 2)
        XCTAssertEqual(policy.delay(beforeRetry: 3, random: 1), 4)
        XCTAssertEqual(policy.delay(beforeRetry: 1, random: 0.5), 0.5)
        XCTAssertEqual(policy.delay(beforeRetry: 2, random: 1.5), 3)
        XCTAssertEqual(policy.delay(beforeRetry: 7, random: 1), 60)
        XCTAssertEqual(policy.delay(beforeRetry: 40, random: 1.5), 60, "never over a minute")
        for _ in 0..<100 {
            XCTAssertTrue((1.0...3.0).contains(policy.delay(beforeRetry: 2)))
        }
    }

    func testOnlyUnreachableLostAndTimedOutAreRetried() {
        XCTAssertTrue(RetryPolicy.isWorthRetrying(.unreachable("nothing listens")))
        XCTAssertTrue(RetryPolicy.isWorthRetrying(.connectionLost("while sending")))
        XCTAssertTrue(RetryPolicy.isWorthRetrying(.timedOut("connecting")))
        XCTAssertFalse(RetryPolicy.isWorthRetrying(.authenticationFailed(mechanism: "SCRAM-SHA-1", reason: "not-authorized")))
        XCTAssertFalse(RetryPolicy.isWorthRetrying(.tls(.certificateNotTrusted("self-signed"), server: "x")))
        XCTAssertFalse(RetryPolicy.isWorthRetrying(.protocolViolation("garbage")))
        XCTAssertFalse(RetryPolicy.isWorthRetrying(.refused("no receipt")))
    }
}
