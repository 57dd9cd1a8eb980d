import Glibc
import XCTest

@testable import XMPPProtocol

/// Host names resolved through glibc's stub resolver, pointed at a name server the test
/// runs on the loopback interface: each test asserts exactly what was asked and what came
/// of it.
final class DNSHostResolverTests: XCTestCase {
    private static let v4 = IPAddress("192.0.2.7")!
    private static let otherV4 = IPAddress("198.51.100.9")!
    private static let v6 = IPAddress("2001:db8::7")!

    private let ipv4Only = AddressPreference(hasIPv4: true, hasIPv6: false, hasGlobalIPv6: false)
    private let ipv6Only = AddressPreference(hasIPv4: false, hasIPv6: true, hasGlobalIPv6: true)
    private let localIPv6 = AddressPreference(hasIPv4: true, hasIPv6: true, hasGlobalIPv6: false)
    private let globalIPv6 = AddressPreference(hasIPv4: true, hasIPv6: true, hasGlobalIPv6: true)

    /// A resolver that asks only `server`, with no hosts file unless one is given.
    private func resolver(
        _ server: LoopbackNameServer, _ preference: AddressPreference? = nil, searchDomain: String? = nil,
        hostsFile: String = "/nonexistent/hosts"
    ) -> HostResolver {
        HostResolver(
            configuration: server.configuration(searchDomain: searchDomain), hostsFilePath: hostsFile,
            preference: preference ?? ipv4Only)
    }

    private func failure(
        _ resolver: HostResolver, _ host: String, deadline: Deadline = .after(seconds: 10),
        file: StaticString = #filePath, line: UInt = #line
    ) -> HostResolutionError? {
        do {
            let addresses = try resolver.addresses(of: host, deadline: deadline)
            XCTFail("resolved to \(addresses)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func asked(_ server: LoopbackNameServer) -> [String] {
        server.queries.map { "\($0.name) \($0.type == 1 ? "A" : $0.type == 28 ? "AAAA" : String($0.type))" }
    }

    /// Answers A and AAAA queries for `name` with `v4` and `v6`; NXDOMAIN for anything else.
    private func answering(_ name: String) throws -> LoopbackNameServer {
        try LoopbackNameServer { query in
            guard query.name == name else { return [query.nameNotFound] }
            return [query.response(addresses: [query.type == 1 ? Self.v4 : Self.v6])]
        }
    }

    // Families and order

    func testIPv4OnlyMachineAsksOnlyForA() throws {
        let server = try answering("xmpp.example.org")
        XCTAssertEqual(try resolver(server, ipv4Only).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4])
        XCTAssertEqual(asked(server), ["xmpp.example.org A"])
    }

    func testIPv6OnlyMachineAsksOnlyForAAAA() throws {
        let server = try answering("xmpp.example.org")
        XCTAssertEqual(try resolver(server, ipv6Only).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v6])
        XCTAssertEqual(asked(server), ["xmpp.example.org AAAA"])
    }

    func testWithoutGlobalIPv6BothAreAskedIPv4First() throws {
        let server = try answering("xmpp.example.org")
        XCTAssertEqual(
            try resolver(server, localIPv6).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4, Self.v6])
        XCTAssertEqual(asked(server), ["xmpp.example.org A", "xmpp.example.org AAAA"])
    }

    func testWithGlobalIPv6IPv6ComesFirst() throws {
        let server = try answering("xmpp.example.org")
        XCTAssertEqual(
            try resolver(server, globalIPv6).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v6, Self.v4])
        XCTAssertEqual(asked(server), ["xmpp.example.org AAAA", "xmpp.example.org A"])
    }

    func testMachineWithOnlyLoopbackAsksForBoth() throws {
        let server = try answering("xmpp.example.org")
        let none = AddressPreference(hasIPv4: false, hasIPv6: false, hasGlobalIPv6: false)
        XCTAssertEqual(try resolver(server, none).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4, Self.v6])
        XCTAssertEqual(asked(server), ["xmpp.example.org A", "xmpp.example.org AAAA"])
    }

    // Answers

    func testCNAMEChainIsFollowed() throws {
        let server = try LoopbackNameServer { query in
            [
                query.response(answers: 3) { packet in
                    packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["edge", "cdn", "example"]) }
                    let edge = packet.bytes.count - 18
                    packet.record(type: 5, owner: { $0.name([], pointer: edge) }) { $0.name(["node7", "cdn", "example"]) }
                    let node = packet.bytes.count - 19
                    packet.record(type: 1, owner: { $0.name([], pointer: node) }) { $0.bytes += Self.v4.bytes }
                }
            ]
        }
        XCTAssertEqual(try resolver(server).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4])
    }

    func testRepeatedAddressesAreTriedOnce() throws {
        let server = try LoopbackNameServer { [$0.response(addresses: [Self.v4, Self.otherV4, Self.v4])] }
        XCTAssertEqual(
            try resolver(server).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4, Self.otherV4])
    }

    func testNXDOMAINIsNoSuchHostAndNotAskedAgain() throws {
        let server = try LoopbackNameServer { [$0.nameNotFound] }
        let error = failure(resolver(server, localIPv6), "nothing.example.org")
        XCTAssertEqual(error, .noSuchHost(host: "nothing.example.org"))
        XCTAssertEqual(error?.message, "nothing.example.org: no such host")
        XCTAssertEqual(asked(server), ["nothing.example.org A"])
    }

    func testNoRecordsOfEitherTypeIsNoAddress() throws {
        let server = try LoopbackNameServer { [$0.noRecords] }
        XCTAssertEqual(failure(resolver(server, localIPv6), "bare.example.org"), .noAddresses(host: "bare.example.org"))
        XCTAssertEqual(asked(server), ["bare.example.org A", "bare.example.org AAAA"])
    }

    func testAddressesOfOneFamilyAreEnough() throws {
        let server = try LoopbackNameServer { query in
            [query.type == 28 ? query.response(addresses: [Self.v6]) : query.noRecords]
        }
        XCTAssertEqual(try resolver(server, localIPv6).addresses(of: "v6.example.org", deadline: .after(seconds: 10)), [Self.v6])
    }

    func testServerFailureIsReported() throws {
        let server = try LoopbackNameServer { [$0.response(flags: 0x8182)] }
        XCTAssertEqual(
            failure(resolver(server), "broken.example.org"),
            .failed(host: "broken.example.org", reason: "the DNS server answered SERVFAIL"))
    }

    func testMalformedAnswerIsReported() throws {
        // An A record three bytes long.
        let server = try LoopbackNameServer { query in
            [query.response(answers: 1) { $0.record(type: 1, owner: { $0.name([], pointer: 12) }) { $0.bytes += [1, 2, 3] } }]
        }
        XCTAssertEqual(
            failure(resolver(server), "odd.example.org"),
            .failed(host: "odd.example.org", reason: "malformed DNS response: an A record is not 4 bytes long"))
    }

    func testNameServerThatCannotBeReachedIsReported() throws {
        let closed = try closedLoopbackUDPPort()
        let resolver = HostResolver(
            configuration: .fixed(nameServer: .loopbackIPv4, port: closed, searchDomain: nil),
            hostsFilePath: "/nonexistent/hosts", preference: ipv4Only)
        XCTAssertEqual(
            failure(resolver, "xmpp.example.org"),
            .failed(host: "xmpp.example.org", reason: "the DNS server cannot be reached (connection refused)"))
    }

    // What glibc must not accept

    func testAnswerWithAnotherIDIsIgnored() throws {
        let server = try LoopbackNameServer { query in
            [query.response(addresses: [Self.otherV4], id: query.id ^ 0x5A5A), query.response(addresses: [Self.v4])]
        }
        XCTAssertEqual(try resolver(server).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4])
    }

    func testAnswerForAnotherNameIsIgnored() throws {
        let server = try LoopbackNameServer { query in
            [query.response(addresses: [Self.otherV4], question: ["evil", "example"]), query.response(addresses: [Self.v4])]
        }
        XCTAssertEqual(try resolver(server).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)), [Self.v4])
    }

    func testOnlySpoofedAnswersTimeOut() throws {
        let server = try LoopbackNameServer { query in
            [
                query.response(addresses: [Self.otherV4], id: query.id ^ 1),
                query.response(addresses: [Self.otherV4], question: ["evil", "example"]),
            ]
        }
        XCTAssertEqual(failure(resolver(server), "xmpp.example.org", deadline: .after(seconds: 2)), .timedOut(host: "xmpp.example.org"))
    }

    // Deadlines

    func testSilentServerTimesOutAfterAskingForBoth() throws {
        let server = try LoopbackNameServer { _ in [] }
        let error = failure(resolver(server, localIPv6), "xmpp.example.org", deadline: .after(seconds: 2))
        XCTAssertEqual(error, .timedOut(host: "xmpp.example.org"))
        XCTAssertEqual(error?.reason, "no DNS server answered in time")
        XCTAssertEqual(Set(asked(server)), ["xmpp.example.org A", "xmpp.example.org AAAA"])
    }

    func testEachLookUpButTheLastHopeGetsHalfTheTimeLeft() {
        XCTAssertEqual(HostResolver.share(of: 10, lastHope: false), 5)
        XCTAssertEqual(HostResolver.share(of: 10, lastHope: true), 10)
    }

    func testPassedDeadlineAsksNothing() throws {
        let server = try answering("xmpp.example.org")
        XCTAssertEqual(
            failure(resolver(server), "xmpp.example.org", deadline: Deadline(uptimeNanoseconds: 0)),
            .timedOut(host: "xmpp.example.org"))
        XCTAssertEqual(asked(server), [])
    }

    // Search list

    func testShortNameGetsTheSearchDomain() throws {
        let server = try answering("chat.corp.example")
        XCTAssertEqual(
            try resolver(server, searchDomain: "corp.example").addresses(of: "chat", deadline: .after(seconds: 10)), [Self.v4])
        XCTAssertEqual(asked(server), ["chat.corp.example A"])
    }

    func testNameWithTrailingDotIsNotSearched() throws {
        let server = try answering("chat.corp.example")
        XCTAssertEqual(failure(resolver(server, searchDomain: "corp.example"), "chat."), .noSuchHost(host: "chat."))
        XCTAssertEqual(asked(server), ["chat A"])
    }

    // Truncation: taken as it comes, never retried over TCP (which glibc does without a timeout)

    func testTruncatedAnswerWithRecordsIsUsed() throws {
        let server = try LoopbackNameServer { query in
            [query.response(flags: 0x8380, answers: 1) { $0.record(type: 1, owner: { $0.name([], pointer: 12) }) { $0.bytes += Self.v4.bytes } }]
        }
        XCTAssertEqual(try resolver(server).addresses(of: "big.example.org", deadline: .after(seconds: 10)), [Self.v4])
    }

    func testAnswerTruncatedToNothingIsAFailure() throws {
        let server = try LoopbackNameServer { [$0.response(flags: 0x8380)] }
        XCTAssertEqual(
            failure(resolver(server), "big.example.org"),
            .failed(host: "big.example.org", reason: "the DNS answer was truncated (too large for UDP)"))
    }

    // No DNS at all

    func testNumericAddressesAreNotLookedUp() throws {
        let server = try answering("xmpp.example.org")
        let resolver = resolver(server, globalIPv6)
        XCTAssertEqual(try resolver.addresses(of: "192.0.2.1", deadline: .after(seconds: 1)), [IPAddress("192.0.2.1")!])
        XCTAssertEqual(try resolver.addresses(of: "2001:db8::1", deadline: .after(seconds: 1)), [IPAddress("2001:db8::1")!])
        XCTAssertEqual(try resolver.addresses(of: "[2001:db8::1]", deadline: .after(seconds: 1)), [IPAddress("2001:db8::1")!])
        XCTAssertEqual(asked(server), [])
    }

    func testLocalhostNamesAreLoopbackWithoutAHostsLine() throws {
        let server = try answering("localhost")
        for name in ["localhost", "LocalHost.", "xmpp.localhost", "a.b.localhost"] {
            XCTAssertEqual(
                try resolver(server, globalIPv6).addresses(of: name, deadline: .after(seconds: 1)), [.loopbackIPv6, .loopbackIPv4],
                name)
            XCTAssertEqual(
                try resolver(server, ipv4Only).addresses(of: name, deadline: .after(seconds: 1)), [.loopbackIPv4, .loopbackIPv6],
                name)
        }
        XCTAssertEqual(asked(server), [])
    }

    func testHostsFileComesBeforeDNS() throws {
        let server = try answering("xmpp.example.org")
        let hosts = try temporaryFile("192.0.2.200 xmpp.example.org\n127.0.0.1 localhost\n")
        let resolver = resolver(server, hostsFile: hosts)
        XCTAssertEqual(try resolver.addresses(of: "XMPP.example.org", deadline: .after(seconds: 1)), [IPAddress("192.0.2.200")!])
        XCTAssertEqual(try resolver.addresses(of: "localhost", deadline: .after(seconds: 1)), [.loopbackIPv4])
        XCTAssertEqual(asked(server), [])
    }

    func testHostsLineOfAnUnusableFamilyFallsThroughToDNS() throws {
        let server = try answering("xmpp.example.org")
        let hosts = try temporaryFile("2001:db8::99 xmpp.example.org\n")
        XCTAssertEqual(
            try resolver(server, ipv4Only, hostsFile: hosts).addresses(of: "xmpp.example.org", deadline: .after(seconds: 10)),
            [Self.v4])
        XCTAssertEqual(asked(server), ["xmpp.example.org A"])
    }

    func testNamesTheResolverCannotTakeAreRefused() throws {
        let server = try answering("xmpp.example.org")
        for name in ["", "a\u{0}b", String(repeating: "a", count: 300)] {
            guard case .failed(_, "not a valid host name")? = failure(resolver(server), name) else {
                return XCTFail(name.debugDescription)
            }
        }
        XCTAssertEqual(asked(server), [])
    }

    /// A loopback UDP port with nothing bound to it: bound, then released.
    private func closedLoopbackUDPPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        try bindLoopback(fd, ipv6: false, port: 0)
        return boundPort(fd)
    }

    private func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
