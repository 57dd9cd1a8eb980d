import Foundation
import XCTest

/// SIGTERM reaches `listen` whatever it is waiting on: the reconnection back-off, or an
/// `--exec` command (stopped with its process group). A second SIGTERM while the first is
/// being handled ends it at once. Each wait of the harness is bounded far below what the
/// listener would take if the signal went unseen.
final class ListenSignalTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = try makeScratchDirectory()
    }

    private func startListener(_ server: FakeServer, _ options: [String]) throws -> BackgroundCLI {
        try BackgroundCLI(
            [
                "listen", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20", "--format", "json",
            ] + options,
            environment: ["XMPP_PASSWORD": FakeServer.password])
    }

    /// The server goes away for good after one connection (m1 to m3, then a reset), so the
    /// listener keeps retrying with a growing delay. Once it announces a delay of about
    /// 16 s (8 to 24 s with jitter), SIGTERM must end it well within that.
    func testSIGTERMDuringTheReconnectionBackoffEndsListenAtOnce() throws {
        let server = try FakeServer(scenario: "listen-drop-resume", scratch: scratch)
        let listener = try startListener(server, ["--reconnect"])
        try listener.waitForStderr(containing: "retrying in about 16 s", timeout: 60)
        listener.send(signal: SIGTERM)
        let result = try listener.wait(timeout: 6)
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    /// The command runs (it has written its pid) and would for ten minutes; SIGTERM stops
    /// its group and the listener closes cleanly.
    func testSIGTERMWhileAnExecCommandRunsStopsItAndClosesCleanly() throws {
        let server = try FakeServer(scenario: "listen-repeated-ids", scratch: scratch)
        let pidFile = scratch.appendingPathComponent("exec.pid")
        let listener = try startListener(server, ["--exec", "echo $$ >> '\(pidFile.path)'; sleep 600 & wait"])
        let shell = try ProcessGroups.waitForPID(in: pidFile)
        listener.send(signal: SIGTERM)
        let exited = listener.exits(within: 15)
        ProcessGroups.assertGone(startedAs: shell)
        let result = try listener.wait(timeout: 10)
        XCTAssertTrue(exited, "still running 15 s after SIGTERM: \(result.summary)")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        // The other two messages came while it ran: no command was started for them.
        XCTAssertEqual(try String(contentsOf: pidFile, encoding: .utf8), "\(shell)\n")
    }

    /// The command shrugs off SIGTERM, so stopping it takes the grace period; a second
    /// SIGTERM meanwhile ends the listener at once by that signal, and its group with it.
    func testSecondSIGTERMWhileTheFirstIsHandledEndsListenAtOnce() throws {
        let server = try FakeServer(scenario: "listen-repeated-ids", scratch: scratch)
        let pidFile = scratch.appendingPathComponent("exec.pid")
        let termFile = scratch.appendingPathComponent("exec.term")
        let command = """
            trap 'echo > "\(termFile.path)"' TERM; echo $$ > '\(pidFile.path)'; \
            while :; do sleep 600 & wait; done
            """
        let listener = try startListener(server, ["--exec", command])
        let shell = try ProcessGroups.waitForPID(in: pidFile)
        listener.send(signal: SIGTERM)
        // The group has had the first SIGTERM: the listener is in its grace period.
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: termFile.path) && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: termFile.path), "the command never got SIGTERM")
        listener.send(signal: SIGTERM)
        let exited = listener.exits(within: 15)
        ProcessGroups.assertGone(startedAs: shell)
        let result = try listener.wait(timeout: 10)
        XCTAssertTrue(exited, "still running 15 s after the second SIGTERM: \(result.summary)")
        // Foundation reports a death by signal N as N (a shell would say 128 + N).
        XCTAssertEqual(result.exitCode, SIGTERM, result.summary)
    }
}
