import XCTest

@testable import XMPPProtocol

/// `RecentIDs`: the last `capacity` ids, oldest evicted first.
final class RecentIDsTests: XCTestCase {
    func testKeepsUpToCapacity() {
        var ids = RecentIDs(capacity: 3)
        for id in ["a", "b", "c"] { ids.insert(id) }
        XCTAssertTrue(["a", "b", "c"].allSatisfy(ids.contains))
        XCTAssertFalse(ids.contains("d"))
    }

    func testEvictsTheOldestFirst() {
        var ids = RecentIDs(capacity: 3)
        for id in ["a", "b", "c", "d"] { ids.insert(id) }
        XCTAssertFalse(ids.contains("a"))
        XCTAssertTrue(["b", "c", "d"].allSatisfy(ids.contains))
        ids.insert("e")
        ids.insert("f")
        XCTAssertFalse(ids.contains("b"))
        XCTAssertFalse(ids.contains("c"))
        XCTAssertTrue(["d", "e", "f"].allSatisfy(ids.contains))
    }

    /// Inserting an id already held neither evicts anything nor takes a second slot.
    func testDuplicateInsertChangesNothing() {
        var ids = RecentIDs(capacity: 3)
        for id in ["a", "b", "c", "b", "a"] { ids.insert(id) }
        XCTAssertTrue(["a", "b", "c"].allSatisfy(ids.contains))
        ids.insert("d")
        XCTAssertFalse(ids.contains("a"), "the duplicate refreshed a")
        XCTAssertTrue(["b", "c", "d"].allSatisfy(ids.contains))
    }

    func testCapacityOfOne() {
        var ids = RecentIDs(capacity: 1)
        ids.insert("a")
        ids.insert("b")
        XCTAssertFalse(ids.contains("a"))
        XCTAssertTrue(ids.contains("b"))
    }

    /// Many more ids than the capacity (a long `send -i`): exactly the last `capacity` remain.
    func testLongRunKeepsExactlyTheLastCapacity() {
        var ids = RecentIDs(capacity: 8192)
        for number in 1...20_000 { ids.insert("id-\(number)") }
        let kept = (1...20_000).filter { ids.contains("id-\($0)") }
        XCTAssertEqual(kept.count, 8192)
        XCTAssertEqual(kept.first, 20_000 - 8192 + 1)
        XCTAssertEqual(kept.last, 20_000)
    }
}
