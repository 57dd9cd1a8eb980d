import XCTest

@testable import XMPPProtocol

/// Builds DNS messages byte by byte, so tests can write exactly the packet they mean.
struct DNSPacketBuilder {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    mutating func u32(_ value: UInt32) { u16(UInt16(value >> 16)); u16(UInt16(value & 0xFFFF)) }

    /// Flags 0x8180: a response, recursion desired and available, no error.
    mutating func header(
        id: UInt16 = 0x1234, flags: UInt16 = 0x8180, questions: UInt16, answers: UInt16, authority: UInt16 = 0,
        additional: UInt16 = 0
    ) {
        u16(id)
        u16(flags)
        u16(questions)
        u16(answers)
        u16(authority)
        u16(additional)
    }

    /// Writes `labels` then, if `pointer` is given, a compression pointer, else the root label.
    mutating func name(_ labels: [String], pointer: Int? = nil) {
        for label in labels {
            bytes.append(UInt8(label.utf8.count))
            bytes += Array(label.utf8)
        }
        if let pointer {
            bytes += [0xC0 | UInt8(pointer >> 8), UInt8(pointer & 0xFF)]
        } else {
            bytes.append(0)
        }
    }

    mutating func question(_ labels: [String], type: UInt16 = 33) {
        name(labels)
        u16(type)
        u16(1)
    }

    /// A resource record whose owner is written by `owner` and whose data by `data`;
    /// the data length is computed unless `dataLength` overrides it.
    mutating func record(
        type: UInt16, recordClass: UInt16 = 1, dataLength: UInt16? = nil,
        owner: (inout DNSPacketBuilder) -> Void, data: (inout DNSPacketBuilder) -> Void
    ) {
        owner(&self)
        u16(type)
        u16(recordClass)
        u32(3600)
        var body = DNSPacketBuilder(bytes: bytes + [0, 0])
        data(&body)
        let content = Array(body.bytes[(bytes.count + 2)...])
        u16(dataLength ?? UInt16(content.count))
        bytes += content
    }

    /// An SRV record owned by the question name (pointer to offset 12).
    mutating func srv(priority: UInt16, weight: UInt16, port: UInt16, target: [String], targetPointer: Int? = nil) {
        record(type: 33, owner: { $0.name([], pointer: 12) }) {
            $0.u16(priority)
            $0.u16(weight)
            $0.u16(port)
            $0.name(target, pointer: targetPointer)
        }
    }
}

final class DNSMessageTests: XCTestCase {
    let question = ["_xmpp-client", "_tcp", "example", "org"]

    private func parseError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let records = try DNSMessage.parseSRVAnswers(bytes)
            XCTFail("parsed as \(records)", file: file, line: line)
            return nil
        } catch {
            guard case .dnsFailed(let message) = error else {
                XCTFail("unexpected \(error)", file: file, line: line)
                return nil
            }
            return message
        }
    }

    func testSingleAnswerWithOwnerCompressedToTheQuestion() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 1)
        packet.question(question)
        packet.srv(priority: 10, weight: 20, port: 5222, target: ["xmpp", "example", "org"])
        XCTAssertEqual(
            try DNSMessage.parseSRVAnswers(packet.bytes),
            [SRVRecord(priority: 10, weight: 20, port: 5222, target: "xmpp.example.org")])
    }

    func testSeveralAnswersWithCompressedTargetsAreLowercased() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 3)
        packet.question(question)
        // "example.org" of the question starts at 12 + 13 + 5 = 30.
        packet.srv(priority: 0, weight: 5, port: 5222, target: ["XMPP1"], targetPointer: 30)
        let secondTarget = packet.bytes.count + 12  // owner pointer (2) + type/class/ttl/len (10)
        packet.srv(priority: 1, weight: 0, port: 5223, target: ["Xmpp2", "Backup"], targetPointer: 30)
        // "backup.example.org" inside the second target: after its "xmpp2" label.
        packet.srv(priority: 2, weight: 65535, port: 443, target: ["edge"], targetPointer: secondTarget + 6 + 6)
        XCTAssertEqual(
            try DNSMessage.parseSRVAnswers(packet.bytes),
            [
                SRVRecord(priority: 0, weight: 5, port: 5222, target: "xmpp1.example.org"),
                SRVRecord(priority: 1, weight: 0, port: 5223, target: "xmpp2.backup.example.org"),
                SRVRecord(priority: 2, weight: 65535, port: 443, target: "edge.backup.example.org"),
            ])
    }

    func testCNAMEAndOtherRecordsAreSkipped() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 3, additional: 1)
        packet.question(question)
        packet.record(type: 5, owner: { $0.name([], pointer: 12) }) { $0.name(["_xmpp-client", "_tcp", "other", "example"]) }
        let alias = packet.bytes.count - 33  // where the CNAME target (33 bytes) starts
        packet.srv(priority: 1, weight: 1, port: 5222, target: ["xmpp", "other", "example"])
        packet.record(type: 33, recordClass: 3, owner: { $0.name([], pointer: alias) }) {
            $0.u16(0); $0.u16(0); $0.u16(1); $0.name(["chaos"])
        }
        packet.record(type: 1, owner: { $0.name(["xmpp", "other", "example"]) }) { $0.u32(0xC000_0201) }
        XCTAssertEqual(
            try DNSMessage.parseSRVAnswers(packet.bytes),
            [SRVRecord(priority: 1, weight: 1, port: 5222, target: "xmpp.other.example")])
    }

    func testRootTargetIsADot() throws {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 1)
        packet.question(question)
        packet.srv(priority: 0, weight: 0, port: 0, target: [])
        XCTAssertEqual(try DNSMessage.parseSRVAnswers(packet.bytes), [SRVRecord(priority: 0, weight: 0, port: 0, target: ".")])
    }

    func testNoAnswersAndNXDOMAINGiveNoRecords() throws {
        var noData = DNSPacketBuilder()
        noData.header(questions: 1, answers: 0)
        noData.question(question)
        XCTAssertEqual(try DNSMessage.parseSRVAnswers(noData.bytes), [])
        var nxdomain = DNSPacketBuilder()
        nxdomain.header(flags: 0x8183, questions: 1, answers: 0)
        nxdomain.question(question)
        XCTAssertEqual(try DNSMessage.parseSRVAnswers(nxdomain.bytes), [])
    }

    func testServerFailureAndQueriesAreErrors() {
        var failure = DNSPacketBuilder()
        failure.header(flags: 0x8182, questions: 1, answers: 0)
        failure.question(question)
        XCTAssertEqual(parseError(failure.bytes), "the DNS server answered with error code 2")
        var query = DNSPacketBuilder()
        query.header(flags: 0x0100, questions: 1, answers: 0)
        query.question(question)
        XCTAssertEqual(parseError(query.bytes), "malformed DNS response: the message is a query, not a response")
    }

    func testEveryTruncationIsAnError() {
        var packet = DNSPacketBuilder()
        packet.header(questions: 1, answers: 2)
        packet.question(question)
        packet.srv(priority: 0, weight: 5, port: 5222, target: ["a"], targetPointer: 30)
        packet.srv(priority: 0, weight: 5, port: 5223, target: ["b", "example", "net"])
        XCTAssertEqual(try DNSMessage.parseSRVAnswers(packet.bytes).count, 2)
        for length in 0..<packet.bytes.count {
            XCTAssertNotNil(parseError(Array(packet.bytes.prefix(length))), "prefix of \(length) bytes")
        }
    }

    func testCompressionLoopsAreRejected() {
        // A pointer to itself.
        var selfLoop = DNSPacketBuilder()
        selfLoop.header(questions: 1, answers: 0)
        selfLoop.name([], pointer: 12)
        selfLoop.u16(33); selfLoop.u16(1)
        XCTAssertEqual(parseError(selfLoop.bytes), "malformed DNS response: a compression pointer does not point backwards")

        // A label followed by a pointer back to that label.
        var labelLoop = DNSPacketBuilder()
        labelLoop.header(questions: 1, answers: 0)
        labelLoop.name(["a"], pointer: 12)
        labelLoop.u16(33); labelLoop.u16(1)
        XCTAssertNotNil(parseError(labelLoop.bytes))

        // Two names pointing at each other: the answer owner points forward into the SRV
        // target, which points back to the owner.
        var pair = DNSPacketBuilder()
        pair.header(questions: 0, answers: 1)
        let owner = pair.bytes.count
        pair.name([], pointer: owner + 2 + 10 + 6)
        pair.u16(33); pair.u16(1); pair.u32(0); pair.u16(8)
        pair.u16(0); pair.u16(0); pair.u16(1)
        pair.name([], pointer: owner)
        XCTAssertNotNil(parseError(pair.bytes))

        // A chain of backward pointers inside an SRV target is fine as long as it ends.
        var chain = DNSPacketBuilder()
        chain.header(questions: 1, answers: 1)
        chain.question(question)
        chain.srv(priority: 0, weight: 0, port: 1, target: ["x"], targetPointer: 30)
        XCTAssertEqual(try? DNSMessage.parseSRVAnswers(chain.bytes).first?.target, "x.example.org")
    }

    func testPointersOutsideThePacketAndReservedLabelTypesAreRejected() {
        var outside = DNSPacketBuilder()
        outside.header(questions: 1, answers: 1)
        outside.question(question)
        outside.srv(priority: 0, weight: 0, port: 1, target: [], targetPointer: 0x3FFF)
        XCTAssertNotNil(parseError(outside.bytes))

        var reserved = DNSPacketBuilder()
        reserved.header(questions: 1, answers: 0)
        reserved.bytes += [0x41, 0x00]
        reserved.u16(33); reserved.u16(1)
        XCTAssertEqual(parseError(reserved.bytes), "malformed DNS response: a name uses an unsupported label type")
    }

    func testWrongRecordLengthsAreRejected() {
        func packet(dataLength: UInt16) -> [UInt8] {
            var packet = DNSPacketBuilder()
            packet.header(questions: 1, answers: 1)
            packet.question(question)
            packet.record(type: 33, dataLength: dataLength, owner: { $0.name([], pointer: 12) }) {
                $0.u16(0); $0.u16(0); $0.u16(5222); $0.name(["host"])
            }
            packet.bytes += [0, 0, 0, 0]  // slack, so that a longer length stays inside the packet
            return packet.bytes
        }
        XCTAssertEqual(try DNSMessage.parseSRVAnswers(packet(dataLength: 12)).first?.target, "host")
        XCTAssertEqual(
            parseError(packet(dataLength: 14)), "malformed DNS response: an SRV record's length does not match its content")
        XCTAssertEqual(
            parseError(packet(dataLength: 11)), "malformed DNS response: an SRV record's length does not match its content")
        XCTAssertEqual(parseError(packet(dataLength: 6)), "malformed DNS response: an SRV record is too short")
        XCTAssertEqual(parseError(packet(dataLength: 100)), "malformed DNS response: the message is truncated")
    }

    func testOverlongNamesAndNonHostTargetsAreRejected() {
        var long = DNSPacketBuilder()
        long.header(questions: 1, answers: 0)
        long.question((0..<5).map { _ in String(repeating: "n", count: 63) })
        XCTAssertEqual(parseError(long.bytes), "malformed DNS response: a name is longer than 255 bytes")

        for label in ["a b", "a.b", "a:1", "\u{e9}", "a\u{0}"] {
            var packet = DNSPacketBuilder()
            packet.header(questions: 1, answers: 1)
            packet.question(question)
            packet.srv(priority: 0, weight: 0, port: 1, target: [label, "example"])
            XCTAssertEqual(
                parseError(packet.bytes),
                "malformed DNS response: an SRV target contains a byte that is not allowed in a host name",
                label.debugDescription)
        }
    }

    func testRandomCorruptionNeverCrashesOrHangs() {
        var base = DNSPacketBuilder()
        base.header(questions: 1, answers: 2)
        base.question(question)
        base.srv(priority: 0, weight: 5, port: 5222, target: ["a"], targetPointer: 30)
        base.srv(priority: 1, weight: 5, port: 5223, target: ["b"], targetPointer: 30)
        var random = SplitMix64(seed: 7)
        var parsed = 0
        var rejected = 0
        for _ in 0..<20_000 {
            var bytes = base.bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
            if (try? DNSMessage.parseSRVAnswers(bytes)) != nil { parsed += 1 } else { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertGreaterThan(parsed, 0)
    }
}
