import Foundation
import XCTest

/// `xmpp-cli listen` against the scripted fake server: connections cut mid-stream and
/// resumed (XEP-0198) or logged in again without a message printed twice, a lost
/// connection without --reconnect, and forged carbons (XEP-0280 §11).
final class ListenFakeServerTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = try makeScratchDirectory()
    }

    private func listen(at address: String, _ options: [String]) throws -> CLIResult {
        try runCLI(
            [
                "listen", "-j", "alice@localhost", "--server", address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20",
            ] + options,
            environment: ["XMPP_PASSWORD": FakeServer.password], timeout: 40)
    }

    private func records(_ result: CLIResult) throws -> [[String: Any]] {
        try ListenHarness.lines(result.stdout).map { try ListenHarness.object($0) }
    }

    // MARK: Reconnecting

    /// Runs `listen --reconnect --count 4 --format json` against `scenario`, which cuts the
    /// first connection after m3 and serves m4 on a later one; checks that m1 to m4 come
    /// out once each, in order. Returns what the client sent.
    @discardableResult
    private func assertFourMessagesOnce(_ scenario: String, line: UInt = #line) throws -> String {
        let server = try MultiConnectionFakeServer(scenario: scenario, scratch: scratch)
        let result = try listen(at: server.address, ["--reconnect", "--count", "4", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary, line: line)
        let records = try records(result)
        XCTAssertEqual(records.compactMap { $0["id"] as? String }, ["m1", "m2", "m3", "m4"], result.stdout, line: line)
        XCTAssertEqual(records.compactMap { $0["body"] as? String }, ["one", "two", "three", "four"], line: line)
        XCTAssertTrue(result.stderr.contains("reconnecting"), "no word of the reconnection: \(result.summary)", line: line)
        return server.clientBytes
    }

    /// Whether the client asked to resume, saying it had handled `handled` stanzas.
    private static func resumes(_ sent: String, handled: Int) -> Bool {
        sent.range(of: "<resume [^>]*h=['\"]\(handled)['\"]", options: .regularExpression) != nil
    }

    func testResumesTheStreamAfterACutConnection() throws {
        let sent = try assertFourMessagesOnce("listen-drop-resume")
        // It handled m1 to m3 before the cut, and says so when resuming.
        XCTAssertTrue(Self.resumes(sent, handled: 3), "no <resume h='3'>: \(sent)")
        XCTAssertEqual(sent.components(separatedBy: "<auth ").count - 1, 2, "logged in other than twice: \(sent)")
    }

    /// m3 never reached the client: its <resume h='2'/> makes the server send it again.
    func testResumptionGetsWhatWasLostInTransit() throws {
        let sent = try assertFourMessagesOnce("listen-drop-unread")
        XCTAssertTrue(Self.resumes(sent, handled: 2), "no <resume h='2'>: \(sent)")
    }

    /// A server that sends m3 again after resumption, though the client had it: printed once.
    func testMessageSentAgainAfterResumptionIsPrintedOnce() throws {
        try assertFourMessagesOnce("listen-drop-resend-twice")
    }

    /// Resumption refused: the client logs in again, and m3 comes again from offline
    /// storage; it is not printed a second time.
    func testNewLoginAfterRefusedResumptionPrintsNothingTwice() throws {
        let sent = try assertFourMessagesOnce("listen-drop-relogin")
        XCTAssertEqual(sent.components(separatedBy: "<auth ").count - 1, 3, "expected three logins: \(sent)")
    }

    /// A TCP FIN without TLS close_notify is a lost connection like a reset.
    func testEndOfFileWithoutTLSCloseIsALostConnectionToo() throws {
        try assertFourMessagesOnce("listen-drop-eof")
    }

    /// --duration and --idle-timeout hold while the server is away too: retrying does not
    /// outlast them. The server serves one connection and is gone, so the listener retries
    /// until the limit ends it, with exit 0; one that retried on regardless would be killed
    /// at the harness's deadline and fail. The limits leave m1 to m3 time to arrive first.
    func testDurationAndIdleTimeoutEndAListenerThatIsStillReconnecting() throws {
        for limit in [["--duration", "6"], ["--idle-timeout", "4"]] {
            // One connection, then gone. A folder each: the server's port file is named after the scenario.
            let folder = scratch.appendingPathComponent(limit[0])
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let server = try FakeServer(scenario: "listen-drop-resume", scratch: folder)
            let result = try listen(at: server.address, ["--reconnect", "--format", "json"] + limit)
            XCTAssertEqual(result.exitCode, 0, "\(limit): \(result.summary)")
            XCTAssertEqual(try records(result).compactMap { $0["id"] as? String }, ["m1", "m2", "m3"], result.stdout)
            XCTAssertTrue(result.stderr.contains("reconnecting"), "\(limit): it never was reconnecting: \(result.summary)")
        }
    }

    func testLostConnectionWithoutReconnectExits74() throws {
        let server = try FakeServer(scenario: "listen-drop-resume", scratch: scratch)
        let result = try listen(at: server.address, ["--format", "json"])
        assertFailure(result, exitCode: 74, secrets: [FakeServer.password])
        XCTAssertEqual(try records(result).compactMap { $0["id"] as? String }, ["m1", "m2", "m3"], result.stdout)
    }

    /// Ids are unique per sender only by convention: clients whose counter restarts with
    /// each run reuse them. Without a reconnection nothing can arrive twice, so nothing is
    /// dropped as a repeat. (--count ends the run; the idle timeout only ends a run that
    /// dropped one, so that it fails on the records instead of the harness's deadline.)
    func testReusedIDsWithoutAReconnectionAreAllPrinted() throws {
        let server = try FakeServer(scenario: "listen-repeated-ids", scratch: scratch)
        let result = try listen(at: server.address, ["--count", "3", "--idle-timeout", "10", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(
            try records(result).compactMap { $0["body"] as? String },
            ["backup done (monday)", "backup done (tuesday)", "backup done (monday)"], result.stdout)
    }

    /// `--timeout` bounds the login; `--idle-timeout` and `--duration` count from being
    /// online, so a slow login does not use them up before anything could arrive.
    func testIdleTimeoutAndDurationCountFromBeingOnline() throws {
        for limit in [["--idle-timeout", "1"], ["--duration", "1"]] {
            let server = try FakeServer(scenario: "listen-slow-login", scratch: try makeScratchDirectory())
            let result = try listen(at: server.address, limit + ["--format", "json"])
            XCTAssertEqual(result.exitCode, 0, result.summary)
            XCTAssertEqual(try records(result).compactMap { $0["id"] as? String }, ["after-login"], "\(limit): \(result.stdout)")
        }
    }

    // MARK: Archives

    /// A message an archive page gave, whose live copy comes after the page (an archive and
    /// a delivery that run apart), is printed once, from the archive; what comes only live
    /// follows. Prosody always delivers the live copy first, so only this server shows it.
    func testALiveCopyAfterTheArchivesPageIsNotPrintedAgain() throws {
        let server = try FakeServer(scenario: "listen-archive-late-live", scratch: scratch)
        let result = try listen(at: server.address, ["--since", "1h", "--count", "3", "--idle-timeout", "5", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try records(result)
        XCTAssertEqual(records.compactMap { $0["body"] as? String }, ["archived one", "archived, then live", "only live"], result.stdout)
        XCTAssertEqual(records.map { $0["archived"] as? Bool ?? false }, [true, true, false], result.stdout)
        XCTAssertEqual(records.compactMap { $0["archive_id"] as? String }, ["A1", "A2", "A3"], result.stdout)
    }

    // MARK: Carbons

    func testForgedCarbonIsDroppedAndGenuineCarbonPrinted() throws {
        let server = try FakeServer(scenario: "spoofed-carbon", scratch: scratch)
        let result = try listen(at: server.address, ["--carbons", "--count", "2", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertFalse(result.stdout.contains("forged"), "a forged carbon was printed: \(result.stdout)")
        let records = try records(result)
        XCTAssertEqual(records.count, 2, result.stdout)
        XCTAssertEqual(records.first?["body"] as? String, "genuine")
        XCTAssertEqual(records.first?["carbon"] as? String, "received")
        XCTAssertEqual(records.first?["from"] as? String, "x@y")
        XCTAssertEqual(records.last?["body"] as? String, "plain")
        XCTAssertNil(records.last?["carbon"], result.stdout)
        XCTAssertTrue(result.stderr.contains("mallory@evil.example"), "the forgery is not reported: \(result.summary)")
        XCTAssertTrue(try server.clientBytes().contains("urn:xmpp:carbons:2"), "carbons were not enabled")
    }

    func testCarbonsArePrintedOnlyWithTheOption() throws {
        let server = try FakeServer(scenario: "spoofed-carbon", scratch: scratch)
        let result = try listen(at: server.address, ["--count", "1", "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try records(result)
        XCTAssertEqual(records.compactMap { $0["body"] as? String }, ["plain"], result.stdout)
        XCTAssertFalse(try server.clientBytes().contains("urn:xmpp:carbons:2"), "carbons enabled without --carbons")
    }
}

/// fakeserver.py serving one scenario to one client over several connections in turn
/// (without --once), for reconnection; stopped when the test is done with it.
private final class MultiConnectionFakeServer {
    let address: String
    private let logFile: URL
    private let child: ChildProcess

    init(scenario: String, scratch: URL) throws {
        let certificates = try TestCertificates.directory
        let portFile = scratch.appendingPathComponent("\(scenario).port")
        logFile = scratch.appendingPathComponent("\(scenario).log")
        child = try ChildProcess(
            SupportPaths.python,
            [
                SupportPaths.fakeServer.path, "--scenario", scenario, "--port-file", portFile.path, "--log", logFile.path,
                "--password", FakeServer.password, "--cert", certificates.appendingPathComponent("server.pem").path,
                "--key", certificates.appendingPathComponent("server.key").path, "--timeout", "20",
            ],
            environment: Peer.peerEnvironment(password: FakeServer.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(10)
        var port: String?
        while port == nil {
            port = (try? String(contentsOf: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if port == nil {
                guard child.isRunning, Date() < deadline else {
                    throw HarnessError.failedToStart("fakeserver.py \(scenario): \(child.output().stderr)")
                }
                usleep(20_000)
            }
        }
        address = "127.0.0.1:\(port!)"
    }

    /// Every byte the client sent, over all connections so far.
    var clientBytes: String { String(decoding: (try? Data(contentsOf: logFile)) ?? Data(), as: UTF8.self) }

    deinit { child.terminate() }
}
