import XCTest

@testable import Commands
@testable import XMPPProtocol

/// `raw`'s connection below the bound stage: elements go out as typed, get/set IQs are
/// tracked until their answer, and errors are counted for the exit status.
final class RawLinkTests: XCTestCase {
    private let header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>"

    private func link() -> (RawLink, InboxTransport) {
        let transport = InboxTransport()
        let stream = StreamConnection(transport: transport, peerName: "localhost", tracer: nil)
        let negotiated = Login.Negotiated(stream: stream, features: XMLElement("features"), session: nil)
        return (RawLink(negotiated), transport)
    }

    /// Elements as the user's input becomes them.
    private func typed(_ text: String) throws -> [XMLElement] {
        try XMLFragmentParser().feed(Array(text.utf8))
    }

    func testGetAndSetIQsWithoutIdGetOneAndAreTracked() throws {
        let (link, transport) = link()
        let sent = try typed("<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq><iq type='set'/>")
            .map { link.send($0) }
        XCTAssertEqual(sent.map { $0[attribute: "id"] }, ["raw-1", "raw-2"])
        XCTAssertEqual(Set(link.pending.keys), ["raw-1", "raw-2"])
        _ = try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))
        XCTAssertTrue(
            transport.written.contains("<iq type='get' to='localhost' id='raw-1'><ping xmlns='urn:xmpp:ping'/></iq>"),
            transport.written)
        XCTAssertTrue(transport.written.contains("<iq type='set' id='raw-2'/>"), transport.written)
    }

    /// Only requests are awaited: answers, other stanzas and look-alikes in another
    /// namespace are sent as they are and not tracked.
    func testOnlyGetAndSetIQsAreTrackedAndOwnIdsKept() throws {
        let (link, transport) = link()
        let input = """
            <iq type='get' id='mine'/><iq type='result' id='answer'/><iq type='error' id='failed'/>
            <message to='bob@localhost'><body>hi</body></message><presence/>
            <iq xmlns='urn:example:other' type='get'/>
            """
        let sent = try typed(input).map { link.send($0) }
        XCTAssertEqual(sent.count, 6)
        XCTAssertEqual(Array(link.pending.keys), ["mine"])
        XCTAssertNil(sent[5][attribute: "id"], "an id added to an element that is no stanza")
        _ = try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))
        XCTAssertTrue(transport.written.contains("<message to='bob@localhost'><body>hi</body></message>"), transport.written)
        XCTAssertTrue(transport.written.contains("<iq xmlns='urn:example:other' type='get'/>"), transport.written)
    }

    func testAnswersEndTheWaitAndErrorsAreCounted() throws {
        let (link, transport) = link()
        for element in try typed("<iq type='get' id='a'/><iq type='set' id='b'/>") { link.send(element) }
        var answered: [String] = []
        var received: [XMLElement] = []
        link.onAnswer = { id, seconds in
            answered.append(id)
            XCTAssertGreaterThanOrEqual(seconds, 0)
            XCTAssertLessThan(seconds, 10)
        }
        link.onEvent = { if case .element(let element) = $0 { received.append(element) } }

        // A request that happens to reuse an id is no answer to it.
        transport.deliver(header + "<iq type='get' id='a' from='localhost'/>")
        _ = try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))
        XCTAssertEqual(Set(link.pending.keys), ["a", "b"])

        transport.deliver(
            "<iq type='result' id='stranger'/><iq type='result' id='a'/>"
                + "<iq type='error' id='b'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        _ = try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))
        XCTAssertTrue(link.pending.isEmpty, "\(link.pending)")
        XCTAssertEqual(answered, ["a", "b"])
        XCTAssertEqual(link.refused, ["b"])
        // Everything received is shown, answers or not.
        XCTAssertEqual(received.map { $0[attribute: "id"] }, ["a", "stranger", "a", "b"])
    }

    func testServerClosingTheStreamIsAConnectionLoss() throws {
        let (link, transport) = link()
        transport.deliver(header + "</stream:stream>")
        XCTAssertThrowsError(try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))) { error in
            guard case XMPPError.connectionLost = error else { return XCTFail("\(error)") }
        }
    }

    func testCloseEndsTheStream() throws {
        let (link, transport) = link()
        transport.deliver(header)
        _ = try link.pump(alsoWatching: nil, deadline: .after(seconds: 1))
        link.close()
        XCTAssertTrue(transport.written.hasSuffix("</stream:stream>"), transport.written)
        XCTAssertTrue(transport.isClosed)
    }
}

/// A transport whose server side is a byte queue the test fills; reads with nothing queued
/// time out at once, as a quiet server would let them.
private final class InboxTransport: Transport {
    private var inbox: [UInt8] = []
    private(set) var written = ""
    private(set) var isClosed = false

    func deliver(_ text: String) {
        inbox += Array(text.utf8)
    }

    func read(maxCount: Int, deadline: Deadline) throws(TransportError) -> [UInt8] {
        guard !isClosed else { throw .closed }
        guard !inbox.isEmpty else { throw .timedOut }
        let chunk = Array(inbox.prefix(maxCount))
        inbox.removeFirst(chunk.count)
        return chunk
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError) {
        guard !isClosed else { throw .closed }
        written += String(decoding: bytes, as: UTF8.self)
    }

    func close() {
        isClosed = true
    }
}
