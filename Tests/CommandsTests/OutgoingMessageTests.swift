import XCTest
import XMPPProtocol

@testable import Commands

/// `OutgoingMessage`: the shape of each message stanza `send` writes, and the size check
/// that keeps an oversized one from ever reaching the server.
final class OutgoingMessageTests: XCTestCase {
    // A valid address written out: parsing it cannot fail.
    private let bob = try! JID("bob@example.org")

    func testFullStanzaShape() throws {
        let template = OutgoingMessage(type: "normal", subject: "Subject <&>", thread: "t-1", requestsReceipt: true)
        let stanza = template.stanza(id: "abc-7", to: bob.description, body: "body <&> \"'")
        XCTAssertEqual(stanza.name, "message")
        XCTAssertEqual(stanza[attribute: "id"], "abc-7")
        XCTAssertEqual(stanza[attribute: "to"], "bob@example.org")
        XCTAssertEqual(stanza[attribute: "type"], "normal")
        XCTAssertEqual(stanza.child("subject")?.text, "Subject <&>")
        XCTAssertEqual(stanza.child("body")?.text, "body <&> \"'")
        XCTAssertEqual(stanza.child("thread")?.text, "t-1")
        XCTAssertNotNil(stanza.child("request", namespace: "urn:xmpp:receipts"), "no receipt request")
        // XEP-0359: the origin-id repeats the stanza id.
        XCTAssertEqual(stanza.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"], "abc-7")
    }

    func testMinimalStanzaHasOnlyBodyAndOriginID() throws {
        let template = OutgoingMessage(type: "chat", subject: nil, thread: nil, requestsReceipt: false)
        let stanza = template.stanza(id: "x1", to: bob.description, body: "hi")
        XCTAssertEqual(stanza[attribute: "type"], "chat")
        XCTAssertEqual(stanza.elementChildren.map(\.name), ["body", "origin-id"])
        XCTAssertNil(stanza.child("request", namespace: "urn:xmpp:receipts"))
    }

    func testGroupchatStanzaForARoom() throws {
        let template = OutgoingMessage(type: "groupchat", subject: nil, thread: nil, requestsReceipt: false)
        let stanza = template.stanza(id: "g1", to: try JID("room@conference.example.org").description, body: "hello room")
        XCTAssertEqual(stanza[attribute: "type"], "groupchat")
        XCTAssertEqual(stanza[attribute: "to"], "room@conference.example.org")
    }

    /// The serialized stanza parses back to the same text: markup in the body is escaped.
    func testSerializedStanzaRoundTrips() throws {
        let template = OutgoingMessage(type: "chat", subject: "s", thread: nil, requestsReceipt: true)
        let body = "</body><body>injected</body> ]]> &amp; 🚀"
        let xml = template.stanza(id: "r1", to: bob.description, body: body).serialized(parentNamespace: Namespace.client)
        let parser = XMLFragmentParser()
        let parsed = try parser.feed(Array(xml.utf8))
        XCTAssertEqual(parsed.count, 1, xml)
        XCTAssertEqual(parsed.first?.child("body")?.text, body)
        XCTAssertEqual(parsed.first?.elements(named: "body").count, 1, "the body broke out: \(xml)")
        XCTAssertNotNil(parsed.first?.child("origin-id", namespace: "urn:xmpp:sid:0"))
    }

    // Size

    private func sizeInMessage(_ failure: Failure) -> Int? {
        let words = failure.message.split(separator: " ")
        guard let index = words.firstIndex(of: "bytes"), index > 0 else { return nil }
        return Int(words[index - 1])
    }

    /// The size named in the refusal is the boundary: that many bytes are allowed, one fewer is not.
    func testSizeCheckBoundaryIsTheSizeItNames() throws {
        let template = OutgoingMessage(type: "chat", subject: nil, thread: nil, requestsReceipt: false)
        let body = String(repeating: "a", count: 500)
        var reported: Int?
        XCTAssertThrowsError(try template.checkSize(body: body, recipients: [bob], limit: 100, limitSource: "the test limit")) {
            let failure = $0 as? Failure
            XCTAssertEqual(failure?.status, .dataError)
            XCTAssertTrue(failure?.message.contains("the test limit of 100 bytes") ?? false, failure?.message ?? "")
            reported = failure.flatMap(sizeInMessage)
        }
        let size = try XCTUnwrap(reported, "no size in the message")
        XCTAssertGreaterThan(size, 500)
        XCTAssertNoThrow(try template.checkSize(body: body, recipients: [bob], limit: size, limitSource: "x"))
        XCTAssertThrowsError(try template.checkSize(body: body, recipients: [bob], limit: size - 1, limitSource: "x"))
    }

    /// The check never underestimates: a real stanza, with the ids a session makes, is no
    /// larger than what was checked.
    func testSizeCheckCoversTheRealStanza() throws {
        let template = OutgoingMessage(type: "headline", subject: "s", thread: "t", requestsReceipt: true)
        let body = String(repeating: "é<", count: 300)
        let realID = "\(String(UInt64.max, radix: 36))-\(Int32.max)"
        let real = template.stanza(id: realID, to: bob.description, body: body).serialized(parentNamespace: Namespace.client)
        let checked = try XCTUnwrap(sizeOfRefusal(template, body: body, recipients: [bob]))
        XCTAssertGreaterThanOrEqual(checked, real.utf8.count)
        XCTAssertLessThan(checked, real.utf8.count + 64, "the estimate is far off")
    }

    /// Bytes, not characters: a body of two-byte characters counts double.
    func testSizeIsCountedInUTF8Bytes() throws {
        let template = OutgoingMessage(type: "chat", subject: nil, thread: nil, requestsReceipt: false)
        XCTAssertNoThrow(try template.checkSize(body: String(repeating: "a", count: 600), recipients: [bob], limit: 1000, limitSource: "x"))
        XCTAssertThrowsError(try template.checkSize(body: String(repeating: "é", count: 600), recipients: [bob], limit: 1000, limitSource: "x"))
    }

    /// The longest address decides, since every recipient gets the same body.
    func testLongestRecipientDecides() throws {
        let template = OutgoingMessage(type: "chat", subject: nil, thread: nil, requestsReceipt: false)
        let body = String(repeating: "b", count: 200)
        let long = try JID("a-much-longer-name-than-bob@example.org")
        let size = try XCTUnwrap(sizeOfRefusal(template, body: body, recipients: [bob]))
        XCTAssertNoThrow(try template.checkSize(body: body, recipients: [bob], limit: size, limitSource: "x"))
        XCTAssertThrowsError(try template.checkSize(body: body, recipients: [bob, long], limit: size, limitSource: "x"))
        XCTAssertThrowsError(try template.checkSize(body: body, recipients: [long, bob], limit: size, limitSource: "x"))
    }

    func testDefaultLimitIs256KiB() throws {
        XCTAssertEqual(OutgoingMessage.defaultStanzaLimit, 262_144)
        let template = OutgoingMessage(type: "chat", subject: nil, thread: nil, requestsReceipt: false)
        let limit = OutgoingMessage.defaultStanzaLimit
        XCTAssertNoThrow(try template.checkSize(body: String(repeating: "x", count: 250 * 1024), recipients: [bob], limit: limit, limitSource: "x"))
        XCTAssertThrowsError(try template.checkSize(body: String(repeating: "x", count: 256 * 1024), recipients: [bob], limit: limit, limitSource: "x"))
    }

    private func sizeOfRefusal(_ template: OutgoingMessage, body: String, recipients: [JID]) -> Int? {
        do {
            try template.checkSize(body: body, recipients: recipients, limit: 1, limitSource: "x")
            return nil
        } catch {
            return sizeInMessage(error)
        }
    }
}

/// `send --replace` and `--retract`: the XEP-0308 and XEP-0424 elements, pointing at the
/// given id, and the retraction's fallback body marked as one (XEP-0428) with a store hint.
final class CorrectionAndRetractionTests: XCTestCase {
    func testACorrectionNamesTheMessageItReplaces() {
        let template = OutgoingMessage(type: "chat", requestsReceipt: false, replaces: "first-1")
        let stanza = template.stanza(id: "second-2", to: "bob@example.org", body: "passed")
        XCTAssertEqual(stanza.child("replace", namespace: "urn:xmpp:message-correct:0")?[attribute: "id"], "first-1")
        XCTAssertEqual(stanza.child("body")?.text, "passed")
        XCTAssertEqual(stanza.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"], "second-2")
        XCTAssertNil(OutgoingMessage(type: "chat", requestsReceipt: false).stanza(id: "x", to: "b@e.org", body: "b").child("replace", namespace: "urn:xmpp:message-correct:0"))
    }

    func testARetractionHasTheElementsClientsAndArchivesExpect() {
        let template = OutgoingMessage(type: "groupchat", requestsReceipt: false)
        let stanza = template.retraction(of: "S-9", id: "r-1", to: "room@conference.example.org")
        XCTAssertEqual(stanza[attribute: "type"], "groupchat")
        XCTAssertEqual(stanza.child("retract", namespace: "urn:xmpp:message-retract:1")?[attribute: "id"], "S-9")
        XCTAssertEqual(stanza.child("fallback", namespace: "urn:xmpp:fallback:0")?[attribute: "for"], "urn:xmpp:message-retract:1")
        XCTAssertFalse((stanza.child("body")?.text ?? "").isEmpty)
        XCTAssertNotNil(stanza.child("store", namespace: "urn:xmpp:hints"))
        XCTAssertEqual(stanza.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"], "r-1")
    }
}
