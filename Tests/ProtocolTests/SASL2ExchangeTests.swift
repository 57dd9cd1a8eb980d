import XCTest

@testable import XMPPProtocol

/// SASL2 (XEP-0388) against a scripted server: the paths a real server will not take on
/// demand (a wrong proof, `<continue/>`, a downgraded offer), and what a token login
/// establishes with stanzas pipelined behind `<authenticate>`.
final class SASL2ExchangeTests: XCTestCase {
    private let token = "secret-token:fast-test"
    /// b64(hmac.new(b"secret-token:fast-test", b"Responder", "sha256").digest()), from Python.
    private let responder = "q7Eu2q6UeNdCotp8608TMke5jqg6g6LfB8z4HVDN85M="
    private let agent = SASL2UserAgent(id: "9a1f6a7e-1c5e-4b8e-9d0c-3f2a1b4c5d6e", device: "test")

    private static let offer =
        "<stream:features><authentication xmlns='urn:xmpp:sasl:2'><mechanism>SCRAM-SHA-1</mechanism>"
        + "<mechanism>PLAIN</mechanism><inline><bind xmlns='urn:xmpp:bind:0'><inline>"
        + "<feature var='urn:xmpp:sm:3'/></inline></bind><sm xmlns='urn:xmpp:sm:3'/>"
        + "<fast xmlns='urn:xmpp:fast:0'><mechanism>HT-SHA-256-NONE</mechanism></fast></inline>"
        + "</authentication></stream:features>"

    private func connect(
        offer: String = SASL2ExchangeTests.offer, script: [MemoryTransport.Step], tracer: Tracer? = nil
    ) throws -> (StreamConnection, XMLElement, MemoryTransport) {
        let transport = MemoryTransport(script: [.expect("<stream:stream", reply: ScriptedServer.header + offer)])
        transport.play(script)
        let stream = StreamConnection(transport: transport, peerName: "example.com (memory)", tracer: tracer)
        stream.queueStreamHeader(to: ScriptedServer.domain, from: ScriptedServer.account)
        return (stream, try stream.readHeaderAndFeatures(deadline: generousDeadline()), transport)
    }

    private func settings() throws -> ConnectionSettings {
        ConnectionSettings(jid: try JID(ScriptedServer.account), password: "pencil")
    }

    private func tokenRequest(bind: Bind2Request? = Bind2Request(enableStreamManagement: true, resumable: true)) -> SASL2Request {
        SASL2Request(
            credential: .token(FASTToken(secret: token, mechanism: "HT-SHA-256-NONE", expiry: nil)),
            userAgent: agent, bind: bind)
    }

    private func begin(
        _ stream: StreamConnection, _ features: XMLElement, _ request: SASL2Request, tracer: Tracer? = nil
    ) throws(XMPPError) -> SASL2Exchange {
        try SASL2Authentication.begin(
            stream: stream, features: features, channelBindings: [], settings: try! settings(), request: request, tracer: tracer)
    }

    private func success(_ inner: String, additionalData: String? = nil) -> String {
        "<success xmlns='urn:xmpp:sasl:2'>"
            + (additionalData.map { "<additional-data>\($0)</additional-data>" } ?? "")
            + "<authorization-identifier>alice@example.com/xmpp-cli~x1</authorization-identifier>\(inner)</success>"
            + "<stream:features/>"
    }

    // MARK: A token login

    func testTokenLoginWithPipelinedStanzasTakesOnBindAndStreamManagement() throws {
        let log = TraceLog()
        let bound = "<bound xmlns='urn:xmpp:bind:0'><enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='1'/></bound>"
            + "<token xmlns='urn:xmpp:fast:0' token='secret-token:rotated' expiry='2026-12-22T13:58:58Z'/>"
        let (stream, features, transport) = try connect(
            script: [.expect("<authenticate", reply: success(bound, additionalData: responder) + ScriptedServer.ack(1))],
            tracer: log.tracer)
        let exchange = try begin(stream, features, tokenRequest(), tracer: log.tracer)
        XCTAssertTrue(exchange.completesInOneRoundTrip)
        let session = XMPPSession(awaiting: exchange, accountJID: try JID(ScriptedServer.account), tracer: log.tracer)
        session.send(XMLElement("message", attributes: ["to": "bob@example.com", "id": "m1"]))
        session.requestConfirmation()

        let outcome = try session.finishAuthentication(exchange, deadline: generousDeadline())
        XCTAssertEqual(outcome.boundJID, try JID("alice@example.com/xmpp-cli~x1"))
        XCTAssertEqual(session.boundJID, outcome.boundJID)
        XCTAssertEqual(outcome.streamManagement, .enabled(resumptionID: "sm-1", resumable: true))
        XCTAssertEqual(
            outcome.token, FASTToken(secret: "secret-token:rotated", mechanism: "HT-SHA-256-NONE", expiry: "2026-12-22T13:58:58Z"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertEqual(session.unconfirmedCount, 0)
        XCTAssertEqual(session.resumption?.previousID, "sm-1")

        // One flight after the stream header: <authenticate>, the message and <r/>.
        XCTAssertGreaterThanOrEqual(transport.writes.count, 2)
        let flight = transport.writes[1].text
        XCTAssertTrue(flight.hasPrefix("<authenticate"), flight)
        XCTAssertTrue(flight.contains("<message") && flight.hasSuffix("<r xmlns='urn:xmpp:sm:3'/>"), flight)
        let authenticate = try XCTUnwrap(transport.sentElements.first { $0.name == "authenticate" })
        XCTAssertEqual(authenticate[attribute: "mechanism"], "HT-SHA-256-NONE")
        XCTAssertNotNil(authenticate.child("fast", namespace: Namespace.fast))
        XCTAssertEqual(authenticate.child("user-agent")?[attribute: "id"], agent.id)
        let bind = try XCTUnwrap(authenticate.child("bind", namespace: Namespace.bind2))
        XCTAssertEqual(bind.child("tag")?.text, "xmpp-cli")
        XCTAssertEqual(bind.child("enable", namespace: Namespace.streamManagement)?[attribute: "resume"], "true")
        XCTAssertNil(authenticate.child("enable", namespace: Namespace.streamManagement), "<enable/> belongs inside <bind>")

        // Neither token, nor the proof derived from one, reaches a trace.
        let initial = try XCTUnwrap(authenticate.child("initial-response")?.text)
        let traced = (log.sent + log.received).joined(separator: "\n")
        for secret in [token, "secret-token:rotated", initial, responder] {
            XCTAssertFalse(traced.contains(secret), "\(secret) in\n\(traced)")
        }
        XCTAssertTrue(traced.contains("<initial-response>[redacted]</initial-response>"), traced)
        XCTAssertTrue(traced.contains("token='[redacted]'"), traced)
    }

    func testInlineStreamManagementIsNotAskedForWhereNotOffered() throws {
        let offer = Self.offer.replacingOccurrences(of: "<feature var='urn:xmpp:sm:3'/>", with: "")
        let (stream, features, transport) = try connect(
            offer: offer, script: [.expect("<authenticate", reply: success("<bound xmlns='urn:xmpp:bind:0'/>", additionalData: responder))])
        let exchange = try begin(stream, features, tokenRequest())
        XCTAssertFalse(exchange.requestedStreamManagement)
        let outcome = try exchange.finish(deadline: generousDeadline())
        XCTAssertEqual(outcome.streamManagement, .notRequested)
        XCTAssertFalse(transport.writtenText.contains("urn:xmpp:sm:3"), transport.writtenText)
    }

    // MARK: Refusals

    func testAFailureToATokenIsTokenRefused() throws {
        let (stream, features, _) = try connect(script: [
            .expect("<authenticate", reply: "<failure xmlns='urn:xmpp:sasl:2'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></failure>")
        ])
        let exchange = try begin(stream, features, tokenRequest())
        let error = assertThrows(.tokenRefused) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("not-authorized"))
    }

    func testATokenWithoutFASTOfferedIsRefusedBeforeAnythingIsSent() throws {
        let offer = Self.offer.replacingOccurrences(
            of: "<fast xmlns='urn:xmpp:fast:0'><mechanism>HT-SHA-256-NONE</mechanism></fast>", with: "")
        let (stream, features, transport) = try connect(offer: offer, script: [])
        let writes = transport.writes.count
        assertThrows(.tokenRefused) { () throws(XMPPError) in try begin(stream, features, tokenRequest()) }
        try stream.flush(deadline: generousDeadline())
        XCTAssertEqual(transport.writes.count, writes)
    }

    func testAWrongResponderIsAnAuthenticationFailureNotARefusal() throws {
        let wrong = "AAAA" + responder.dropFirst(4)
        let (stream, features, _) = try connect(script: [.expect("<authenticate", reply: success("", additionalData: String(wrong)))])
        let exchange = try begin(stream, features, tokenRequest(bind: nil))
        let error = assertThrows(.authenticationFailed) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("does not know the token"), "\(String(describing: error))")
    }

    func testContinueIsRefusedClearlyAndAborted() throws {
        let (stream, features, transport) = try connect(script: [
            .expect("<authenticate", reply: "<continue xmlns='urn:xmpp:sasl:2'><tasks><task>TOTP</task></tasks>"
                + "<text>This account requires 2FA</text></continue>")
        ])
        let exchange = try begin(stream, features, tokenRequest())
        let error = assertThrows(.authenticationFailed) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("tasks: TOTP"), "\(String(describing: error))")
        XCTAssertTrue(transport.writtenText.hasSuffix("<abort xmlns='urn:xmpp:sasl:2'/>"), transport.writtenText)
    }

    func testSuccessForAnotherAccountIsRejected() throws {
        let other = success("", additionalData: responder).replacingOccurrences(of: "alice@example.com", with: "mallory@example.com")
        let (stream, features, _) = try connect(script: [.expect("<authenticate", reply: other)])
        let exchange = try begin(stream, features, tokenRequest(bind: nil))
        assertThrows(.protocolViolation) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
    }

    // MARK: SCRAM

    /// The server-first-message for the client nonce in the `<authenticate>` among `sent`.
    private func serverFirst(_ sent: [XMLElement], extra: String = "") -> String {
        let initial = sent.first { $0.name == "authenticate" }?.child("initial-response")?.text ?? ""
        let clientFirst = String(decoding: Base64.decode(initial) ?? [], as: UTF8.self)
        let nonce = clientFirst.split(separator: ",").first { $0.hasPrefix("r=") }.map { String($0.dropFirst(2)) } ?? ""
        let message = "r=\(nonce)server,s=QSXCR+Q6sek8bf92,i=4096\(extra)"
        return "<challenge xmlns='urn:xmpp:sasl:2'>\(Base64.encode(Array(message.utf8)))</challenge>"
    }

    private var passwordRequest: SASL2Request {
        SASL2Request(credential: .password, userAgent: agent, bind: Bind2Request(enableStreamManagement: true), requestToken: "HT-SHA-256-NONE")
    }

    func testAWrongSCRAMServerSignatureFailsTheLogin() throws {
        let forged = Base64.encode(Array(("v=" + Base64.encode([UInt8](repeating: 0, count: 20))).utf8))
        let (stream, features, transport) = try connect(script: [
            .expect("<authenticate") { sent in self.serverFirst(sent) },
            .expect("<response", reply: success("<bound xmlns='urn:xmpp:bind:0'/>", additionalData: forged)),
        ])
        let exchange = try begin(stream, features, passwordRequest)
        XCTAssertEqual(exchange.mechanismName, "SCRAM-SHA-1")
        XCTAssertFalse(exchange.completesInOneRoundTrip)
        let error = assertThrows(.authenticationFailed) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("could not prove"), "\(String(describing: error))")
        XCTAssertEqual(
            transport.sentElements.first { $0.name == "authenticate" }?.child("request-token", namespace: Namespace.fast)?[attribute: "mechanism"],
            "HT-SHA-256-NONE")
    }

    func testSuccessWithoutTheSCRAMServerSignatureFailsTheLogin() throws {
        let (stream, features, _) = try connect(script: [
            .expect("<authenticate") { sent in self.serverFirst(sent) },
            .expect("<response", reply: success("<bound xmlns='urn:xmpp:bind:0'/>")),
        ])
        let exchange = try begin(stream, features, passwordRequest)
        assertThrows(.authenticationFailed) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
    }

    func testAnOfferChangedOnTheWayIsCaughtByTheSCRAMHash() throws {
        // The server signed an offer with SCRAM-SHA-256 too; the features we got lack it.
        let signed = SCRAMDowngradeProtection(mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"], channelBindingTypes: nil)
        let (stream, features, transport) = try connect(script: [
            .expect("<authenticate") { sent in self.serverFirst(sent, extra: ",h=\(signed.expectedValue(.sha1))") }
        ])
        let exchange = try begin(stream, features, passwordRequest)
        let error = assertThrows(.authenticationFailed) { () throws(XMPPError) in try exchange.finish(deadline: generousDeadline()) }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("downgrade"), "\(String(describing: error))")
        XCTAssertFalse(transport.writtenText.contains("<response"), "no proof may be sent after a downgrade")
    }
}
