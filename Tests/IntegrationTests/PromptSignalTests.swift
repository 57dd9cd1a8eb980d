import Foundation
import XCTest

/// Ctrl-C or SIGTERM at the password prompt: the terminal gets its echo back and a fresh
/// line, and the program ends by the signal (a shell reports 128 + N). Driven through a
/// pseudo-terminal by Tests/Support/pty/answer-prompt.py, which reports the terminal's echo
/// setting once the command has exited.
final class PromptSignalTests: XCTestCase {
    private static let answerPrompt = SupportPaths.support.appendingPathComponent("pty/answer-prompt.py")

    /// `send` with no password from any source, on a terminal; `driver` says what happens
    /// at the prompt. Nothing connects: the prompt comes first.
    private func promptOnTerminal(_ driver: [String], answer: String = "") throws -> ProcessOutcome {
        let home = try makeScratchDirectory()
        let send = [
            try SupportPaths.cliBinary().path, "send", "-j", "alice@localhost", "--server", "127.0.0.1:1",
            "--timeout", "5", "-m", "never sent", "bob@localhost",
        ]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        environment["ANSWER_PROMPT_TEXT"] = answer
        return try runProcess(
            SupportPaths.python, [Self.answerPrompt.path, "--timeout", "20", "--report-echo"] + driver + ["--"] + send,
            environment: environment, timeout: 30, outputIn: home)
    }

    private func assertEndedBy(_ signal: Int32, _ outcome: ProcessOutcome, line: UInt = #line) {
        let shown = "terminal showed: \(outcome.stdout.debugDescription) stderr: \(outcome.stderr)"
        XCTAssertEqual(outcome.exitCode, 128 + signal, shown, line: line)
        XCTAssertTrue(outcome.stdout.contains("Password for alice@localhost: "), shown, line: line)
        XCTAssertTrue(outcome.stderr.contains("answer-prompt: echo on"), "echo was left off: \(shown)", line: line)
        // The cursor is not left after the prompt: whatever comes next starts a line (the
        // terminal shows a newline as CR LF).
        XCTAssertTrue(outcome.stdout.hasSuffix("\r\n"), "no fresh line after the prompt: \(shown)", line: line)
    }

    func testCtrlCAtThePromptRestoresTheTerminal() throws {
        // Ctrl-C alone, as a person types it: the terminal turns it into SIGINT.
        assertEndedBy(SIGINT, try promptOnTerminal(["--no-enter"], answer: "\u{3}"))
    }

    func testSIGTERMAtThePromptRestoresTheTerminal() throws {
        assertEndedBy(SIGTERM, try promptOnTerminal(["--signal", "TERM"]))
    }
}
