import Foundation
import XCTest

/// `xmpp-cli send` against the scripted fake server, for what `send` must do when the server
/// bounces a message, advertises a stanza limit, or drops the connection with messages
/// unacknowledged, with or without stream resumption (XEP-0198 §5).
final class FakeServerSendTests: XCTestCase {
    /// One thing the fake server recorded (Tests/Support/fakeserver, ServerState.record).
    private struct ServerEvent: Decodable {
        let connection: Int
        let event: String
        let id: String?
        let body: String?
        let h: Int?
        let clientH: String?
        let previd: String?

        enum CodingKeys: String, CodingKey {
            case connection, event, id, body, h, previd
            case clientH = "client_h"
        }
    }

    private struct Run {
        let result: CLIResult
        let clientBytes: String
        let events: [ServerEvent]

        func events(_ kind: String, connection: Int? = nil) -> [ServerEvent] {
            events.filter { $0.event == kind && (connection == nil || $0.connection == connection) }
        }
    }

    /// Runs `send` as alice@localhost against a fresh fake server playing `scenario`.
    private func send(scenario: String, _ arguments: [String], stdin: Data? = nil) throws -> Run {
        let server = try FakeServer(scenario: scenario, scratch: try makeScratchDirectory())
        let result = try runCLI(
            [
                "send", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20",
            ] + arguments,
            environment: ["XMPP_PASSWORD": FakeServer.password], stdin: stdin)
        let bytes = try server.clientBytes()
        let eventsFile = URL(fileURLWithPath: server.logFile.path + ".events")
        let lines = ((try? Data(contentsOf: eventsFile)) ?? Data()).split(separator: UInt8(ascii: "\n"))
        let events = try lines.map { try JSONDecoder().decode(ServerEvent.self, from: Data($0)) }
        return Run(result: result, clientBytes: bytes, events: events)
    }

    private func numberedLines(_ count: Int) -> [String] {
        (1...count).map { "line \($0) <&>" }
    }

    private func input(_ lines: [String]) -> Data {
        Data(lines.map { $0 + "\n" }.joined().utf8)
    }

    // Several recipients

    /// Both messages go over the one connection the server serves (`--once`): a client
    /// that connected per recipient would fail to reach it a second time.
    func testSeveralRecipientsShareOneConnection() throws {
        let run = try send(scenario: "normal", ["-m", "to both", "bob@localhost", "carol@localhost"])
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertEqual(run.clientBytes.components(separatedBy: "<auth ").count - 1, 1, "logged in more than once: \(run.clientBytes)")
        for recipient in ["bob@localhost", "carol@localhost"] {
            XCTAssertTrue(
                run.clientBytes.contains("to=\"\(recipient)\"") || run.clientBytes.contains("to='\(recipient)'"),
                "no message to \(recipient): \(run.clientBytes)")
        }
    }

    /// A cut before any ack: nothing was confirmed, and the message says so for both.
    func testCutBeforeAckSaysNoneOfTheMessagesWereConfirmed() throws {
        let run = try send(scenario: "cut-before-ack", ["-m", "lost", "bob@localhost", "carol@localhost"])
        assertFailure(run.result, exitCode: 74, secrets: [FakeServer.password])
        XCTAssertTrue(run.result.stderr.contains("0 of 2 message"), run.result.summary)
    }

    // Bounces

    func testBounceExits1NamingRecipientAndCondition() throws {
        let run = try send(scenario: "bounce", ["-m", "to nobody", "bob@localhost"])
        assertFailure(run.result, exitCode: 1, secrets: [FakeServer.password])
        XCTAssertTrue(run.result.stderr.contains("bob@localhost"), run.result.summary)
        XCTAssertTrue(run.result.stderr.contains("service-unavailable"), run.result.summary)
    }

    /// Control for the bounce test: the same message to the normal server is exit 0, so it
    /// is the bounce that makes the difference.
    func testWithoutBounceTheSameMessageExits0() throws {
        let run = try send(scenario: "normal", ["-m", "to nobody", "bob@localhost"])
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
    }

    // The server's stanza limit (XEP-0478)

    func testBodyOverTheServersLimitExits65NamingTheLimit() throws {
        let body = String(repeating: "x", count: 12_000)
        let run = try send(scenario: "limits", ["-m", body, "bob@localhost"])
        assertFailure(run.result, exitCode: 65, secrets: [FakeServer.password])
        XCTAssertTrue(run.result.stderr.contains("10000"), run.result.summary)
        XCTAssertFalse(run.clientBytes.contains("<message"), "sent a message over the limit: \(run.clientBytes)")
    }

    func testBodyUnderTheServersLimitIsSent() throws {
        let run = try send(scenario: "limits", ["-m", "small enough", "bob@localhost"])
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertTrue(run.clientBytes.contains("small enough"), run.clientBytes)
    }

    /// With -i the limit applies line by line: the lines before the long one are sent and
    /// confirmed, the long one and everything after it are not.
    func testInteractiveLineOverTheServersLimitStopsThere() throws {
        let lines = ["first", String(repeating: "y", count: 12_000), "after"]
        let run = try send(scenario: "limits", ["-i", "bob@localhost"], stdin: input(lines))
        assertFailure(run.result, exitCode: 65, secrets: [FakeServer.password])
        XCTAssertTrue(run.result.stderr.contains("10000"), run.result.summary)
        XCTAssertTrue(run.clientBytes.contains("<body>first</body>"), run.clientBytes)
        XCTAssertFalse(run.clientBytes.contains("yyyy"), "sent the line over the limit")
        XCTAssertFalse(run.clientBytes.contains("<body>after</body>"), "went on after the line over the limit")
    }

    // Dropped connections with --interactive

    /// The server handles 40 messages, acks 32, drops the rest and cuts the connection; on
    /// the second connection it resumes the session at h = 40. Every line must then have
    /// been handled exactly once, in order, and the ones sent again must carry the ids of
    /// their first transmission.
    func testCutWithResumptionSendsOnlyTheUnacknowledgedAgainWithTheirIDs() throws {
        let lines = numberedLines(200)
        let run = try send(scenario: "cut-before-last-ack", ["-i", "bob@localhost"], stdin: input(lines))
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)

        let cut = run.events("cut")
        XCTAssertEqual(cut.count, 1, "the scenario did not cut the connection: \(run.events.map(\.event))")
        let k = try XCTUnwrap(cut.first?.h)
        XCTAssertTrue(run.events("resume-refused").isEmpty, "the client named the wrong session")
        let resumed = try XCTUnwrap(run.events("resumed").first, "the client did not resume")
        XCTAssertEqual(resumed.connection, 2)
        XCTAssertEqual(resumed.h, k)
        XCTAssertEqual(resumed.clientH, "0", "the client counts stanzas the server never sent")

        let first = run.events("handled", connection: 1)
        let second = run.events("handled", connection: 2)
        XCTAssertEqual(first.compactMap(\.body), Array(lines[..<k]))
        XCTAssertEqual(second.compactMap(\.body), Array(lines[k...]), "the second connection did not carry exactly the lines after \(k)")
        XCTAssertEqual(second.compactMap(\.h), Array((k + 1)...lines.count), "the server's count and the client's disagree")

        let allIDs = (first + second).compactMap(\.id)
        XCTAssertEqual(allIDs.count, lines.count)
        XCTAssertEqual(Set(allIDs).count, lines.count, "an id was used twice")

        // What the first connection saw and dropped was sent again first, ids unchanged.
        let dropped = run.events("dropped", connection: 1)
        XCTAssertFalse(dropped.isEmpty, "no message was in flight at the cut")
        XCTAssertEqual(dropped.map(\.id), second.prefix(dropped.count).map(\.id))
        XCTAssertEqual(dropped.map(\.body), second.prefix(dropped.count).map(\.body))
    }

    /// The same cut where the server did not grant resumption: exit 74, and the message
    /// says how many messages the server confirmed (its last ack) of how many were sent.
    func testCutWithoutResumptionExits74SayingHowManyWereConfirmed() throws {
        let run = try send(scenario: "cut-no-resume", ["-i", "bob@localhost"], stdin: input(numberedLines(200)))
        assertFailure(run.result, exitCode: 74, secrets: [FakeServer.password])
        XCTAssertFalse(run.clientBytes.contains("<resume "), "tried to resume what the server would not keep")
        let acked = try XCTUnwrap(run.events("acked").last?.h)
        let sent = run.events("handled").count + run.events("dropped").count
        XCTAssertTrue(
            run.result.stderr.contains("\(acked) of \(sent) message"),
            "expected \"\(acked) of \(sent) message(s)\": \(run.result.summary)")
    }

    // --retry: no message twice

    private let recipients = ["bob@localhost", "carol@localhost", "dave@localhost"]

    /// A one-shot send with --retry asks for a resumable stream; the server handles one
    /// message, loses the others and cuts. The stream is resumed at h = 1 and the other two
    /// go again with their first ids: each handled exactly once.
    func testRetryResumesTheStreamAndSendsOnlyWhatTheServerDidNotHandle() throws {
        let run = try send(scenario: "cut-after-one-resumed", ["-v", "--retry", "2", "-m", "to three"] + recipients)
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertTrue(run.clientBytes.contains("<enable xmlns='urn:xmpp:sm:3' resume='true'/>"), run.clientBytes)
        let resumed = try XCTUnwrap(run.events("resumed").first, "the client did not resume: \(run.result.summary)")
        XCTAssertEqual(resumed.h, 1)
        let handled = run.events("handled")
        XCTAssertEqual(handled.count, 3, "\(handled.map(\.id))")
        XCTAssertEqual(Set(handled.compactMap(\.id)).count, 3, "a message was handled twice")
        XCTAssertEqual(
            run.events("dropped", connection: 1).map(\.id), run.events("handled", connection: 2).map(\.id),
            "what was lost went again, ids unchanged")
    }

    /// Without resumption, a new login sends only the messages the server had not
    /// acknowledged, ids unchanged.
    func testRetryWithoutResumptionSendsOnlyTheUnacknowledgedWithTheirIDs() throws {
        let run = try send(scenario: "cut-after-first-ack", ["-v", "--retry", "2", "-m", "to three"] + recipients)
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertTrue(run.result.stderr.contains("trying again in"), run.result.summary)
        XCTAssertTrue(run.result.stderr.contains("sending the 2 message(s) the server has not confirmed yet"), run.result.summary)
        let first = run.events("handled", connection: 1)
        let second = run.events("handled", connection: 2)
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(run.events("acked", connection: 1).last?.h, 1)
        XCTAssertEqual(second.map(\.id), run.events("dropped", connection: 1).map(\.id))
        XCTAssertEqual(Set((first + second).compactMap(\.id)).count, 3, "a message was handled twice")
        XCTAssertEqual(second.count, 2)
    }
}
