import XCTest

@testable import XMPPProtocol

/// A and AAAA answers read by `DNSMessage.parseAddressAnswers`: CNAME chains, records of
/// other names, and every way a hostile answer can be malformed.
final class DNSAddressAnswerTests: XCTestCase {
    private let question = ["xmpp", "example", "org"]
    private static let first = IPAddress("192.0.2.1")!
    private static let second = IPAddress("192.0.2.2")!
    private static let v6 = IPAddress("2001:db8::1")!

    /// A response to an A (or `type`) question for "xmpp.example.org" whose answers `body` writes.
    private func response(
        type: UInt16 = 1, flags: UInt16 = 0x8180, answers: UInt16, body: (inout DNSPacketBuilder) -> Void
    ) -> [UInt8] {
        var packet = DNSPacketBuilder()
        packet.header(flags: flags, questions: 1, answers: answers)
        packet.question(question, type: type)
        body(&packet)
        return packet.bytes
    }

    /// An address record owned by the name at `owner` (12: the question's).
    private func address(_ address: IPAddress, owner: Int = 12) -> (inout DNSPacketBuilder) -> Void {
        { packet in
            packet.record(type: address.family == .ipv4 ? 1 : 28, owner: { $0.name([], pointer: owner) }) {
                $0.bytes += address.bytes
            }
        }
    }

    private func parseError(_ bytes: [UInt8], family: IPAddress.Family = .ipv4, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let addresses = try DNSMessage.parseAddressAnswers(bytes, family: family)
            XCTFail("parsed as \(addresses)", file: file, line: line)
            return nil
        } catch {
            guard case .dnsFailed(let message) = error else {
                XCTFail("unexpected \(error)", file: file, line: line)
                return nil
            }
            return message
        }
    }

    func testAddressesOfTheQuestionNameInOrder() throws {
        let bytes = response(answers: 2) {
            address(Self.second)(&$0)
            address(Self.first)(&$0)
        }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(bytes, family: .ipv4), [Self.second, Self.first])
    }

    func testAAAARecords() throws {
        let bytes = response(type: 28, answers: 1, body: address(Self.v6))
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(bytes, family: .ipv6), [Self.v6])
    }

    func testQuestionNameMatchesWithoutRegardToCase() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 1)
        packet.question(["XMPP", "Example", "ORG"], type: 1)
        packet.record(type: 1, owner: { $0.name(["xmpp", "example", "org"]) }) { $0.bytes += Self.first.bytes }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(packet.bytes, family: .ipv4), [Self.first])
    }

    func testCNAMEChainIsFollowedInAnyOrder() throws {
        // xmpp.example.org -> a.cdn.net -> b.cdn.net, whose A record comes first.
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 4)
        packet.question(question, type: 1)
        let cdn = packet.bytes.count + 2  // where "cdn.net" of the next owner starts, after "b"
        packet.record(type: 1, owner: { $0.name(["b", "cdn", "net"]) }) { $0.bytes += Self.second.bytes }
        packet.record(type: 5, owner: { $0.name(["a"], pointer: cdn) }) { $0.name(["b"], pointer: cdn) }
        packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["a"], pointer: cdn) }
        // An address of an intermediate name is not the chain's end: ignored.
        packet.record(type: 1, owner: { $0.name(["a"], pointer: cdn) }) { $0.bytes += Self.first.bytes }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(packet.bytes, family: .ipv4), [Self.second])
    }

    func testRecordsOfOtherNamesAndTypesAreIgnored() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 4)
        packet.question(question, type: 1)
        packet.record(type: 1, owner: { $0.name(["evil", "example", "org"]) }) { $0.bytes += Self.second.bytes }
        packet.record(type: 28, owner: { $0.name([], pointer: 12) }) { $0.bytes += Self.v6.bytes }
        packet.record(type: 1, recordClass: 3, owner: { $0.name([], pointer: 12) }) { $0.bytes += Self.second.bytes }
        address(Self.first)(&packet)
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(packet.bytes, family: .ipv4), [Self.first])
    }

    func testChainToANameWithoutRecordsAndNXDOMAINGiveNone() throws {
        let dangling = response(answers: 1) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["gone", "example"]) }
        }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(dangling, family: .ipv4), [])
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(response(flags: 0x8183, answers: 0) { _ in }, family: .ipv4), [])
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(response(answers: 0) { _ in }, family: .ipv4), [])
    }

    func testCNAMELoopsAreRejected() {
        // xmpp.example.org -> a.example -> xmpp.example.org
        let loop = response(answers: 2) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["a", "example"]) }
            let alias = packet.bytes.count - 11
            packet.record(type: 5, owner: { $0.name([], pointer: alias) }) { $0.name([], pointer: 12) }
        }
        XCTAssertEqual(parseError(loop), "malformed DNS response: the CNAME records form a loop")

        let toItself = response(answers: 1) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name([], pointer: 12) }
        }
        XCTAssertEqual(parseError(toItself), "malformed DNS response: the CNAME records form a loop")
    }

    func testLongChainsEndWithoutTrouble() throws {
        // A chain through 200 names, each pointing at the next.
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 201)
        packet.question(question, type: 1)
        var owner = 12
        for index in 0..<200 {
            packet.record(type: 5, owner: { $0.name([], pointer: owner) }) { $0.name(["n\(index)"]) }
            owner = packet.bytes.count - (2 + String(index).count + 1)
        }
        address(Self.first, owner: owner)(&packet)
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(packet.bytes, family: .ipv4), [Self.first])
    }

    func testWrongAddressLengthsAreRejected() {
        for length in [0, 3, 5, 16] {
            let bytes = response(answers: 1) { packet in
                packet.record(type: 1, owner: { $0.name([], pointer: 12) }) { $0.bytes += [UInt8](repeating: 7, count: length) }
            }
            XCTAssertEqual(parseError(bytes), "malformed DNS response: an A record is not 4 bytes long", "\(length)")
        }
        let shortV6 = response(type: 28, answers: 1) { packet in
            packet.record(type: 28, owner: { $0.name([], pointer: 12) }) { $0.bytes += Self.first.bytes }
        }
        XCTAssertEqual(parseError(shortV6, family: .ipv6), "malformed DNS response: an AAAA record is not 16 bytes long")
    }

    func testCNAMEWhoseNameDoesNotFillItsDataIsRejected() {
        let bytes = response(answers: 1) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["a", "example"]); $0.bytes.append(0) }
        }
        XCTAssertEqual(parseError(bytes), "malformed DNS response: a CNAME record's length does not match its content")
    }

    func testQuestionMustBeOneOfTheTypeAsked() {
        var none = DNSPacketBuilder()
        none.header(questions: 0, answers: 0)
        XCTAssertEqual(parseError(none.bytes), "malformed DNS response: the answer does not carry exactly one question")

        var two = DNSPacketBuilder()
        two.header(questions: 2, answers: 0)
        two.question(question, type: 1)
        two.question(["other"], type: 1)
        XCTAssertEqual(parseError(two.bytes), "malformed DNS response: the answer does not carry exactly one question")

        let aaaaQuestion = response(type: 28, answers: 1, body: address(Self.v6))
        XCTAssertEqual(parseError(aaaaQuestion, family: .ipv4), "malformed DNS response: the answer is for another type of record")
    }

    func testServerErrorsAndQueriesAreErrors() {
        XCTAssertEqual(parseError(response(flags: 0x8182, answers: 0) { _ in }), "the DNS server answered with error code 2")
        XCTAssertEqual(
            parseError(response(flags: 0x0100, answers: 0) { _ in }), "malformed DNS response: the message is a query, not a response")
    }

    func testEveryTruncationIsAnError() {
        let bytes = response(answers: 3) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["a", "example"]) }
            let alias = packet.bytes.count - 11
            address(Self.first, owner: alias)(&packet)
            address(Self.second, owner: alias)(&packet)
        }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(bytes, family: .ipv4), [Self.first, Self.second])
        for length in 0..<bytes.count {
            XCTAssertNotNil(parseError(Array(bytes.prefix(length))), "prefix of \(length) bytes")
        }
    }

    func testRandomCorruptionNeverCrashesOrHangs() {
        let base = response(answers: 3) { packet in
            packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["a"], pointer: 17) }
            let alias = packet.bytes.count - 4
            address(Self.first, owner: alias)(&packet)
            address(Self.second, owner: alias)(&packet)
        }
        XCTAssertEqual(try DNSMessage.parseAddressAnswers(base, family: .ipv4), [Self.first, Self.second])
        var random = SplitMix64(seed: 11)
        var parsed = 0
        var rejected = 0
        for _ in 0..<20_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            if (try? DNSMessage.parseAddressAnswers(bytes, family: .ipv4)) != nil { parsed += 1 } else { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertGreaterThan(parsed, 0)
    }
}
