import XCTest
import XMPPProtocol

@testable import Commands

/// `ReceiptTracker`: a XEP-0184 receipt counts only from the recipient it was asked of,
/// before its deadline.
final class ReceiptTrackerTests: XCTestCase {
    private func receipt(for id: String, from: String?, type: String? = nil) -> XMLElement {
        var attributes: [String: String] = ["id": "r-\(id)"]
        if let from { attributes["from"] = from }
        if let type { attributes["type"] = type }
        let received = XMLElement("received", namespace: Namespace.receipts, attributes: ["id": id])
        return XMLElement("message", namespace: Namespace.client, attributes: attributes, children: [.element(received)])
    }

    func testReceiptFromAnyResourceOfTheRecipientCounts() throws {
        let tracker = ReceiptTracker()
        tracker.expect(id: "m1", from: try JID("bob@example.org"), within: 60)
        XCTAssertTrue(tracker.isWaiting)
        tracker.handle(receipt(for: "m1", from: "bob@example.org/phone"))
        XCTAssertFalse(tracker.isWaiting)
        tracker.expire()
        XCTAssertEqual(tracker.missing, [])
    }

    /// Asked of a full JID, the receipt may still come from another of its resources: the
    /// bare address is what is compared.
    func testRecipientGivenWithResourceIsMatchedByBareAddress() throws {
        let tracker = ReceiptTracker()
        tracker.expect(id: "m1", from: try JID("bob@example.org/laptop"), within: 60)
        tracker.handle(receipt(for: "m1", from: "bob@example.org"))
        XCTAssertFalse(tracker.isWaiting)
    }

    func testReceiptFromSomeoneElseDoesNotCount() throws {
        let tracker = ReceiptTracker()
        tracker.expect(id: "m1", from: try JID("bob@example.org"), within: 60)
        tracker.handle(receipt(for: "m1", from: "mallory@example.org/x"))
        tracker.handle(receipt(for: "m1", from: "example.org"))
        tracker.handle(receipt(for: "m1", from: nil))
        tracker.handle(receipt(for: "m1", from: "not a jid@@"))
        XCTAssertTrue(tracker.isWaiting, "a receipt from another sender was taken")
    }

    func testReceiptForAnotherMessageOrAnErrorDoesNotCount() throws {
        let tracker = ReceiptTracker()
        tracker.expect(id: "m1", from: try JID("bob@example.org"), within: 60)
        tracker.handle(receipt(for: "m2", from: "bob@example.org/phone"))
        tracker.handle(receipt(for: "m1", from: "bob@example.org/phone", type: "error"))
        XCTAssertTrue(tracker.isWaiting)
    }

    func testEachMessageNeedsItsOwnReceipt() throws {
        let tracker = ReceiptTracker()
        let bob = try JID("bob@example.org")
        tracker.expect(id: "m1", from: bob, within: 60)
        tracker.expect(id: "m2", from: bob, within: 60)
        tracker.handle(receipt(for: "m1", from: "bob@example.org/phone"))
        tracker.handle(receipt(for: "m1", from: "bob@example.org/phone"))
        XCTAssertTrue(tracker.isWaiting, "one receipt settled two messages")
        tracker.handle(receipt(for: "m2", from: "bob@example.org/phone"))
        XCTAssertFalse(tracker.isWaiting)
    }

    func testExpiredReceiptsNameTheirRecipientOnce() throws {
        let tracker = ReceiptTracker()
        let carol = try JID("carol@example.org")
        tracker.expect(id: "m1", from: carol, within: 0)
        tracker.expect(id: "m2", from: carol, within: 0)
        tracker.expect(id: "m3", from: try JID("bob@example.org"), within: 60)
        tracker.expire()
        XCTAssertEqual(tracker.missing, ["carol@example.org"])
        XCTAssertTrue(tracker.isWaiting, "bob's receipt still has time")

        // A receipt that comes after its deadline no longer counts.
        tracker.handle(receipt(for: "m1", from: "carol@example.org/phone"))
        XCTAssertEqual(tracker.missing, ["carol@example.org"])
    }

    func testNothingExpiresBeforeItsDeadline() throws {
        let tracker = ReceiptTracker()
        tracker.expect(id: "m1", from: try JID("bob@example.org"), within: 60)
        tracker.expire()
        XCTAssertEqual(tracker.missing, [])
        XCTAssertTrue(tracker.isWaiting)
    }

    func testEarliestDeadlineIsTheSoonest() throws {
        let tracker = ReceiptTracker()
        XCTAssertNil(tracker.earliestDeadline)
        let before = Deadline.now()
        tracker.expect(id: "late", from: try JID("bob@example.org"), within: 60)
        tracker.expect(id: "soon", from: try JID("carol@example.org"), within: 5)
        let earliest = try XCTUnwrap(tracker.earliestDeadline)
        XCTAssertGreaterThanOrEqual(earliest, before.adding(seconds: 5))
        XCTAssertLessThan(earliest, before.adding(seconds: 30))
    }
}
