import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `xmpp-cli listen` against Prosody, with slixmpp sending: live and offline messages in
/// each format, JSON fields as CLI.md has them, and bodies that try to break the records.
final class ListenMessagesTests: XCTestCase {
    private var server: ProsodyServer!
    private var receiver: TestAccount!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        receiver = try ListenHarness.account("listener2", on: server)
        scratch = try makeScratchDirectory()
    }

    private func send(_ body: String, subject: String? = nil, thread: String? = nil, to account: TestAccount? = nil) throws {
        try ListenHarness.send(
            from: server.alice, to: (account ?? receiver).jid, on: server, body: body, subject: subject, thread: thread,
            scratch: scratch)
    }

    /// One live message received by a listener in `format`; returns the listener's output.
    private func receiveLive(_ body: String, format: String, subject: String? = nil, thread: String? = nil) throws -> CLIResult {
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--format", format, "--count", "1"])
        try send(body, subject: subject, thread: thread)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        return result
    }

    // MARK: Live

    func testLiveMessageAsJSONHasExactlyTheFieldsOfCLIMd() throws {
        let before = Date()
        let result = try receiveLive("hello json", format: "json", subject: "greeting", thread: "thread-7")
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, result.stdout)
        let line = try XCTUnwrap(lines.first)
        XCTAssertEqual(
            ListenHarness.topLevelKeys(line),
            ["kind", "from", "to", "type", "id", "body", "subject", "thread", "stamp", "delayed"])
        let record = try ListenHarness.object(line)
        XCTAssertEqual(record["kind"] as? String, "message")
        XCTAssertTrue((record["from"] as? String ?? "").hasPrefix("alice@localhost/"), line)
        XCTAssertTrue((record["to"] as? String ?? "").hasPrefix("listener2@localhost"), line)
        XCTAssertEqual(record["type"] as? String, "chat")
        XCTAssertFalse((record["id"] as? String ?? "").isEmpty, line)
        XCTAssertEqual(record["body"] as? String, "hello json")
        XCTAssertEqual(record["subject"] as? String, "greeting")
        XCTAssertEqual(record["thread"] as? String, "thread-7")
        XCTAssertEqual(record["delayed"] as? Bool, false)
        let stamp = try ListenHarness.date(record["stamp"])
        XCTAssertTrue(stamp >= before.addingTimeInterval(-1) && stamp <= Date().addingTimeInterval(1), line)
    }

    func testLiveMessageAsTextIsOneRecordLine() throws {
        let result = try receiveLive("hello text", format: "text")
        XCTAssertNotNil(
            result.stdout.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ alice@localhost/[^ ]+: hello text\n$"#, options: .regularExpression),
            result.stdout)
    }

    func testLiveMessageAsXMLIsTheStanzaOnOneLine() throws {
        let result = try receiveLive("hello <xml> & co", format: "xml")
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, result.stdout)
        let stanza = try ListenHarness.parseXML(try XCTUnwrap(lines.first))
        XCTAssertEqual(stanza.name, "message")
        XCTAssertTrue((stanza.attributes["from"] ?? "").hasPrefix("alice@localhost/"), result.stdout)
        XCTAssertEqual(stanza.texts["body"], "hello <xml> & co")
        XCTAssertNil(stanza.attributes["delay.stamp"], "a live message marked delayed: \(result.stdout)")
    }

    // MARK: Offline

    /// Sends while the listener is away, waits until the clock is past the second the server
    /// stored the message in, then listens: the record has the time the message was sent
    /// (XEP-0203), not the time it arrived (which is in a later second).
    private func receiveOffline(_ body: String, format: String) throws -> (CLIResult, sent: Date, listened: Date) {
        let offline = try ListenHarness.account("listener1", on: server)
        try ListenHarness.drain(offline, on: server)
        let sent = Date()
        try send(body, to: offline)
        let listened = ListenHarness.waitForTheSecondAfter(Date())
        let result = try runCLI(
            ["listen"] + ListenHarness.connection(offline, server) + ["--format", format, "--count", "1"],
            environment: ["XMPP_PASSWORD": offline.password], timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(ListenHarness.lines(result.stdout).count, 1, result.stdout)
        return (result, sent, listened)
    }

    private func assertOriginalTime(_ stamp: Date, sent: Date, listened: Date, _ output: String, line: UInt = #line) {
        // Stamps have whole seconds: the original one is at most the second it was sent in,
        // and the time of arrival would be `listened` (a whole second) or later.
        XCTAssertTrue(
            stamp >= sent.addingTimeInterval(-1.5) && stamp < listened,
            "stamp \(stamp) is not the sending time \(sent) (listened from \(listened)): \(output)", line: line)
    }

    func testOfflineMessageAsJSONIsDelayedWithItsOriginalStamp() throws {
        let (result, sent, listened) = try receiveOffline("offline json", format: "json")
        let record = try ListenHarness.object(result.stdout)
        XCTAssertEqual(record["body"] as? String, "offline json")
        XCTAssertEqual(record["delayed"] as? Bool, true, result.stdout)
        assertOriginalTime(try ListenHarness.date(record["stamp"]), sent: sent, listened: listened, result.stdout)
    }

    func testOfflineMessageAsTextIsMarkedDelayedWithItsOriginalStamp() throws {
        let (result, sent, listened) = try receiveOffline("offline text", format: "text")
        XCTAssertTrue(result.stdout.contains(" (delayed): offline text"), result.stdout)
        let stamp = try ListenHarness.date(String(result.stdout.prefix(while: { $0 != " " })))
        assertOriginalTime(stamp, sent: sent, listened: listened, result.stdout)
    }

    func testOfflineMessageAsXMLKeepsTheDelayElement() throws {
        let (result, sent, listened) = try receiveOffline("offline xml", format: "xml")
        let stanza = try ListenHarness.parseXML(result.stdout.trimmingCharacters(in: .newlines))
        XCTAssertEqual(stanza.texts["body"], "offline xml")
        assertOriginalTime(try ListenHarness.date(stanza.attributes["delay.stamp"]), sent: sent, listened: listened, result.stdout)
    }

    /// `listen --count 1` in a loop is how a script takes messages one at a time: what
    /// arrived after the first is left with the server (not acknowledged, XEP-0198), which
    /// keeps it for the next run instead of losing it.
    func testMessagesBeyondTheCountAreKeptForTheNextRun() throws {
        let offline = try ListenHarness.account("listener1", on: server)
        try ListenHarness.drain(offline, on: server)
        try ListenHarness.send(from: server.alice, to: offline.jid, on: server, body: "queued {n}", count: 3, scratch: scratch)
        var bodies: [String] = []
        for _ in 1...3 {
            let result = try runCLI(
                ["listen"] + ListenHarness.connection(offline, server) + ["--format", "json", "--count", "1", "--duration", "5"],
                environment: ["XMPP_PASSWORD": offline.password], timeout: 30)
            XCTAssertEqual(result.exitCode, 0, result.summary)
            bodies += try ListenHarness.lines(result.stdout).map { try ListenHarness.object($0)["body"] as? String ?? "?" }
        }
        XCTAssertEqual(bodies, ["queued 1", "queued 2", "queued 3"])
    }

    // MARK: Hostile bodies

    /// Four lines, with a C1 control (CSI), the Unicode line separator and tabs in them.
    private let hostileBody = "first line\nsecond\u{9B}[31m red\u{2028}still second\tTAB\n\n\u{85}fourth"

    func testHostileBodyKeepsToItsRecordInText() throws {
        let result = try receiveLive(hostileBody, format: "text")
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 4, "a 4-line body is not 4 lines: \(result.stdout.debugDescription)")
        XCTAssertTrue(lines.first?.hasSuffix(": first line") ?? false, result.stdout.debugDescription)
        for continuation in lines.dropFirst() {
            XCTAssertTrue(continuation.hasPrefix("  "), "continuation line without two spaces: \(continuation.debugDescription)")
        }
        XCTAssertEqual(ListenHarness.rawControls(in: result.stdout), [], result.stdout.debugDescription)
        XCTAssertEqual(lines[1], "  second\\x{9b}[31m red\\x{2028}still second\\tTAB")
        XCTAssertEqual(lines[3], "  \\x{85}fourth")
    }

    func testHostileBodyIsExactInJSON() throws {
        let result = try receiveLive(hostileBody, format: "json")
        XCTAssertEqual(ListenHarness.lines(result.stdout).count, 1, result.stdout.debugDescription)
        XCTAssertEqual(ListenHarness.rawControls(in: result.stdout), [], result.stdout.debugDescription)
        XCTAssertEqual(try ListenHarness.object(result.stdout)["body"] as? String, hostileBody)
    }

    func testHostileBodyIsOneLineAndExactInXML() throws {
        let result = try receiveLive(hostileBody, format: "xml")
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, result.stdout.debugDescription)
        XCTAssertEqual(ListenHarness.rawControls(in: result.stdout).filter { $0 != "\t" }, [], result.stdout.debugDescription)
        XCTAssertEqual(try ListenHarness.parseXML(try XCTUnwrap(lines.first)).texts["body"], hostileBody)
    }
}
