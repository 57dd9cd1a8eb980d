import XCTest
import XMPPProtocol

@testable import Commands

/// `roster import`'s plan: the fewest changes that make the server's roster match a file.
final class RosterPlanTests: XCTestCase {
    private func jid(_ text: String) -> JID { try! JID(text) }

    private func item(_ address: String, name: String? = nil, groups: [String] = [], subscription: String = "both") -> Roster.Item {
        Roster.Item(jid: jid(address), name: name, subscription: subscription, groups: groups)
    }

    private func entry(_ address: String, name: String? = nil, groups: [String] = []) -> RosterJSON.Entry {
        RosterJSON.Entry(jid: jid(address), name: name, groups: groups)
    }

    func testMatchingRosterNeedsNoChanges() {
        let current = [
            item("ann@example.com", name: "Ann", groups: ["friends", "work"]),
            item("bob@example.com", subscription: "none"),
        ]
        let desired = [entry("bob@example.com"), entry("ann@example.com", name: "Ann", groups: ["friends", "work"])]
        XCTAssertEqual(RosterPlan(current: current, desired: desired, prune: true).changes, [])
    }

    /// Subscription and ask are the server's business: they never cause an update.
    func testSubscriptionStateIsNotAChange() {
        let current = [Roster.Item(jid: jid("ann@example.com"), subscription: "to", ask: "subscribe")]
        XCTAssertEqual(RosterPlan(current: current, desired: [entry("ann@example.com")], prune: false).changes, [])
    }

    func testAddsUpdatesAndLeavesTheRestAlone() {
        let current = [
            item("same@example.com", name: "Same", groups: ["g"]),
            item("renamed@example.com", name: "Old"),
            item("regrouped@example.com", groups: ["a"]),
            item("extra@example.com"),
        ]
        let desired = [
            entry("same@example.com", name: "Same", groups: ["g"]),
            entry("renamed@example.com", name: "New"),
            entry("regrouped@example.com", groups: ["a", "b"]),
            entry("new@example.com", name: "Newcomer", groups: ["x"]),
        ]
        let plan = RosterPlan(current: current, desired: desired, prune: false)
        XCTAssertEqual(
            plan.changes,
            [
                .update(entry("renamed@example.com", name: "New"), was: current[1]),
                .update(entry("regrouped@example.com", groups: ["a", "b"]), was: current[2]),
                .add(entry("new@example.com", name: "Newcomer", groups: ["x"])),
            ])
    }

    func testPruneRemovesWhatTheFileDoesNotList() {
        let current = [item("keep@example.com"), item("drop@example.com"), item("also-drop@example.com")]
        let desired = [entry("keep@example.com"), entry("add@example.com")]
        XCTAssertEqual(
            RosterPlan(current: current, desired: desired, prune: true).changes,
            [.add(entry("add@example.com")), .remove(jid("drop@example.com")), .remove(jid("also-drop@example.com"))])
        XCTAssertEqual(
            RosterPlan(current: current, desired: desired, prune: false).changes, [.add(entry("add@example.com"))])
    }

    func testEmptyFileWithPruneEmptiesTheRoster() {
        let current = [item("a@example.com"), item("b@example.com")]
        XCTAssertEqual(
            RosterPlan(current: current, desired: [], prune: true).changes.map(\.jid),
            [jid("a@example.com"), jid("b@example.com")])
        XCTAssertEqual(RosterPlan(current: current, desired: [], prune: false).changes, [])
    }

    /// The server's groups come sorted (`Roster.parse`); the file's may be in any order.
    func testGroupOrderDoesNotMatter() {
        let current = [item("ann@example.com", groups: ["family", "friends", "work"])]
        for groups in [["family", "friends", "work"], ["work", "family", "friends"], ["friends", "work", "family"]] {
            XCTAssertEqual(
                RosterPlan(current: current, desired: [entry("ann@example.com", groups: groups)], prune: false).changes, [],
                "groups \(groups)")
        }
    }

    /// A name that is only added or only dropped is a change; so is a group dropped.
    func testNameAndGroupDifferencesAreChanges() {
        let named = item("ann@example.com", name: "Ann", groups: ["g"])
        XCTAssertEqual(
            RosterPlan(current: [named], desired: [entry("ann@example.com", groups: ["g"])], prune: false).changes,
            [.update(entry("ann@example.com", groups: ["g"]), was: named)])
        XCTAssertEqual(
            RosterPlan(current: [named], desired: [entry("ann@example.com", name: "Ann")], prune: false).changes,
            [.update(entry("ann@example.com", name: "Ann"), was: named)])
        let unnamed = item("bob@example.com")
        XCTAssertEqual(
            RosterPlan(current: [unnamed], desired: [entry("bob@example.com", name: "Bob")], prune: false).changes,
            [.update(entry("bob@example.com", name: "Bob"), was: unnamed)])
    }

    func testDescriptionsSayWhatChanges() {
        let was = item("ann@example.com", name: "Ann", groups: ["a"])
        XCTAssertEqual(
            RosterPlan.Change.update(entry("ann@example.com", name: "Annie", groups: ["a", "b"]), was: was).description,
            "update ann@example.com: name 'Ann' -> 'Annie', groups a -> a,b")
        XCTAssertEqual(
            RosterPlan.Change.update(entry("ann@example.com", groups: ["a"]), was: was).description,
            "update ann@example.com: name 'Ann' -> (none)")
        XCTAssertEqual(
            RosterPlan.Change.add(entry("bob@example.com", name: "Bob", groups: ["x", "y"])).description,
            "add bob@example.com name 'Bob' groups x,y")
        XCTAssertEqual(RosterPlan.Change.add(entry("bob@example.com")).description, "add bob@example.com")
        XCTAssertEqual(RosterPlan.Change.remove(jid("bob@example.com")).description, "remove bob@example.com")
    }
}
