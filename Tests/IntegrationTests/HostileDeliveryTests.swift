import XCTest

/// Servers that lie about delivery or abuse IQs (fakeserver/hostile_session.py): stream
/// management refused (a ping confirms instead), acknowledgements that cannot be true,
/// IQs unanswered (the request times out within --timeout), answered by impostors
/// (ignored), or sent by the thousand (each answered, memory bounded, the client finishes).
final class HostileDeliveryTests: XCTestCase {
    // MARK: Stream management (XEP-0198)

    func testStreamManagementRefusedIsConfirmedByAPing() throws {
        let run = try assertHostile("sm-failed", exits: 0)
        XCTAssertTrue(run.clientBytes.contains("urn:xmpp:ping"), "delivery not confirmed by a ping: \(run.clientBytes)")
    }

    func testAckOfMoreThanWasSentExits76() throws { try assertHostile("sm-h-too-large", exits: 76, remembered: Hostile.remembersStreamManagement) }
    func testAckThatGoesBackwardsExits76() throws {
        try assertHostile(
            "sm-h-backwards", exits: 76, client: .send(["bob@localhost", "carol@localhost"]),
            remembered: Hostile.remembersStreamManagement)
    }
    func testAckThatIsNotANumberExits76() throws { try assertHostile("sm-h-not-number", exits: 76, remembered: Hostile.remembersStreamManagement) }
    func testNegativeAckExits76() throws { try assertHostile("sm-h-negative", exits: 76, remembered: Hostile.remembersStreamManagement) }
    func testAckPast32BitsExits76() throws { try assertHostile("sm-h-overflow", exits: 76, remembered: Hostile.remembersStreamManagement) }
    func testAckThatNeverComesTimesOut() throws { try assertHostile("sm-ack-never", exits: 75, remembered: Hostile.remembersStreamManagement) }

    // MARK: Unanswered and spoofed IQs

    func testUnansweredPingTimesOut() throws { try assertHostile("iq-ping-unanswered", exits: 75) }
    func testUnansweredRosterRequestTimesOut() throws { try assertHostile("silent-iq", exits: 75, client: .rosterList) }

    /// Answers from another JID, or with another id, do not confirm the message.
    func testPingAnsweredOnlyByImpostorsTimesOut() throws { try assertHostile("iq-spoofed-ping", exits: 75) }

    /// Impostors' answers come first; only the server's genuine roster is printed.
    func testSpoofedRosterAnswersAreIgnored() throws {
        let run = try assertHostile("iq-spoofed-roster", exits: 0, client: .rosterList)
        XCTAssertTrue(run.result.stdout.contains("friend@localhost"), run.result.summary)
        XCTAssertFalse(run.result.stdout.contains("evil"), "printed an impostor's roster: \(run.result.stdout)")
    }

    // MARK: Floods

    /// Five thousand requests while the message awaits its ack: each answered, and the
    /// message still confirmed.
    func testIQFloodDuringSendIsAnsweredAndSendFinishes() throws { try assertIQFloodAnswered("iq-flood") }
    func testIQFloodWithoutStreamManagementIsAnsweredAndSendFinishes() throws { try assertIQFloodAnswered("iq-flood-no-sm") }

    func testIQFloodDuringListenIsAnsweredAndTheMessageAfterIsPrinted() throws {
        let run = try assertHostile("iq-flood-listen", exits: 0, client: .listen)
        XCTAssertTrue(run.result.stdout.contains("\"id\":\"after\""), run.result.summary)
    }

    private func assertIQFloodAnswered(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try assertHostile(scenario, exits: 0, file: file, line: line)
        let answered = run.clientBytes.components(separatedBy: "flood-").count - 1
        XCTAssertEqual(answered, 5000, "not every request was answered", file: file, line: line)
    }
}
