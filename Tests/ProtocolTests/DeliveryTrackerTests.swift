import XCTest

@testable import XMPPProtocol

/// `DeliveryTracker`: what the server has confirmed, by XEP-0198 acks or by ping answers,
/// and which stanzas to send again after a resumption.
final class DeliveryTrackerTests: XCTestCase {
    private func message(_ id: String) -> XMLElement {
        XMLElement("message", attributes: ["id": id, "to": "bob@example.org", "type": "chat"])
    }

    private func iq(_ id: String) -> XMLElement {
        XMLElement("iq", attributes: ["id": id, "type": "get"])
    }

    private func managed(keepingStanzas: Bool = false) -> DeliveryTracker {
        var tracker = DeliveryTracker()
        tracker.sm.state = .enabled(resumptionID: keepingStanzas ? "session-1" : nil)
        tracker.keepsStanzas = keepingStanzas
        return tracker
    }

    private func ids(_ stanzas: [XMLElement]) -> [String] {
        stanzas.map { $0[attribute: "id"] ?? "?" }
    }

    // Stream management

    /// Bind goes out before `<enable/>`; the answer to `<enable/>` proves it handled.
    func testStanzasBeforeStreamManagementAreConfirmedByItsAnswer() throws {
        for answer in ["enabled", "failed"] {
            var tracker = DeliveryTracker()
            tracker.recordSent(iq("bind"))
            tracker.startCounting(keepingStanzas: false)
            tracker.recordSent(message("m1"))
            XCTAssertEqual(tracker.unconfirmed, 2)
            if answer == "enabled" {
                tracker.streamManagementEnabled(resumptionID: nil, resumable: false)
            } else {
                tracker.streamManagementFailed()
            }
            XCTAssertEqual(tracker.unconfirmed, 1, answer)
            XCTAssertEqual(tracker.confirmedSoFar, 1, answer)
        }
    }

    func testEveryStanzaIsCountedAndAcksConfirmThemInOrder() throws {
        var tracker = managed()
        tracker.recordSent(message("m1"))
        tracker.recordSent(iq("q1"))
        tracker.recordSent(message("m2"))
        tracker.recordSent(message("m3"))
        XCTAssertEqual(tracker.unconfirmed, 4)
        XCTAssertEqual(tracker.confirmedMessages, 0)

        try tracker.acknowledge(2)  // m1 and the IQ
        XCTAssertEqual(tracker.unconfirmed, 2)
        XCTAssertEqual(tracker.confirmedMessages, 1, "the IQ is not a message")

        try tracker.acknowledge(2)  // a repeated ack changes nothing
        XCTAssertEqual(tracker.unconfirmed, 2)
        XCTAssertEqual(tracker.confirmedMessages, 1)

        try tracker.acknowledge(4)
        XCTAssertEqual(tracker.unconfirmed, 0)
        XCTAssertEqual(tracker.confirmedMessages, 3)
    }

    func testStanzasSentWhileEnableIsPendingAreCounted() throws {
        var tracker = DeliveryTracker()
        tracker.sm.state = .requested
        tracker.recordSent(message("m1"))
        XCTAssertEqual(tracker.unconfirmed, 1)
        tracker.sm.state = .enabled(resumptionID: nil)
        try tracker.acknowledge(1)
        XCTAssertEqual(tracker.confirmedMessages, 1)
    }

    func testAckOfMoreThanWasSentIsAProtocolViolation() throws {
        var tracker = managed()
        tracker.recordSent(message("m1"))
        XCTAssertThrowsError(try tracker.acknowledge(2)) { error in
            guard case .protocolViolation = error as? XMPPError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(tracker.confirmedMessages, 0, "a bad ack confirmed something")
        XCTAssertEqual(tracker.unconfirmed, 1)
    }

    /// XEP-0198 §4: h wraps at 2^32; the count carries on across the wrap.
    func testCountsCarryOnAcrossTheWrapOfH() throws {
        var tracker = managed()
        tracker.sm.sent = UInt32.max - 1
        tracker.sm.acknowledged = UInt32.max - 1
        for number in 1...3 { tracker.recordSent(message("m\(number)")) }
        XCTAssertEqual(tracker.sm.sent, 1)
        XCTAssertEqual(tracker.unconfirmed, 3)
        try tracker.acknowledge(UInt32.max)
        XCTAssertEqual(tracker.unconfirmed, 2)
        try tracker.acknowledge(1)
        XCTAssertEqual(tracker.unconfirmed, 0)
        XCTAssertEqual(tracker.confirmedMessages, 3)
    }

    // Pings instead of acks

    func testPingAnswersConfirmWhatWasSentBeforeThem() {
        var tracker = DeliveryTracker()
        tracker.recordSent(message("m1"))
        tracker.recordSent(message("m2"))
        tracker.addCheckpoint(id: "ping-1")
        tracker.recordSent(message("m3"))
        tracker.addCheckpoint(id: "ping-2")
        XCTAssertEqual(tracker.unconfirmed, 3)
        XCTAssertTrue(tracker.hasCheckpointInFlight)

        XCTAssertFalse(tracker.checkpointAnswered(id: "someone-else"))
        XCTAssertEqual(tracker.unconfirmed, 3)

        XCTAssertTrue(tracker.checkpointAnswered(id: "ping-1"))
        XCTAssertEqual(tracker.unconfirmed, 1)
        XCTAssertEqual(tracker.confirmedMessages, 2)
        XCTAssertTrue(tracker.hasCheckpointInFlight)

        XCTAssertTrue(tracker.checkpointAnswered(id: "ping-2"))
        XCTAssertEqual(tracker.unconfirmed, 0)
        XCTAssertEqual(tracker.confirmedMessages, 3)
        XCTAssertFalse(tracker.hasCheckpointInFlight)
    }

    /// An answer to a later ping proves everything before it, earlier pings included.
    func testLaterPingAnswerConfirmsEarlierCheckpointsToo() {
        var tracker = DeliveryTracker()
        tracker.recordSent(message("m1"))
        tracker.addCheckpoint(id: "ping-1")
        tracker.recordSent(message("m2"))
        tracker.addCheckpoint(id: "ping-2")
        XCTAssertTrue(tracker.checkpointAnswered(id: "ping-2"))
        XCTAssertEqual(tracker.unconfirmed, 0)
        XCTAssertEqual(tracker.confirmedMessages, 2)
        XCTAssertFalse(tracker.checkpointAnswered(id: "ping-1"), "the earlier ping was already settled")
        XCTAssertEqual(tracker.confirmedMessages, 2, "counted twice")
    }

    func testPingsThemselvesAreNotMessages() {
        var tracker = DeliveryTracker()
        tracker.recordSent(iq("q1"))
        tracker.recordSent(message("m1"))
        tracker.addCheckpoint(id: "ping-1")
        XCTAssertTrue(tracker.checkpointAnswered(id: "ping-1"))
        XCTAssertEqual(tracker.confirmedMessages, 1)
    }

    /// `<failed/>` after `<enable/>`: what was counted for acks is confirmed by a ping instead.
    func testRefusedStreamManagementFallsBackToPings() {
        var tracker = DeliveryTracker()
        tracker.sm.state = .requested
        tracker.recordSent(message("m1"))
        tracker.recordSent(message("m2"))
        tracker.streamManagementFailed()
        XCTAssertEqual(tracker.sm.state, .failed)
        XCTAssertEqual(tracker.unconfirmed, 2)
        tracker.recordSent(message("m3"))
        tracker.addCheckpoint(id: "ping-1")
        XCTAssertTrue(tracker.checkpointAnswered(id: "ping-1"))
        XCTAssertEqual(tracker.unconfirmed, 0)
        XCTAssertEqual(tracker.confirmedMessages, 3)
    }

    // Resumption

    func testUnacknowledgedStanzasAreKeptInOrderOnlyWhenAsked() throws {
        var keeping = managed(keepingStanzas: true)
        var notKeeping = managed(keepingStanzas: false)
        for number in 1...4 {
            keeping.recordSent(message("m\(number)"))
            notKeeping.recordSent(message("m\(number)"))
        }
        try keeping.acknowledge(1)
        try notKeeping.acknowledge(1)
        XCTAssertEqual(ids(keeping.unacknowledgedStanzas), ["m2", "m3", "m4"])
        XCTAssertEqual(notKeeping.unacknowledgedStanzas, [], "kept stanzas nobody will send again")
    }

    func testResumedReturnsExactlyTheStanzasAfterTheServersCount() throws {
        var tracker = managed(keepingStanzas: true)
        for number in 1...5 { tracker.recordSent(message("m\(number)")) }
        try tracker.acknowledge(2)

        let resend = try tracker.resumed(h: 3)
        XCTAssertEqual(ids(resend), ["m4", "m5"])
        XCTAssertEqual(resend, [message("m4"), message("m5")], "the stanzas changed")
        XCTAssertEqual(tracker.confirmedMessages, 3)
        XCTAssertEqual(tracker.unconfirmed, 0, "the caller sends them again; they are counted then")

        for stanza in resend { tracker.recordSent(stanza) }
        tracker.recordSent(message("m6"))
        XCTAssertEqual(tracker.unconfirmed, 3)
        XCTAssertEqual(ids(tracker.unacknowledgedStanzas), ["m4", "m5", "m6"])
        try tracker.acknowledge(6)
        XCTAssertEqual(tracker.confirmedMessages, 6)
        XCTAssertEqual(tracker.unacknowledgedStanzas, [])
    }

    func testResumedWhenTheServerHadEverything() throws {
        var tracker = managed(keepingStanzas: true)
        for number in 1...3 { tracker.recordSent(message("m\(number)")) }
        XCTAssertEqual(try tracker.resumed(h: 3), [])
        XCTAssertEqual(tracker.confirmedMessages, 3)
    }

    func testResumedWithACountBeyondWhatWasSentIsAProtocolViolation() {
        var tracker = managed(keepingStanzas: true)
        tracker.recordSent(message("m1"))
        XCTAssertThrowsError(try tracker.resumed(h: 5))
    }

    /// Past the compaction threshold the kept stanzas still come out right.
    func testLongRunsKeepTheRightStanzas() throws {
        var tracker = managed(keepingStanzas: true)
        for number in 1...3000 { tracker.recordSent(message("m\(number)")) }
        var acknowledged: UInt32 = 0
        while acknowledged < 1500 {
            acknowledged += 100
            try tracker.acknowledge(acknowledged)
        }
        XCTAssertEqual(tracker.unconfirmed, 1500)
        XCTAssertEqual(tracker.confirmedMessages, 1500)
        let rest = tracker.unacknowledgedStanzas
        XCTAssertEqual(rest.count, 1500)
        XCTAssertEqual(rest.first?[attribute: "id"], "m1501")
        XCTAssertEqual(rest.last?[attribute: "id"], "m3000")
        try tracker.acknowledge(2999)
        XCTAssertEqual(ids(tracker.unacknowledgedStanzas), ["m3000"])
        XCTAssertEqual(ids(try tracker.resumed(h: 2999)), ["m3000"])
    }
}
