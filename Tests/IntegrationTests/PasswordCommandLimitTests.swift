import Foundation
import XCTest

/// `--password-command` is bounded by `--timeout` however it misbehaves: a command that
/// closes its output and goes on is stopped with its whole process group (exit 75).
final class PasswordCommandLimitTests: XCTestCase {
    func testCommandThatClosesItsPipesAndGoesOnIsStoppedByTheTimeout() throws {
        let scratch = try makeScratchDirectory()
        let pidFile = scratch.appendingPathComponent("command.pid")
        // The shell records its pid (its group's id), leaves nothing open to us, and sleeps on.
        let command = "echo $$ > '\(pidFile.path)'; exec >&- 2>&-; sleep 600"
        let send = try BackgroundCLI(
            ["send", "-j", "a@localhost", "--password-command", command, "--timeout", "2", "-m", "x", "b@localhost"])
        let shell = try ProcessGroups.waitForPID(in: pidFile)
        // Far more than --timeout, far less than the command's sleep.
        let exited = send.exits(within: 20)
        ProcessGroups.assertGone(startedAs: shell)
        let result = try send.wait(timeout: 10)
        XCTAssertTrue(exited, "still running 20 s after its 2 s --timeout: \(result.summary)")
        assertFailure(result, exitCode: 75, secrets: [])
        XCTAssertTrue(result.stderr.contains("--password-command"), result.stderr)
    }
}
