import Foundation
import XCTest
import XMPPProtocol

/// SASL2 (XEP-0388) with Bind2, inline stream management and FAST against a real server: the
/// test Prosody started with `--sasl2` (Debian's prosody-modules and the tests' shims for
/// 0.12). These drive the core's `SASL2Authentication` directly, on a stream negotiated as
/// far as TLS by `Login`.
final class SASL2ProsodyTests: XCTestCase {
    private func settings(_ server: ProsodyServer) throws -> ConnectionSettings {
        ConnectionSettings(
            jid: try JID(server.alice.jid), password: server.alice.password, server: server.starttlsAddress,
            tlsMode: .starttls, caFile: server.caFile)
    }

    /// A stream over verified TLS, opened again with `from` (so FAST is offered), its
    /// features, and the TLS connection under it.
    private func secureStream(
        _ server: ProsodyServer, tracer: Tracer? = nil
    ) throws -> (StreamConnection, XMLElement, TLSConnection) {
        let negotiated = try Login.negotiate(
            upTo: .tls, settings: try settings(server), deadline: .after(seconds: 20), tracer: tracer)
        let tls = try XCTUnwrap(negotiated.stream.transport as? TLSConnection)
        return (negotiated.stream, negotiated.features, tls)
    }

    /// Logs in with the password over SASL2, asking for a token for `mechanism`.
    private func passwordLogin(
        _ server: ProsodyServer, agent: SASL2UserAgent, tokenMechanism: String, tracer: Tracer? = nil
    ) throws -> SASL2Outcome {
        let (stream, features, tls) = try secureStream(server, tracer: tracer)
        defer { stream.close(deadline: .after(seconds: 5)) }
        let request = SASL2Request(
            credential: .password, userAgent: agent, bind: Bind2Request(enableStreamManagement: true),
            requestToken: tokenMechanism)
        return try SASL2Authentication.authenticate(
            stream: stream, features: features, tls: tls, settings: try settings(server), request: request,
            deadline: .after(seconds: 20), tracer: tracer)
    }

    func testSCRAMWithBind2InlineStreamManagementAndATokenRequest() throws {
        let server = try ProsodyServer.sasl2
        let agent = SASL2UserAgent(id: SASL2UserAgent.randomID(), device: "test")
        let (_, features, _) = try secureStream(server)
        let offer = try XCTUnwrap(SASL2Offer(features: features), "no SASL2 offered")
        XCTAssertTrue(offer.offersInlineStreamManagement, "\(offer)")
        XCTAssertTrue(offer.fastMechanisms.contains("HT-SHA-256-NONE"), "\(offer)")

        var trace: [String] = []
        let outcome = try passwordLogin(server, agent: agent, tokenMechanism: "HT-SHA-256-NONE") { event in
            switch event {
            case .stage(let text), .sent(let text), .received(let text): trace.append(text)
            case .fact: break
            }
        }
        XCTAssertEqual(outcome.mechanism, "SCRAM-SHA-1")
        let bound = try XCTUnwrap(outcome.boundJID)
        XCTAssertEqual(bound.bare.description, server.alice.jid)
        XCTAssertTrue(bound.resourcepart?.hasPrefix("xmpp-cli") ?? false, "\(bound)")
        guard case .enabled = outcome.streamManagement else { return XCTFail("\(outcome.streamManagement)") }
        let token = try XCTUnwrap(outcome.token, "no token for <request-token/>")
        XCTAssertEqual(token.mechanism, "HT-SHA-256-NONE")
        XCTAssertFalse(token.secret.isEmpty)
        XCTAssertNotNil(token.expiry)
        // The token came in <success>, and -vv shows that element: without the token.
        let traced = trace.joined(separator: "\n")
        XCTAssertTrue(traced.contains("<token xmlns='urn:xmpp:fast:0'"), traced)
        XCTAssertFalse(traced.contains(token.secret), traced)
        XCTAssertFalse(traced.contains(server.alice.password), traced)
    }

    func testATokenLoginCarriesPipelinedStanzasThatAreAcknowledged() throws {
        try tokenLoginWithPipelinedStanzas(mechanism: "HT-SHA-256-NONE")
    }

    /// The same with the token bound to the TLS connection (tls-exporter, TLS 1.3).
    func testATokenBoundToTheTLSExporterWorksToo() throws {
        try tokenLoginWithPipelinedStanzas(mechanism: "HT-SHA-256-EXPR")
    }

    private func tokenLoginWithPipelinedStanzas(mechanism: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let server = try ProsodyServer.sasl2
        let agent = SASL2UserAgent(id: SASL2UserAgent.randomID())
        let token = try XCTUnwrap(
            try passwordLogin(server, agent: agent, tokenMechanism: mechanism).token, file: file, line: line)
        XCTAssertEqual(token.mechanism, mechanism, file: file, line: line)

        var trace: [String] = []
        let tracer: Tracer = { event in
            switch event {
            case .stage(let text), .sent(let text), .received(let text): trace.append(text)
            case .fact: break
            }
        }
        let (stream, features, tls) = try secureStream(server, tracer: tracer)
        defer { stream.close(deadline: .after(seconds: 5)) }
        let request = SASL2Request(
            credential: .token(token), userAgent: agent, bind: Bind2Request(enableStreamManagement: true))
        let exchange = try SASL2Authentication.begin(
            stream: stream, features: features, tls: tls, settings: try settings(server), request: request, tracer: tracer)
        XCTAssertTrue(exchange.completesInOneRoundTrip, file: file, line: line)
        XCTAssertTrue(exchange.requestedStreamManagement, file: file, line: line)
        let session = XMPPSession(awaiting: exchange, accountJID: try JID(server.alice.jid), tracer: tracer)
        for index in 1...3 {
            session.send(XMLElement(
                "message", attributes: ["to": server.bob.jid, "type": "chat", "id": "fast-\(index)"],
                children: [.element(XMLElement("body", children: [.text("pipelined \(index)")]))]))
        }
        session.requestConfirmation()
        let roundTripsBefore = stream.roundTrips

        let deadline = Deadline.after(seconds: 20)
        let outcome = try session.finishAuthentication(exchange, deadline: deadline)
        XCTAssertEqual(outcome.mechanism, mechanism, file: file, line: line)
        XCTAssertEqual(session.boundJID?.bare.description, server.alice.jid, file: file, line: line)
        guard case .enabled = outcome.streamManagement else {
            return XCTFail("\(outcome.streamManagement)", file: file, line: line)
        }
        // The <a/> answering the <r/> sent in the same flight, with no request of our own since.
        try session.waitFor(deadline: deadline, waitingFor: "the acknowledgement") { session.unconfirmedCount == 0 }
        XCTAssertEqual(session.confirmedMessageCount, 3, file: file, line: line)
        XCTAssertEqual(stream.roundTrips - roundTripsBefore, 1, "authenticate, stanzas and <r/> go in one flight", file: file, line: line)

        let traced = trace.joined(separator: "\n")
        XCTAssertTrue(traced.contains("<fast xmlns='urn:xmpp:fast:0'/>"), traced, file: file, line: line)
        XCTAssertFalse(traced.contains(token.secret), "the token is in the trace", file: file, line: line)
        if let rotated = outcome.token { XCTAssertFalse(traced.contains(rotated.secret), file: file, line: line) }
    }

    func testAWrongTokenIsRefusedAsSuch() throws {
        let server = try ProsodyServer.sasl2
        let agent = SASL2UserAgent(id: SASL2UserAgent.randomID())
        let token = try XCTUnwrap(try passwordLogin(server, agent: agent, tokenMechanism: "HT-SHA-256-NONE").token)
        let wrong = FASTToken(secret: token.secret + "x", mechanism: token.mechanism, expiry: token.expiry)

        let (stream, features, tls) = try secureStream(server)
        defer { stream.close(deadline: .after(seconds: 5)) }
        let accountSettings = try settings(server)
        let request = SASL2Request(credential: .token(wrong), userAgent: agent, bind: Bind2Request(enableStreamManagement: true))
        do throws(XMPPError) {
            let outcome = try SASL2Authentication.authenticate(
                stream: stream, features: features, tls: tls, settings: accountSettings, request: request,
                deadline: .after(seconds: 20), tracer: nil)
            XCTFail("a wrong token was accepted: \(outcome)")
        } catch .tokenRefused(let mechanism, let reason) {
            XCTAssertEqual(mechanism, "HT-SHA-256-NONE")
            XCTAssertTrue(reason.contains("not-authorized"), reason)
            XCTAssertFalse(reason.contains(token.secret))
        } catch {
            XCTFail("expected .tokenRefused, got \(error)")
        }
    }
}
