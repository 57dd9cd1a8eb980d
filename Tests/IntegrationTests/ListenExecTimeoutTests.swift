import Foundation
import XCTest

/// `listen --exec` with `--exec-timeout`: a command that runs out of time is stopped with
/// its whole process group, reported in one warning line, and the next message is handled.
/// Against the fake server's `listen-repeated-ids`: three messages from bob@localhost/cron,
/// all with id 1: "backup done (monday)", "(tuesday)", then "(monday)" again.
final class ListenExecTimeoutTests: XCTestCase {
    func testCommandThatRunsOutOfTimeIsStoppedAndTheNextMessageHandled() throws {
        let scratch = try makeScratchDirectory()
        let server = try FakeServer(scenario: "listen-repeated-ids", scratch: scratch)
        let pidFile = scratch.appendingPathComponent("stuck.pid")
        // Monday's command records its shell's pid and waits on a child of its own, which
        // must be stopped with it; Tuesday's prints.
        let command = """
            body=$(cat); case "$body" in *monday*) echo $$ > '\(pidFile.path)'; sleep 600 & wait ;; \
            *) echo "handled: $body" ;; esac
            """
        let listener = try BackgroundCLI(
            [
                "listen", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20", "--count", "2",
                "--exec", command, "--exec-timeout", "1",
            ],
            environment: ["XMPP_PASSWORD": FakeServer.password])
        let shell = try ProcessGroups.waitForPID(in: pidFile)
        let exited = listener.exits(within: 30)
        ProcessGroups.assertGone(startedAs: shell)
        let result = try listener.wait(timeout: 10)
        XCTAssertTrue(exited, "still running: \(result.summary)")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stdout, "handled: backup done (tuesday)\n", result.summary)
        let warnings = result.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 1, "one warning line: \(result.summary)")
        XCTAssertTrue(
            warnings.first?.hasPrefix(
                "xmpp-cli: warning: --exec command did not finish within 1 s for the message 1 from bob@localhost/cron")
                ?? false,
            result.summary)
    }
}
