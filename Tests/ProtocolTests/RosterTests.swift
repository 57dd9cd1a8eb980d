import XCTest

@testable import XMPPProtocol

/// Roster items read from the server, the requests that change them, and which roster
/// pushes are genuine (RFC 6121 §2.1.6).
final class RosterTests: XCTestCase {
    private let account = try! JID("alice@example.com")

    private func element(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> XMLElement {
        do {
            let elements = try XMLFragmentParser().feed(Array(text.utf8))
            XCTAssertEqual(elements.count, 1, file: file, line: line)
            return elements[0]
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return XMLElement("nothing")
        }
    }

    private func push(from: String?, type: String = "set", payload: String = "<query xmlns='jabber:iq:roster'><item jid='eve@example.com'/></query>") -> XMLElement {
        let fromAttribute = from.map { " from='\($0)'" } ?? ""
        return element("<iq type='\(type)' id='p1'\(fromAttribute)>\(payload)</iq>")
    }

    private func item(_ text: String) -> Roster.Item? {
        Roster.parse(element("<query xmlns='jabber:iq:roster'>\(text)</query>").elementChildren[0])
    }

    // MARK: Genuine pushes

    func testPushWithoutFromIsGenuine() {
        XCTAssertTrue(Roster.isGenuinePush(push(from: nil), account: account))
    }

    func testPushFromTheAccountsBareJIDIsGenuine() {
        XCTAssertTrue(Roster.isGenuinePush(push(from: "alice@example.com"), account: account))
        XCTAssertTrue(Roster.isGenuinePush(push(from: "Alice@EXAMPLE.com"), account: account))
        // The account may have been given with a resource.
        XCTAssertTrue(Roster.isGenuinePush(push(from: "alice@example.com"), account: try! JID("alice@example.com/laptop")))
    }

    func testPushFromAnyoneElseIsSpoofed() {
        for from in [
            "mallory@evil.example", "example.com", "bob@example.com", "alice@example.com.evil.example",
            "alice@example.com/other-resource", "alice@evil.example", "not a jid@@",
        ] {
            XCTAssertFalse(Roster.isGenuinePush(push(from: from), account: account), from)
        }
    }

    func testOnlyRosterSetsArePushes() {
        XCTAssertFalse(Roster.isGenuinePush(push(from: nil, type: "get"), account: account))
        XCTAssertFalse(Roster.isGenuinePush(push(from: nil, type: "result"), account: account))
        XCTAssertFalse(Roster.isGenuinePush(push(from: nil, payload: "<ping xmlns='urn:xmpp:ping'/>"), account: account))
        XCTAssertFalse(Roster.isGenuinePush(push(from: nil, payload: "<query xmlns='jabber:iq:private'/>"), account: account))
    }

    // MARK: Items

    func testItemWithEverything() throws {
        let parsed = try XCTUnwrap(
            item("<item jid='Bob@Example.com' name='Bob &amp; co' subscription='to' ask='subscribe'><group>work</group><group>friends</group></item>"))
        XCTAssertEqual(
            parsed,
            Roster.Item(jid: try JID("bob@example.com"), name: "Bob & co", subscription: "to", ask: "subscribe", groups: ["friends", "work"]))
    }

    func testItemDefaultsAndCleanUp() throws {
        let parsed = try XCTUnwrap(item("<item jid='bob@example.com' name=''><group/><group>b</group><group>a</group><group>b</group></item>"))
        XCTAssertNil(parsed.name)
        XCTAssertEqual(parsed.subscription, "none")
        XCTAssertNil(parsed.ask)
        XCTAssertEqual(parsed.groups, ["a", "b"])
    }

    func testItemWithoutAValidJIDIsSkipped() {
        XCTAssertNil(item("<item name='nobody'/>"))
        XCTAssertNil(item("<item jid='@example.com'/>"))
    }

    // MARK: Requests

    func testSetRequest() throws {
        let request = Roster.setRequest(try JID("bob@example.com"), name: "Bob", groups: ["work", "friends"])
        XCTAssertEqual(request.name, "iq")
        XCTAssertEqual(request[attribute: "type"], "set")
        let items = request.child("query", namespace: Namespace.roster)?.elements(named: "item", namespace: Namespace.roster) ?? []
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(items.first?[attribute: "jid"], "bob@example.com")
        XCTAssertEqual(items.first?[attribute: "name"], "Bob")
        XCTAssertNil(items.first?[attribute: "subscription"], "a client must not set the subscription (RFC 6121 §2.1.2.5)")
        XCTAssertEqual(items.first?.elements(named: "group", namespace: Namespace.roster).map(\.text), ["work", "friends"])
        XCTAssertEqual(items.first.flatMap(Roster.parse), Roster.Item(jid: try JID("bob@example.com"), name: "Bob", groups: ["friends", "work"]))
    }

    func testSetRequestWithoutNameOrGroups() throws {
        let item = Roster.setRequest(try JID("bob@example.com"), name: nil, groups: []).child("query")?.child("item")
        XCTAssertEqual(item?.attributes.map(\.name), ["jid"])
        XCTAssertEqual(item?.children, [])
    }

    func testRemoveRequest() throws {
        let item = Roster.removeRequest(try JID("bob@example.com")).child("query", namespace: Namespace.roster)?.child("item")
        XCTAssertEqual(item?[attribute: "jid"], "bob@example.com")
        XCTAssertEqual(item?[attribute: "subscription"], "remove")
    }
}
