import XCTest
import XMPPProtocol

@testable import Commands

/// What `presence get` prints: one record per online resource, offline records for the
/// addresses asked about that have none.
final class PresenceReportTests: XCTestCase {
    private typealias Record = PresenceReport.Record

    private func presence(_ from: String, show: String? = nil, status: String? = nil, priority: Int? = nil) -> Presence.Info {
        var stanza = Presence.available(show: show, status: status, priority: priority)
        stanza[attribute: "from"] = from
        return Presence.Info(stanza)!
    }

    private func jids(_ texts: String...) -> [JID] { texts.map { try! JID($0) } }

    private lazy var online = [
        presence("bob@example.com/phone", show: "away", status: "lunch", priority: 5),
        presence("ann@example.com/laptop"),
        presence("bob@example.com/desk", show: "dnd", priority: -1),
    ]

    func testEveryOnlineResourceSortedByAddress() {
        XCTAssertEqual(
            PresenceReport(seen: online, wanted: []).records,
            [
                Record(from: "ann@example.com/laptop", type: "available", show: "available", status: nil, priority: 0),
                Record(from: "bob@example.com/desk", type: "available", show: "dnd", status: nil, priority: -1),
                Record(from: "bob@example.com/phone", type: "available", show: "away", status: "lunch", priority: 5),
            ])
    }

    func testNobodyOnlineAndNothingAskedIsNoRecords() {
        XCTAssertEqual(PresenceReport(seen: [], wanted: []).records, [])
    }

    /// A bare address asked about reports all its resources; one with none is offline.
    func testAskedAddressesInTheOrderAskedWithOfflineForMissing() {
        let records = PresenceReport(seen: online, wanted: jids("carol@example.com", "bob@example.com")).records
        XCTAssertEqual(
            records,
            [
                Record(from: "carol@example.com", type: "unavailable", show: "offline", status: nil, priority: nil),
                Record(from: "bob@example.com/desk", type: "available", show: "dnd", status: nil, priority: -1),
                Record(from: "bob@example.com/phone", type: "available", show: "away", status: "lunch", priority: 5),
            ])
    }

    /// A full address asked about matches only that resource.
    func testFullAddressMatchesOnlyThatResource() {
        XCTAssertEqual(
            PresenceReport(seen: online, wanted: jids("bob@example.com/phone")).records.map(\.from),
            ["bob@example.com/phone"])
        XCTAssertEqual(
            PresenceReport(seen: online, wanted: jids("bob@example.com/tablet")).records,
            [Record(from: "bob@example.com/tablet", type: "unavailable", show: "offline", status: nil, priority: nil)])
    }

    /// Addresses are compared in canonical form, not as typed.
    func testAskedAddressMatchesWhateverCaseItWasTypedIn() {
        XCTAssertEqual(
            PresenceReport(seen: online, wanted: jids("ANN@Example.com")).records.map(\.from), ["ann@example.com/laptop"])
    }

    func testJSONRecords() {
        let records = PresenceReport(seen: online, wanted: jids("ann@example.com", "bob@example.com/phone", "eve@example.com"))
            .records.map(\.json.encoded)
        XCTAssertEqual(
            records,
            [
                #"{"kind":"presence","from":"ann@example.com/laptop","type":"available","show":null,"status":null,"priority":0}"#,
                #"{"kind":"presence","from":"bob@example.com/phone","type":"available","show":"away","status":"lunch","priority":5}"#,
                #"{"kind":"presence","from":"eve@example.com","type":"unavailable","show":null,"status":null,"priority":null}"#,
            ])
    }
}
