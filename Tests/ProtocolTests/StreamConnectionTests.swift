import XCTest
import XMPPProtocol

/// `StreamConnection` over a scripted server: opening the stream, stream errors, and XML
/// a server must not send (RFC 6120 §11), which must end in a thrown error, never a crash
/// or a hang.
final class StreamConnectionTests: XCTestCase {
    private typealias Server = ScriptedServer
    private let features =
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"

    /// A stream connection whose server answers the client's header with `answer`, then
    /// plays `rest`.
    private func open(answer: String, then rest: [MemoryTransport.Step] = [])
        -> (stream: StreamConnection, transport: MemoryTransport)
    {
        let transport = MemoryTransport(script: [.expect("<stream:stream", reply: answer)] + rest)
        let stream = StreamConnection(transport: transport, peerName: "example.com (memory)", tracer: nil)
        stream.queueStreamHeader(to: Server.domain, from: nil)
        return (stream, transport)
    }

    /// Asserts that opening a stream fails with `kind` when the server answers with
    /// `answer`, then plays `rest`.
    @discardableResult
    private func assertOpening(
        fails kind: XMPPError.Kind, answer: String, then rest: [MemoryTransport.Step] = [],
        deadline: Deadline = generousDeadline(), file: StaticString = #filePath, line: UInt = #line
    ) -> XMPPError? {
        let (stream, _) = open(answer: answer, then: rest)
        return assertThrows(kind, file: file, line: line) { () throws(XMPPError) in
            try stream.readHeaderAndFeatures(deadline: deadline)
        }
    }

    func testReadsHeaderAndFeaturesAfterWritingItsOwnHeader() throws {
        let (stream, transport) = open(answer: Server.header + features)
        let received = try stream.readHeaderAndFeatures(deadline: generousDeadline())
        XCTAssertNotNil(received.child("starttls", namespace: Namespace.tls))
        XCTAssertEqual(stream.roundTrips, 1)
        XCTAssertEqual(transport.writes.count, 1)
        let header = transport.writtenText
        XCTAssertTrue(header.hasPrefix("<?xml version='1.0'?><stream:stream to='example.com'"), header)
        XCTAssertFalse(header.contains("from="), "the account was named before TLS: \(header)")
    }

    func testHeaderAndFeaturesSplitAcrossReadsAreReassembled() throws {
        let text = Server.header + features
        let middle = text.index(text.startIndex, offsetBy: text.count / 2)
        let (stream, _) = open(answer: String(text[..<middle]), then: [.deliver(String(text[middle...]))])
        XCTAssertNotNil(try stream.readHeaderAndFeatures(deadline: generousDeadline()).child("starttls"))
        XCTAssertEqual(stream.roundTrips, 1)
    }

    func testServerWithoutXMPP1IsRefused() {
        let oldHeader = Server.header.replacingOccurrences(of: " version='1.0'", with: "")
        assertOpening(fails: .protocolViolation, answer: oldHeader + features)
    }

    func testElementOtherThanFeaturesIsAProtocolViolation() {
        assertOpening(fails: .protocolViolation, answer: Server.header + "<message/>")
    }

    func testStreamErrorCarriesConditionAndText() {
        let error = assertOpening(
            fails: .streamError,
            answer: Server.header
                + "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bye</text></stream:error></stream:stream>")
        guard case .streamError(let condition) = error else { return }
        XCTAssertEqual(condition, StreamErrorCondition(condition: "host-unknown", text: "bye"))
    }

    func testConnectionClosedBeforeTheHeaderIsALostConnection() {
        assertOpening(fails: .connectionLost, answer: "", then: [.close])
    }

    func testSilentServerTimesOut() {
        let deadline = Deadline.after(seconds: stallDeadlineSeconds)
        assertOpening(fails: .timedOut, answer: Server.header, then: [.stall], deadline: deadline)
        XCTAssertTrue(deadline.hasPassed)
    }

    // MARK: Restricted and oversized XML

    func testCommentInsideFeaturesIsAProtocolViolation() {
        assertOpening(fails: .protocolViolation, answer: Server.header + "<stream:features><!-- x --></stream:features>")
    }

    func testDoctypeBeforeTheHeaderIsAProtocolViolation() {
        let doctype = "<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY boom 'boom'>]>"
        let header = Server.header.replacingOccurrences(of: "<?xml version='1.0'?>", with: "")
        assertOpening(fails: .protocolViolation, answer: doctype + header + features)
    }

    func testMalformedXMLIsAProtocolViolation() {
        assertOpening(fails: .protocolViolation, answer: Server.header + "<stream:features><bind></stream:features>")
    }

    func testProcessingInstructionAndEntityReferenceAreProtocolViolations() {
        for hostile in ["<?evil instruction?>", "<message><body>&boom;</body></message>"] {
            let (stream, _) = open(answer: Server.header + features, then: [.deliver(hostile)])
            XCTAssertNoThrow(try stream.readHeaderAndFeatures(deadline: generousDeadline()))
            assertThrows(.protocolViolation) { () throws(XMPPError) in
                try stream.nextElement(deadline: generousDeadline(), waitingFor: "a stanza")
            }
        }
    }

    /// Before there is a session, only the server talks: a stanza that breaks a limit is
    /// its doing, and ends the stream once it is over.
    func testStanzaOfTwoMegabytesBeforeASessionIsAProtocolViolation() throws {
        let body = String(repeating: "a", count: 2 << 20)
        let (stream, _) = open(
            answer: Server.header + features,
            then: [.deliver("<message from='bob@example.com'><body>" + body + "</body></message>")])
        _ = try stream.readHeaderAndFeatures(deadline: generousDeadline())
        let error = assertThrows(.protocolViolation) { () throws(XMPPError) in
            try stream.nextElement(deadline: generousDeadline(), waitingFor: "a stanza")
        }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("larger than 1048576 bytes"))
    }

    func testFeaturesThatBreakALimitAreAProtocolViolation() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let error = assertOpening(fails: .protocolViolation, answer: Server.header + "<stream:features>" + deep + "</stream:features>")
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("<stream:features> with elements nested deeper than 32 levels"))
    }

    func testDroppedStanzasGoToTheHandlerAndTheStreamGoesOn() throws {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let (stream, _) = open(
            answer: Server.header + features,
            then: [.deliver("<message from='m@example.com' id='d'>" + deep + "</message><message id='next'/>")])
        var dropped: [DroppedStanza] = []
        stream.onDroppedStanza = { dropped.append($0) }
        _ = try stream.readHeaderAndFeatures(deadline: generousDeadline())
        let next = try stream.nextElement(deadline: generousDeadline(), waitingFor: "a stanza")
        XCTAssertEqual(next[attribute: "id"], "next")
        XCTAssertEqual(dropped.map { $0.element?[attribute: "id"] }, ["d"])
    }
}
