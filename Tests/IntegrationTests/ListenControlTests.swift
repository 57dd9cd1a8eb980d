import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How `xmpp-cli listen` ends (signals, --count, --duration, --idle-timeout), whom it
/// listens to (--from), and what --exec gets, against Prosody with slixmpp sending.
final class ListenControlTests: XCTestCase {
    private var server: ProsodyServer!
    private var receiver: TestAccount!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        receiver = try ListenHarness.account("listener2", on: server)
        scratch = try makeScratchDirectory()
    }

    private func send(_ body: String, from sender: TestAccount? = nil, count: Int = 1) throws {
        try ListenHarness.send(
            from: sender ?? server.alice, to: receiver.jid, on: server, body: body, count: count, scratch: scratch)
    }

    /// Runs `listen` to its end; returns the result and how long it ran, on a monotonic clock.
    private func listenToEnd(_ options: [String]) throws -> (CLIResult, ran: Duration) {
        let started = ContinuousClock.now
        let result = try runCLI(
            ["listen"] + ListenHarness.connection(receiver, server) + options,
            environment: ["XMPP_PASSWORD": receiver.password], timeout: 30)
        return (result, ContinuousClock.now - started)
    }

    /// Lets time pass until `instant`: for tests of the options that count time.
    private func pause(until instant: ContinuousClock.Instant) {
        let left = (instant - .now).components
        let seconds = Double(left.seconds) + Double(left.attoseconds) / 1e18
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    }

    // MARK: Ending

    // How long a run takes is checked only from below, against the option's own time: load
    // makes a run longer, never shorter. How soon it ends is bounded by the harness's
    // deadline alone (a listener that did not end would be killed there and fail).

    /// A signal ends the listener as a stop condition does: it sends its unavailable
    /// presence and closes its stream, then exits 0. A listener the signal did not wake
    /// would sleep until its keepalive, past the harness's deadline.
    private func assertSignalEndsCleanly(_ signal: Int32, line: UInt = #line) throws {
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["-vv"])
        listener.send(signal: signal)
        let result = try listener.wait(timeout: 10)
        XCTAssertEqual(result.exitCode, 0, result.summary, line: line)
        let lines = result.stderr.split(separator: "\n")
        let notes = lines.filter { !$0.hasPrefix("SEND ") && !$0.hasPrefix("RECV ") }
        XCTAssertFalse(notes.contains { $0.contains("error") }, result.summary, line: line)
        let sent = lines.filter { $0.hasPrefix("SEND ") }
        XCTAssertEqual(sent.last, "SEND </stream:stream>", "the stream was not closed: \(result.summary)", line: line)
        XCTAssertTrue(
            sent.contains { $0.hasPrefix("SEND <presence") && $0.contains("type='unavailable'") },
            "no unavailable presence: \(result.summary)", line: line)
    }

    func testSIGTERMClosesTheStreamAndExits0() throws {
        try assertSignalEndsCleanly(SIGTERM)
    }

    func testSIGINTClosesTheStreamAndExits0() throws {
        try assertSignalEndsCleanly(SIGINT)
    }

    /// The other side sees the listener go: a contact subscribed to its presence gets its
    /// own unavailable presence (no "Disconnected" status from the server), at once. Had
    /// the stream not been closed, the server would keep the resumable session (XEP-0198)
    /// and say nothing for minutes.
    func testPeersSeeTheListenerLeaveAfterSIGTERM() throws {
        let watcher = try ListenHarness.account("listener1", on: server)
        // listener1 watches listener2's presence; both sides subscribe through the protocol.
        try ListenHarness.subscribe(watcher, to: receiver, on: server, scratch: scratch)
        let presenceWatch = try ListenHarness.startListener(
            as: watcher, on: server, ["--presence", "--format", "json", "--from", receiver.jid, "--duration", "20"])
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--resource", "leaving"])
        let full = "\"from\":\"\(receiver.jid)/leaving\""
        // First the server's answer to the watcher's probe, perhaps; then the listener's arrival.
        try presenceWatch.waitForOutput { $0.contains(full + ",\"type\":\"available\"") }
        listener.send(signal: SIGTERM)
        XCTAssertEqual(try listener.wait(timeout: 10).exitCode, 0)
        try presenceWatch.waitForOutput(timeout: 10) {
            $0.contains(full + ",\"type\":\"unavailable\",\"show\":null,\"status\":null")
        }
        presenceWatch.send(signal: SIGTERM)
        XCTAssertEqual(try presenceWatch.wait(timeout: 10).exitCode, 0)
    }

    /// Nothing arrives: the listener, once online, ends by itself after the idle time.
    func testIdleTimeoutWithNothingArrivingExits0() throws {
        let (result, ran) = try listenToEnd(["--idle-timeout", "1", "-v"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("listening as"), "it never was online: \(result.summary)")
        XCTAssertGreaterThanOrEqual(ran, .seconds(1), "it ended before it had been idle for 1 s")
    }

    /// The idle time counts from the last record, not from the start: a message that comes
    /// after the idle time has passed since the start, but not since the record before it,
    /// is still printed. The senders are logged in beforehand, so each message leaves when
    /// the test says; each has over a second to arrive (idle 4 s, the first message 2 s
    /// after the start, the second 0.5 s after the first idle time would have ended).
    func testIdleTimeoutCountsFromTheLastRecord() throws {
        let idle = 4.0
        let first = try ReadySender(from: server.alice, to: receiver.jid, body: "keep going", on: server, scratch: scratch)
        let second = try ReadySender(from: server.alice, to: receiver.jid, body: "still here", on: server, scratch: scratch)
        let listener = try BackgroundCLI(
            ["listen"] + ListenHarness.connection(receiver, server) + ["-v", "--idle-timeout", String(idle), "--format", "json"],
            environment: ["XMPP_PASSWORD": receiver.password])
        // Its first -v line comes after its idle clock started: a bound on the start from above.
        try listener.waitForStderr(containing: "xmpp-cli: ")
        let started = ContinuousClock.now
        pause(until: started + .seconds(idle / 2))
        try first.go()
        try listener.waitForLines(1)
        // An idle time counted from the start has surely passed now.
        pause(until: started + .seconds(idle + 0.5))
        try second.go()
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let bodies = try ListenHarness.lines(result.stdout).map { try ListenHarness.object($0)["body"] as? String }
        XCTAssertEqual(bodies, ["keep going", "still here"], result.summary)
        try first.finish()
        try second.finish()
    }

    /// The listener, once online, ends by itself when the duration has passed.
    func testDurationExits0() throws {
        let (result, ran) = try listenToEnd(["--duration", "1.5", "-v"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("listening as"), "it never was online: \(result.summary)")
        XCTAssertGreaterThanOrEqual(ran, .milliseconds(1500), "it ended before its duration")
    }

    func testCountStopsAfterExactlyNRecords() throws {
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--count", "2", "--format", "json"])
        try send("counted {n}", count: 2)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let bodies = try ListenHarness.lines(result.stdout).map { try ListenHarness.object($0)["body"] as? String }
        XCTAssertEqual(bodies, ["counted 1", "counted 2"])
    }

    // MARK: Filters

    /// A bare --from takes any of its resources; a full one only that resource.
    func testFromFilterKeepsOnlyTheNamedSenders() throws {
        let listener = try ListenHarness.startListener(
            as: receiver, on: server,
            ["--from", server.bob.jid, "--from", "\(server.alice.jid)/not-this-resource", "--count", "1", "--format", "json"])
        try send("from alice", from: server.alice)
        try send("from bob", from: server.bob)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let lines = ListenHarness.lines(result.stdout)
        XCTAssertEqual(lines.count, 1, result.stdout)
        let record = try ListenHarness.object(try XCTUnwrap(lines.first))
        XCTAssertEqual(record["body"] as? String, "from bob")
        XCTAssertTrue((record["from"] as? String ?? "").hasPrefix("bob@localhost/"), result.stdout)
    }

    // MARK: --exec

    /// The command writes its stdin and XMPP_* environment to files named after XMPP_ID,
    /// and logs when it starts and ends, to show the runs do not overlap. Each run lasts a
    /// little (0.3 s) so that a run started while another is going would show in the log.
    private func recordingCommand(failOn marker: String? = nil) throws -> (command: String, directory: URL) {
        let directory = scratch.appendingPathComponent("exec-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fail = marker.map { "if grep -q '^\($0)' \"$d/$XMPP_ID.body\"; then echo end >> \"$d/log\"; exit 3; fi; " } ?? ""
        let command = "d='\(directory.path)'; echo start >> \"$d/log\"; cat > \"$d/$XMPP_ID.body\"; \(fail)"
            + "env | grep '^XMPP_' | sort > \"$d/$XMPP_ID.env\"; sleep 0.3; echo end >> \"$d/log\""
        return (command, directory)
    }

    private func environment(in directory: URL, id: String) throws -> [String: String] {
        let text = try String(contentsOf: directory.appendingPathComponent("\(id).env"), encoding: .utf8)
        return parseEnvironmentFile(text)
    }

    private func ids(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".body") }.map { String($0.dropLast(5)) }
    }

    func testExecGetsTheBodyOnStdinAndTheAddressesInItsEnvironment() throws {
        let (command, directory) = try recordingCommand()
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--exec", command, "--count", "2"])
        try send("exec {n}\nsecond line", count: 2)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stdout, "", "records printed with --exec")

        let ids = try ids(in: directory)
        XCTAssertEqual(ids.count, 2, "\(ids)")
        var bodies: [String] = []
        for id in ids {
            bodies.append(try String(contentsOf: directory.appendingPathComponent("\(id).body"), encoding: .utf8))
            let environment = try environment(in: directory, id: id)
            XCTAssertEqual(environment["XMPP_ID"], id)
            XCTAssertTrue((environment["XMPP_FROM"] ?? "").hasPrefix("alice@localhost/"), "\(environment)")
            XCTAssertTrue((environment["XMPP_TO"] ?? "").hasPrefix("listener2@localhost"), "\(environment)")
            XCTAssertEqual(environment["XMPP_TYPE"], "chat")
            XCTAssertNil(environment["XMPP_ROOM"], "\(environment)")
            XCTAssertNil(environment["XMPP_PASSWORD"], "the command was given the account's password")
        }
        XCTAssertEqual(bodies.sorted(), ["exec 1\nsecond line", "exec 2\nsecond line"])
        // One at a time: each run ends before the next starts.
        let log = try String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)
        XCTAssertEqual(log, "start\nend\nstart\nend\n")
    }

    func testFailingExecIsReportedAndTheNextMessageStillProcessed() throws {
        let (command, directory) = try recordingCommand(failOn: "fail")
        let listener = try ListenHarness.startListener(as: receiver, on: server, ["--exec", command, "--count", "2"])
        try send("fail this one")
        try send("then this one")
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("status 3"), "the failure is not reported: \(result.summary)")
        let processed = try ids(in: directory).filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0).env").path)
        }
        XCTAssertEqual(processed.count, 1, "\(processed)")
        let body = try String(contentsOf: directory.appendingPathComponent("\(processed[0]).body"), encoding: .utf8)
        XCTAssertEqual(body, "then this one")
    }
}
