import XCTest
import XMPPProtocol

/// XEP-0280 carbons: the forwarded message is taken out only when the copy comes from the
/// account's own bare JID; anything else wearing a carbon's clothes is forged (§11).
final class CarbonsTests: XCTestCase {
    private let account = try! JID("alice@example.org")

    private func stanza(_ xml: String) throws -> XMLElement {
        let elements = try XMLFragmentParser().feed(Array(xml.utf8))
        XCTAssertEqual(elements.count, 1, xml)
        return try XCTUnwrap(elements.first)
    }

    private func carbon(from sender: String?, direction: String = "received", inner: String? = nil) throws -> XMLElement {
        let message = inner ?? "<message xmlns='jabber:client' from='bob@example.org/desk' to='alice@example.org/phone' type='chat' id='c1'><body>hi</body></message>"
        let from = sender.map { " from='\($0)'" } ?? ""
        return try stanza("""
            <message\(from) to='alice@example.org/cli'><\(direction) xmlns='urn:xmpp:carbons:2'>\
            <forwarded xmlns='urn:xmpp:forward:0'>\(message)</forwarded></\(direction)></message>
            """)
    }

    func testPlainMessageIsNotACarbon() throws {
        let message = try stanza("<message from='bob@example.org/desk' type='chat'><body>hi</body></message>")
        guard case .notACarbon = Carbons.unwrap(message, account: account) else {
            return XCTFail("a plain message was taken for a carbon")
        }
    }

    func testGenuineReceivedCarbonYieldsTheForwardedMessage() throws {
        guard case .carbon(let inner, let direction) = Carbons.unwrap(try carbon(from: "alice@example.org"), account: account) else {
            return XCTFail("a genuine carbon was not unwrapped")
        }
        XCTAssertEqual(direction, .received)
        XCTAssertEqual(inner[attribute: "from"], "bob@example.org/desk")
        XCTAssertEqual(inner[attribute: "id"], "c1")
        XCTAssertEqual(inner.child("body")?.text, "hi")
    }

    func testGenuineSentCarbon() throws {
        let sent = try carbon(
            from: "alice@example.org", direction: "sent",
            inner: "<message xmlns='jabber:client' from='alice@example.org/phone' to='bob@example.org' type='chat'><body>out</body></message>")
        guard case .carbon(let inner, .sent) = Carbons.unwrap(sent, account: account) else {
            return XCTFail("a genuine sent carbon was not unwrapped")
        }
        XCTAssertEqual(inner.child("body")?.text, "out")
    }

    /// JIDs compare after normalisation (RFC 7622): a different case is the same account.
    func testAccountJIDComparesNormalised() throws {
        guard case .carbon = Carbons.unwrap(try carbon(from: "Alice@Example.ORG"), account: account) else {
            return XCTFail("the account's own JID in another case was refused")
        }
        // The account given with a resource still names the same bare JID.
        guard case .carbon = Carbons.unwrap(try carbon(from: "alice@example.org"), account: try JID("alice@example.org/cli")) else {
            return XCTFail("a full account JID was not reduced to its bare JID")
        }
    }

    /// CVE-2017-5589: a carbon from anyone but the account itself is forged, whatever it says.
    func testCarbonsFromAnyoneElseAreForged() throws {
        for sender in [
            "mallory@evil.example", "bob@example.org", "example.org", "alice@example.org/phone",
            "alice@example.org.evil.example", "mallory@evil.example/alice@example.org", "not a jid@@",
        ] {
            for direction in ["received", "sent"] {
                guard case .forged = Carbons.unwrap(try carbon(from: sender, direction: direction), account: account) else {
                    XCTFail("a \(direction) carbon from \(sender) was accepted")
                    continue
                }
            }
        }
    }

    func testCarbonWithoutFromIsForged() throws {
        guard case .forged = Carbons.unwrap(try carbon(from: nil), account: account) else {
            return XCTFail("a carbon without a sender was accepted")
        }
    }

    func testGenuineWrapperWithoutAForwardedMessageIsForged() throws {
        let empty = try stanza("<message from='alice@example.org'><received xmlns='urn:xmpp:carbons:2'/></message>")
        guard case .forged = Carbons.unwrap(empty, account: account) else {
            return XCTFail("an empty carbon was accepted")
        }
        let noMessage = try stanza("""
            <message from='alice@example.org'><received xmlns='urn:xmpp:carbons:2'>\
            <forwarded xmlns='urn:xmpp:forward:0'/></received></message>
            """)
        guard case .forged = Carbons.unwrap(noMessage, account: account) else {
            return XCTFail("a carbon forwarding nothing was accepted")
        }
    }

    /// Only the carbons namespace makes a carbon: a look-alike is an ordinary message.
    func testReceivedInAnotherNamespaceIsNotACarbon() throws {
        let other = try stanza("""
            <message from='bob@example.org/desk'><received xmlns='urn:xmpp:receipts' id='r1'/></message>
            """)
        guard case .notACarbon = Carbons.unwrap(other, account: account) else {
            return XCTFail("a receipt was taken for a carbon")
        }
    }

    func testEnableRequest() {
        let request = Carbons.enableRequest
        XCTAssertEqual(request.name, "iq")
        XCTAssertEqual(request[attribute: "type"], "set")
        XCTAssertNotNil(request.child("enable", namespace: "urn:xmpp:carbons:2"))
    }

    func testDelayedDeliveryStamp() throws {
        let delayed = try stanza("<message><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>")
        XCTAssertEqual(DelayedDelivery.stamp(of: delayed), "2002-09-10T23:08:25Z")
        let legacy = try stanza("<message><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/></message>")
        XCTAssertNil(DelayedDelivery.stamp(of: legacy))
    }
}
