import Foundation
import XCTest

/// The no-echo password prompt, driven through a pseudo-terminal by
/// Tests/Support/pty/answer-prompt.py, which types an answer when "Password for" appears
/// and prints everything the terminal showed.
final class AccountPromptTests: XCTestCase {
    private static let answerPrompt = SupportPaths.support.appendingPathComponent("pty/answer-prompt.py")

    /// Runs `send` as alice, with no password from any source, in a terminal where
    /// `answer` is typed at the prompt. With `stdinFromDevNull` the terminal is still
    /// there (the controlling one) but stdin is not it.
    private func sendOnTerminal(answer: String, stdinFromDevNull: Bool = false) throws -> ProcessOutcome {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let send = [
            try SupportPaths.cliBinary().path, "send", "-j", server.alice.jid, "--server", server.starttlsAddress,
            "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "20", "-m", "typed at a prompt",
            server.bob.jid,
        ]
        let command = stdinFromDevNull ? ["/bin/sh", "-c", "exec \"$0\" \"$@\" </dev/null"] + send : send
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment.merge(fixture.environment) { _, new in new }
        environment["ANSWER_PROMPT_TEXT"] = answer
        return try runProcess(
            SupportPaths.python, [Self.answerPrompt.path, "--timeout", "25", "--"] + command,
            environment: environment, timeout: 40, outputIn: fixture.home)
    }

    func testPromptOnTerminalLogsInWithoutEcho() throws {
        let server = try ProsodyServer.shared
        let outcome = try sendOnTerminal(answer: server.alice.password)
        XCTAssertEqual(outcome.exitCode, 0, "terminal showed: \(outcome.stdout) stderr: \(outcome.stderr)")
        XCTAssertTrue(outcome.stdout.contains("Password for \(server.alice.jid): "), outcome.stdout)
        XCTAssertFalse(outcome.stdout.contains(server.alice.password), "the typed password was echoed: \(outcome.stdout)")
        XCTAssertEqual(
            outcome.stdout.components(separatedBy: "Password for").count, 2, "asked once: \(outcome.stdout)")
    }

    /// The typed answer is what logs in: a wrong one fails as a wrong password does.
    func testWrongAnswerAtPromptExits77() throws {
        let wrong = "typed-wrong-Pa55"
        let outcome = try sendOnTerminal(answer: wrong)
        XCTAssertEqual(outcome.exitCode, 77, "terminal showed: \(outcome.stdout) stderr: \(outcome.stderr)")
        XCTAssertTrue(outcome.stdout.contains("Password for"), outcome.stdout)
        XCTAssertFalse(outcome.stdout.contains(wrong), "the typed password was echoed: \(outcome.stdout)")
    }

    func testEmptyAnswerAtPromptExits78() throws {
        let outcome = try sendOnTerminal(answer: "")
        XCTAssertEqual(outcome.exitCode, 78, "terminal showed: \(outcome.stdout) stderr: \(outcome.stderr)")
        XCTAssertTrue(outcome.stdout.contains("no password entered"), outcome.stdout)
    }

    /// A terminal is there, but stdin is not it (a pipe, a cron job's /dev/null): no prompt.
    func testNoPromptWhenStdinIsNotATerminal() throws {
        let server = try ProsodyServer.shared
        let outcome = try sendOnTerminal(answer: server.alice.password, stdinFromDevNull: true)
        XCTAssertEqual(outcome.exitCode, 78, "terminal showed: \(outcome.stdout) stderr: \(outcome.stderr)")
        XCTAssertFalse(outcome.stdout.contains("Password for"), outcome.stdout)
        let shown = outcome.stdout.split(whereSeparator: \.isNewline)
        XCTAssertEqual(shown.count, 1, "one error line: \(outcome.stdout)")
        XCTAssertTrue(shown.first?.hasPrefix("xmpp-cli: no password for \(server.alice.jid)") ?? false, outcome.stdout)
    }
}
