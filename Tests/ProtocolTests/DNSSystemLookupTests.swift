import XCTest

@testable import XMPPProtocol

/// Resolver timing chosen from the deadline, and the system look-up's deadline handling.
final class DNSSystemLookupTests: XCTestCase {
    func testTimingUsesGlibcDefaultsWhenThereIsTime() {
        XCTAssertEqual(ResolverTiming(remainingSeconds: 30, nameServers: 1), ResolverTiming(retransSeconds: 5, attempts: 2))
        XCTAssertEqual(ResolverTiming(remainingSeconds: 1e9, nameServers: 3), ResolverTiming(retransSeconds: 5, attempts: 2))
    }

    func testTimingShrinksToFitTheDeadline() {
        XCTAssertEqual(ResolverTiming(remainingSeconds: 6, nameServers: 1), ResolverTiming(retransSeconds: 3, attempts: 2))
        XCTAssertEqual(ResolverTiming(remainingSeconds: 3, nameServers: 1), ResolverTiming(retransSeconds: 1, attempts: 2))
        XCTAssertEqual(ResolverTiming(remainingSeconds: 1.5, nameServers: 1), ResolverTiming(retransSeconds: 1, attempts: 1))
        XCTAssertEqual(ResolverTiming(remainingSeconds: 0.2, nameServers: 2), ResolverTiming(retransSeconds: 1, attempts: 1))
    }

    func testRoundTimeFollowsGlibcPerServerTimeouts() {
        // Server 0 waits retrans, server n waits (retrans << n) / nscount, at least 1.
        XCTAssertEqual(ResolverTiming.roundSeconds(retrans: 5, nameServers: 1), 5)
        XCTAssertEqual(ResolverTiming.roundSeconds(retrans: 5, nameServers: 2), 5 + 5)
        XCTAssertEqual(ResolverTiming.roundSeconds(retrans: 5, nameServers: 3), 5 + 3 + 6)
        XCTAssertEqual(ResolverTiming.roundSeconds(retrans: 1, nameServers: 3), 1 + 1 + 1)
    }

    func testChosenTimingFitsWheneverPossible() {
        for servers in 1...3 {
            for tenths in 0...400 {
                let remaining = Double(tenths) / 10
                let timing = ResolverTiming(remainingSeconds: remaining, nameServers: servers)
                let worst = timing.attempts * ResolverTiming.roundSeconds(retrans: timing.retransSeconds, nameServers: servers)
                let minimum = ResolverTiming.roundSeconds(retrans: 1, nameServers: servers)
                XCTAssertLessThanOrEqual(Double(worst), max(remaining, Double(minimum)), "\(servers) servers, \(remaining) s")
                XCTAssertTrue((1...5).contains(timing.retransSeconds) && (1...2).contains(timing.attempts))
            }
        }
    }

    func testPassedDeadlineFailsWithoutQuerying() {
        let passed = Deadline(uptimeNanoseconds: 0)
        XCTAssertThrowsError(try SystemSRVLookup().lookup("_xmpp-client._tcp.example.org", deadline: passed)) {
            guard case .dnsFailed? = $0 as? EndpointError else { return XCTFail("\($0)") }
        }
    }
}

/// One real query through glibc: "localhost" has no SRV records, so the answer must be
/// empty or a DNS failure, and it must come back by the deadline.
final class DNSSystemLocalhostTests: XCTestCase {
    func testLocalhostHasNoXMPPClientRecordsAndAnswersInTime() {
        let start = Deadline.now()
        do {
            let records = try SystemSRVLookup().lookup("_xmpp-client._tcp.localhost", deadline: .after(seconds: 3))
            XCTAssertEqual(records, [])
        } catch {
            guard case .dnsFailed = error else { return XCTFail("\(error)") }
        }
        let elapsed = Double(Deadline.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        // Three seconds allow retrans 1 s, two rounds; glibc may add a TCP retry.
        XCTAssertLessThan(elapsed, 8)
    }
}
