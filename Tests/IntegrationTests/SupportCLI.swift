import Foundation
import XCTest

/// What one run of `xmpp-cli` did.
struct CLIResult {
    let exitCode: Int32
    let stdout: String
    let stderr: String
    let command: String

    /// For assertion messages: enough to see what went wrong without re-running.
    var summary: String { "`\(command)` exited \(exitCode); stderr: \(stderr)" }
}

/// The environment every run of the binary starts from: this process's environment without
/// any XMPP_* variable, and config and state folders that are empty, so a developer's own
/// account or config file cannot change what a test sees.
let isolatedEnvironment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
    let home = FileManager.default.temporaryDirectory
        .appendingPathComponent("xmpp-cli-tests-home-\(getpid())")
    // A home of its own: a developer's ~/.sendxmpprc or go-sendxmpp config must not leak in.
    environment["HOME"] = home.path
    environment["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
    environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
    environment["XDG_CACHE_HOME"] = home.appendingPathComponent("cache").path
    environment["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
    return environment
}()

/// Runs the built `xmpp-cli` with `arguments`, extra `environment` variables (e.g.
/// `XMPP_PASSWORD`) and `stdin` (nil: /dev/null, never a terminal). A run that outlasts
/// `timeout` seconds is killed and fails the test by throwing. A `launcher` (such as
/// `ip netns exec NAME`) runs the binary in its place, and must exec it.
func runCLI(
    _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
    timeout: TimeInterval = 60, launcher: [String] = []
) throws -> CLIResult {
    let scratch = try makeTemporaryDirectory("xmpp-cli-run")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let binary = try SupportPaths.cliBinary()
    let child = try ChildProcess(
        launcher.first.map { URL(fileURLWithPath: $0) } ?? binary,
        launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [binary.path] + arguments,
        environment: isolatedEnvironment.merging(environment) { _, new in new },
        stdin: stdin, outputIn: scratch)
    let outcome = try child.wait(timeout: timeout)
    return CLIResult(
        exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr,
        command: child.command)
}

/// Checks the contract for every failure: the expected exit status, and exactly one
/// non-empty line on stderr that gives away none of the `secrets`.
func assertFailure(
    _ result: CLIResult, exitCode expected: Int32, secrets: [String] = [],
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(result.exitCode, expected, result.summary, file: file, line: line)
    let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertFalse(message.isEmpty, "no error message on stderr: \(result.summary)", file: file, line: line)
    XCTAssertEqual(
        message.split(separator: "\n", omittingEmptySubsequences: false).count, 1,
        "stderr is not one line: \(result.summary)", file: file, line: line)
    for secret in secrets where !secret.isEmpty {
        XCTAssertFalse(
            result.stderr.contains(secret) || result.stdout.contains(secret),
            "the output gives away a password: \(result.summary)", file: file, line: line)
    }
}

extension XCTestCase {
    /// A temporary directory removed when the test ends.
    func makeScratchDirectory() throws -> URL {
        let url = try makeTemporaryDirectory("xmpp-cli-test")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
