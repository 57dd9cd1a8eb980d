import XCTest

@testable import XMPPProtocol

/// Canned SRV answers by owner name; records which names were asked and with what deadline.
final class FakeSRVLookup: SRVLookup {
    var answers: [String: Result<[SRVRecord], EndpointError>]
    private(set) var queried: [String] = []
    private(set) var deadlines: [Deadline] = []

    init(_ answers: [String: Result<[SRVRecord], EndpointError>] = [:]) { self.answers = answers }

    func lookup(_ name: String, deadline: Deadline) throws(EndpointError) -> [SRVRecord] {
        queried.append(name)
        deadlines.append(deadline)
        return try (answers[name] ?? .success([])).get()
    }
}

/// Where to connect: `--server`, SRV (RFC 6120 §3.2.1, XEP-0368) and the fallback.
final class DNSEndpointResolverTests: XCTestCase {
    let starttlsName = "_xmpp-client._tcp.example.org"
    let directName = "_xmpps-client._tcp.example.org"
    /// Fresh for each use: XCTest makes every test case object when the run starts, and a
    /// stored deadline may have passed by the time a late test runs.
    var deadline: Deadline { .after(seconds: 60) }

    private func srv(_ target: String, _ port: UInt16, priority: UInt16 = 0, weight: UInt16 = 0) -> SRVRecord {
        SRVRecord(priority: priority, weight: weight, port: port, target: target)
    }

    private func resolve(_ mode: TLSMode, _ lookup: FakeSRVLookup, domain: String = "example.org", seed: UInt64 = 1)
        throws(EndpointError) -> [Endpoint]
    {
        var random = SplitMix64(seed: seed)
        return try EndpointResolver.endpoints(
            domain: domain, server: nil, mode: mode, deadline: deadline, lookup: lookup, random: &random)
    }

    private func resolveError(_ mode: TLSMode, _ lookup: FakeSRVLookup) -> EndpointError? {
        do {
            let endpoints = try resolve(mode, lookup)
            XCTFail("resolved to \(endpoints)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: SRV

    func testAutoMergesBothServicesByPriority() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("plain.example.org", 5222, priority: 10), srv("late.example.org", 5222, priority: 30)]),
            directName: .success([srv("tls.example.org", 443, priority: 5), srv("tls2.example.org", 5223, priority: 20)]),
        ])
        XCTAssertEqual(
            try resolve(.auto, lookup),
            [
                Endpoint(host: "tls.example.org", port: 443, directTLS: true),
                Endpoint(host: "plain.example.org", port: 5222, directTLS: false),
                Endpoint(host: "tls2.example.org", port: 5223, directTLS: true),
                Endpoint(host: "late.example.org", port: 5222, directTLS: false),
            ])
        XCTAssertEqual(Set(lookup.queried), [starttlsName, directName])
    }

    func testAutoMixesBothServicesWithinOnePriorityByWeight() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("plain.example.org", 5222, weight: 50)]),
            directName: .success([srv("tls.example.org", 5223, weight: 50)]),
        ])
        var directFirst = 0
        for seed in 0..<400 {
            let endpoints = try resolve(.auto, lookup, seed: UInt64(seed))
            XCTAssertEqual(endpoints.count, 2)
            if endpoints[0].directTLS { directFirst += 1 }
        }
        // Each goes first about half the time (51 or 50 of 101 draws).
        XCTAssertGreaterThan(directFirst, 140)
        XCTAssertLessThan(directFirst, 260)
    }

    func testStarttlsUsesOnlyXMPPClientRecords() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("b.example.org", 5333, priority: 2), srv("a.example.org", 5222, priority: 1)]),
            directName: .success([srv("tls.example.org", 5223)]),
        ])
        XCTAssertEqual(
            try resolve(.starttls, lookup),
            [
                Endpoint(host: "a.example.org", port: 5222, directTLS: false),
                Endpoint(host: "b.example.org", port: 5333, directTLS: false),
            ])
        XCTAssertEqual(lookup.queried, [starttlsName])
    }

    func testDirectUsesOnlyXMPPSClientRecords() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("plain.example.org", 5222)]),
            directName: .success([srv("tls.example.org", 443)]),
        ])
        XCTAssertEqual(try resolve(.direct, lookup), [Endpoint(host: "tls.example.org", port: 443, directTLS: true)])
        XCTAssertEqual(lookup.queried, [directName])
    }

    // MARK: The "." target

    func testDotTargetMeansTheServiceIsUnavailable() {
        let dot = [srv(".", 0)]
        XCTAssertEqual(
            resolveError(.starttls, FakeSRVLookup([starttlsName: .success(dot)])), .serviceUnavailable(domain: "example.org"))
        XCTAssertEqual(
            resolveError(.direct, FakeSRVLookup([directName: .success(dot)])), .serviceUnavailable(domain: "example.org"))
        XCTAssertEqual(
            resolveError(.auto, FakeSRVLookup([starttlsName: .success(dot), directName: .success(dot)])),
            .serviceUnavailable(domain: "example.org"))
    }

    func testAutoWithDirectTLSDeclinedUsesTheSTARTTLSRecords() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("plain.example.org", 5222)]), directName: .success([srv(".", 0)]),
        ])
        XCTAssertEqual(try resolve(.auto, lookup), [Endpoint(host: "plain.example.org", port: 5222, directTLS: false)])
    }

    func testAutoWithDirectTLSDeclinedAndNoSTARTTLSRecordsDoesNotFallBack() {
        // XEP-0368: a "." for xmpps-client rules out the A/AAAA fallback.
        XCTAssertEqual(
            resolveError(.auto, FakeSRVLookup([directName: .success([srv(".", 0)])])), .serviceUnavailable(domain: "example.org"))
        XCTAssertEqual(
            resolveError(.auto, FakeSRVLookup([starttlsName: .success([srv(".", 0)])])),
            .serviceUnavailable(domain: "example.org"))
    }

    func testAutoWithSTARTTLSDeclinedUsesTheDirectTLSRecords() throws {
        let lookup = FakeSRVLookup([starttlsName: .success([srv(".", 0)]), directName: .success([srv("tls.example.org", 5223)])])
        XCTAssertEqual(try resolve(.auto, lookup), [Endpoint(host: "tls.example.org", port: 5223, directTLS: true)])
    }

    func testADotAmongOtherRecordsIsIgnored() throws {
        let lookup = FakeSRVLookup([starttlsName: .success([srv(".", 0), srv("plain.example.org", 5222, priority: 1)])])
        XCTAssertEqual(try resolve(.starttls, lookup), [Endpoint(host: "plain.example.org", port: 5222, directTLS: false)])
    }

    // MARK: Fallback

    func testNoRecordsFallsBackToTheDomain() throws {
        XCTAssertEqual(try resolve(.auto, FakeSRVLookup()), [Endpoint(host: "example.org", port: 5222, directTLS: false)])
        XCTAssertEqual(try resolve(.starttls, FakeSRVLookup()), [Endpoint(host: "example.org", port: 5222, directTLS: false)])
        XCTAssertEqual(try resolve(.direct, FakeSRVLookup()), [Endpoint(host: "example.org", port: 5223, directTLS: true)])
    }

    func testIPLiteralDomainsSkipSRV() throws {
        let lookup = FakeSRVLookup()
        XCTAssertEqual(try resolve(.auto, lookup, domain: "[::1]"), [Endpoint(host: "::1", port: 5222, directTLS: false)])
        XCTAssertEqual(
            try resolve(.direct, lookup, domain: "192.0.2.7"), [Endpoint(host: "192.0.2.7", port: 5223, directTLS: true)])
        XCTAssertEqual(lookup.queried, [])
    }

    // MARK: DNS failures and deadlines

    func testFailureOfTheSTARTTLSLookupIsReported() {
        let failed = EndpointError.dnsFailed("no answer")
        XCTAssertEqual(resolveError(.auto, FakeSRVLookup([starttlsName: .failure(failed)])), failed)
        XCTAssertEqual(resolveError(.starttls, FakeSRVLookup([starttlsName: .failure(failed)])), failed)
        XCTAssertEqual(resolveError(.direct, FakeSRVLookup([directName: .failure(failed)])), failed)
    }

    func testFailureOfTheDirectTLSLookupAloneIsIgnoredInAutoMode() throws {
        let lookup = FakeSRVLookup([
            starttlsName: .success([srv("plain.example.org", 5222)]), directName: .failure(.dnsFailed("no answer")),
        ])
        XCTAssertEqual(try resolve(.auto, lookup), [Endpoint(host: "plain.example.org", port: 5222, directTLS: false)])
        XCTAssertEqual(
            try resolve(.auto, FakeSRVLookup([directName: .failure(.dnsFailed("x"))])),
            [Endpoint(host: "example.org", port: 5222, directTLS: false)])
    }

    func testEachLookupGetsAtMostHalfTheTimeLeft() throws {
        let lookup = FakeSRVLookup()
        let start = Deadline.now()
        _ = try resolve(.auto, lookup)
        XCTAssertEqual(lookup.deadlines.count, 2)
        for given in lookup.deadlines {
            XCTAssertLessThanOrEqual(given, deadline)
            let seconds = (Double(given.uptimeNanoseconds) - Double(start.uptimeNanoseconds)) / 1e9
            XCTAssertLessThanOrEqual(seconds, 30.5)
            XCTAssertGreaterThan(seconds, 1)
        }
    }
}
