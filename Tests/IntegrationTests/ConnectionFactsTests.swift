import Foundation
import XCTest
import XMPPProtocol

/// The facts the stages report through their tracer (`TraceEvent.fact`), which reports such
/// as `doctor` are made of: against the test Prosody, over STARTTLS and direct TLS, each
/// fact as the server really is (its certificate from the test CA, for localhost, ten
/// years; PLAIN offered after TLS only; SCRAM-SHA-1).
final class ConnectionFactsTests: XCTestCase {
    private final class Facts: @unchecked Sendable {
        var all: [ConnectionFact] = []
        var tracer: Tracer { { [self] event in if case .fact(let fact) = event { all.append(fact) } } }
    }

    private func negotiate(_ mode: TLSMode, insecure: Bool = false) throws -> [ConnectionFact] {
        let server = try ProsodyServer.shared
        let facts = Facts()
        let settings = ConnectionSettings(
            jid: try JID(server.alice.jid), password: server.alice.password,
            server: mode == .direct ? server.directTLSAddress : server.starttlsAddress, tlsMode: mode,
            caFile: server.caFile, insecure: insecure)
        let negotiated = try Login.negotiate(upTo: .tls, settings: settings, deadline: .after(seconds: 20), tracer: facts.tracer)
        negotiated.stream.close(deadline: .after(seconds: 2))
        return facts.all
    }

    func testSTARTTLSReportsTCPTLSAndTheFeaturesBeforeAndAfter() throws {
        let facts = try negotiate(.starttls)
        let server = try ProsodyServer.shared
        guard facts.count == 4 else { return XCTFail("\(facts)") }
        guard case .tcpConnected(let endpoint, let address, let connectMS) = facts[0] else { return XCTFail("\(facts[0])") }
        XCTAssertEqual(endpoint.port, UInt16(server.starttlsPort))
        XCTAssertFalse(endpoint.directTLS)
        XCTAssertTrue(address.contains("127.0.0.1") || address.contains("::1"), address)
        XCTAssertGreaterThan(connectMS, 0)

        guard case .features(let plain, let plainSecured) = facts[1] else { return XCTFail("\(facts[1])") }
        XCTAssertFalse(plainSecured)
        XCTAssertNotNil(plain.child("starttls", namespace: Namespace.tls))
        XCTAssertNil(plain.child("mechanisms", namespace: Namespace.sasl), "c2s_require_encryption: no SASL before TLS")

        guard case .tlsEstablished(let tls, let handshakeMS) = facts[2] else { return XCTFail("\(facts[2])") }
        XCTAssertGreaterThan(handshakeMS, 0)
        XCTAssertEqual(tls.version, "TLSv1.3")
        XCTAssertTrue(tls.verified)
        let leaf = try XCTUnwrap(tls.chain.first)
        XCTAssertEqual(leaf.subject, "CN=localhost")
        XCTAssertEqual(leaf.issuer, "CN=xmpp-cli test CA")
        XCTAssertEqual(Set(leaf.names), ["localhost", "conference.localhost", "upload.localhost"])
        // generate makes it for 3650 days, today.
        XCTAssertEqual(Double(leaf.secondsToExpiry) / 86_400, 3650, accuracy: 2)

        guard case .features(let secure, let secured) = facts[3] else { return XCTFail("\(facts[3])") }
        XCTAssertTrue(secured)
        let mechanisms = secure.child("mechanisms", namespace: Namespace.sasl)?.elements(named: "mechanism", namespace: Namespace.sasl).map(\.text)
        XCTAssertEqual(Set(mechanisms ?? []), ["SCRAM-SHA-1", "PLAIN"])
    }

    func testDirectTLSReportsNoALPNFromProsodyAndAnUnverifiedChainWithInsecure() throws {
        let facts = try negotiate(.direct, insecure: true)
        guard case .tcpConnected(let endpoint, _, _) = facts.first else { return XCTFail("\(facts)") }
        XCTAssertTrue(endpoint.directTLS)
        let tls = try XCTUnwrap(facts.lazy.compactMap { if case .tlsEstablished(let tls, _) = $0 { tls } else { nil } }.first, "\(facts)")
        XCTAssertFalse(tls.verified)
        // Prosody 0.12 takes the xmpp-client offer without answering it.
        XCTAssertNil(tls.alpn)
        XCTAssertEqual(tls.chain.first?.subject, "CN=localhost")
        XCTAssertEqual(facts.filter { if case .features(_, true) = $0 { true } else { false } }.count, 1, "\(facts)")
        XCTAssertEqual(facts.filter { if case .features(_, false) = $0 { true } else { false } }.count, 0, "\(facts)")
    }
}
