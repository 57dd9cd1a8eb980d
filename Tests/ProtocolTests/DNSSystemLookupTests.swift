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

/// SRV look-ups through glibc, against a name server the test runs on the loopback
/// interface.
final class DNSSystemSRVLookupTests: XCTestCase {
    private let owner = "_xmpp-client._tcp.example.org"

    private func lookup(_ server: LoopbackNameServer) -> SystemSRVLookup {
        SystemSRVLookup(configuration: server.configuration())
    }

    func testRecordsAreReturnedAsAnswered() throws {
        let server = try LoopbackNameServer { query in
            [
                query.response(answers: 2) { packet in
                    packet.srv(priority: 10, weight: 5, port: 5222, target: ["xmpp", "example", "org"])
                    packet.srv(priority: 20, weight: 0, port: 5269, target: ["backup", "example", "org"])
                }
            ]
        }
        XCTAssertEqual(
            try lookup(server).lookup(owner, deadline: .after(seconds: 10)),
            [
                SRVRecord(priority: 10, weight: 5, port: 5222, target: "xmpp.example.org"),
                SRVRecord(priority: 20, weight: 0, port: 5269, target: "backup.example.org"),
            ])
        XCTAssertEqual(server.queries.map(\.name), [owner])
        XCTAssertEqual(server.queries.map(\.type), [33])
    }

    func testNoSuchNameAndNoRecordsAreNoRecords() throws {
        let missing = try LoopbackNameServer { [$0.nameNotFound] }
        XCTAssertEqual(try lookup(missing).lookup(owner, deadline: .after(seconds: 10)), [])
        let empty = try LoopbackNameServer { [$0.noRecords] }
        XCTAssertEqual(try lookup(empty).lookup(owner, deadline: .after(seconds: 10)), [])
    }

    func testTheSearchListIsNotApplied() throws {
        let server = try LoopbackNameServer { [$0.nameNotFound] }
        let lookup = SystemSRVLookup(configuration: server.configuration(searchDomain: "corp.example"))
        XCTAssertEqual(try lookup.lookup(owner, deadline: .after(seconds: 10)), [])
        XCTAssertEqual(server.queries.map(\.name), [owner])
    }

    func testSilentServerFailsByTheDeadline() throws {
        let server = try LoopbackNameServer { _ in [] }
        XCTAssertThrowsError(try lookup(server).lookup(owner, deadline: .after(seconds: 1))) {
            XCTAssertEqual($0 as? EndpointError, .dnsFailed("no DNS server answered for \(owner)"))
        }
        XCTAssertEqual(server.queries.map(\.name), [owner])
    }

    func testServerFailureIsNamed() throws {
        let server = try LoopbackNameServer { [$0.response(flags: 0x8185)] }
        XCTAssertThrowsError(try lookup(server).lookup(owner, deadline: .after(seconds: 10))) {
            XCTAssertEqual($0 as? EndpointError, .dnsFailed("the DNS server answered REFUSED for \(owner)"))
        }
    }
}
