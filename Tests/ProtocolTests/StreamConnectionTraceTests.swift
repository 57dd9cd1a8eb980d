import XCTest
import XMPPProtocol

/// What `StreamConnection` traces for `-vv`: every element as it went over the wire, except
/// SASL payloads, which never reach a trace in either direction.
final class StreamConnectionTraceTests: XCTestCase {
    private typealias Server = ScriptedServer
    private let sasl = Namespace.sasl
    // Base64 of "n,,n=alice,r=abc", "c=biws,r=abcdef,p=proof", and the server's halves.
    private let authPayload = "biwsbj1hbGljZSxyPWFiYw=="
    private let responsePayload = "Yz1iaXdzLHI9YWJjZGVmLHA9cHJvb2Y="
    private let challengePayload = "cj1hYmNkZWYscz1zYWx0LGk9NDA5Ng=="
    private let successPayload = "dj1zZXJ2ZXItc2lnbmF0dXJl"
    private let incoming = "<message from='bob@example.com/phone' id='m1' type='chat'><body>hi &amp; bye</body></message>"

    func testSASLPayloadsAreRedactedAndEverythingElseIsTracedVerbatim() throws {
        let log = TraceLog()
        let transport = MemoryTransport(script: [
            .expect("<stream:stream", reply: Server.header + "<stream:features/>"),
            .expect(authPayload, reply: "<challenge xmlns='\(sasl)'>\(challengePayload)</challenge>"),
            .expect(responsePayload, reply: "<success xmlns='\(sasl)'>\(successPayload)</success>" + incoming),
        ])
        let stream = StreamConnection(transport: transport, peerName: "example.com (memory)", tracer: log.tracer)
        stream.queueStreamHeader(to: Server.domain, from: Server.account)
        _ = try stream.readHeaderAndFeatures(deadline: generousDeadline())

        var auth = XMLElement("auth", namespace: sasl, attributes: ["mechanism": "SCRAM-SHA-1"])
        auth.append(text: authPayload)
        stream.queue(auth, redacted: true)
        let challenge = try stream.nextElement(deadline: generousDeadline(), waitingFor: "challenge")
        XCTAssertEqual(challenge.text, challengePayload, "redaction must not change what the caller gets")
        var response = XMLElement("response", namespace: sasl)
        response.append(text: responsePayload)
        stream.queue(response, redacted: true)
        XCTAssertEqual(try stream.nextElement(deadline: generousDeadline(), waitingFor: "success").text, successPayload)
        XCTAssertEqual(try stream.nextElement(deadline: generousDeadline(), waitingFor: "message")[attribute: "id"], "m1")
        let outgoing = chatMessage(id: "out-1", body: "x < y")
        stream.queue(outgoing)
        try stream.flush(deadline: generousDeadline())

        // The server got the real payloads ...
        XCTAssertTrue(transport.writtenText.contains(authPayload))
        XCTAssertTrue(transport.writtenText.contains(responsePayload))
        // ... the trace shows none of them, in either direction.
        let traced = log.sent + log.received
        for payload in [authPayload, responsePayload, challengePayload, successPayload] {
            XCTAssertFalse(traced.contains { $0.contains(payload) }, "\(payload) leaked into the trace: \(traced)")
        }
        XCTAssertEqual(
            log.sent,
            [
                transport.writes[0].text,
                "<auth xmlns='\(sasl)' mechanism='SCRAM-SHA-1'>[redacted]</auth>",
                "<response xmlns='\(sasl)'>[redacted]</response>",
                "<message id='out-1' to='bob@example.com' type='chat'><body>x &lt; y</body></message>",
            ])
        XCTAssertEqual(transport.writes.last?.text, log.sent.last)
        XCTAssertEqual(
            log.received,
            [
                "<stream:stream id='s-1' from='example.com' version='1.0' xml:lang='en'>",
                // Re-serialized from the tree: the prefix goes, the namespace stays.
                "<features xmlns='http://etherx.jabber.org/streams'/>",
                "<challenge xmlns='\(sasl)'>[redacted]</challenge>",
                "<success xmlns='\(sasl)'>[redacted]</success>",
                incoming,
            ])
    }

    func testEmptySuccessIsTracedAsItIs() throws {
        let log = TraceLog()
        let transport = MemoryTransport(script: [
            .expect("<stream:stream", reply: Server.header + "<success xmlns='\(sasl)'/>")
        ])
        let stream = StreamConnection(transport: transport, peerName: "example.com (memory)", tracer: log.tracer)
        stream.queueStreamHeader(to: Server.domain, from: Server.account)
        _ = try stream.nextEvent(deadline: generousDeadline(), waitingFor: "header")
        _ = try stream.nextElement(deadline: generousDeadline(), waitingFor: "success")
        XCTAssertEqual(log.received.last, "<success xmlns='\(sasl)'/>")
    }
}
