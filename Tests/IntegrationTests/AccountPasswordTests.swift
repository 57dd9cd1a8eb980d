import Foundation
import XCTest

/// Each password source logs in for real; exit 0 from `send` means the server took the
/// message, so the login worked (delivery itself is SendTests' concern).
final class AccountPasswordTests: XCTestCase {
    private let wrongPassword = "wrong-Pa55-w0rd"

    /// `send` as alice with the server reached through flags; `options` give the password.
    private func sendAsAlice(
        _ fixture: AccountFixture, _ options: [String], environment: [String: String] = [:]
    ) throws -> CLIResult {
        let server = fixture.server
        return try fixture.send(
            [
                "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "20",
            ] + options, body: "password source test", environment: environment)
    }

    // Command line and environment

    func testPasswordFileFlag() throws {
        let fixture = try AccountFixture(self)
        let file = try fixture.write(fixture.server.alice.password + "\n", to: "alice.pass")
        let result = try sendAsAlice(fixture, ["--password-file", file])
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    func testReadablePasswordFileExits78() throws {
        let fixture = try AccountFixture(self)
        let file = try fixture.write(fixture.server.alice.password + "\n", to: "alice.pass", mode: 0o644)
        let result = try sendAsAlice(fixture, ["--password-file", file])
        assertFailure(result, exitCode: 78, secrets: [fixture.server.alice.password])
        XCTAssertTrue(result.stderr.contains(file) && result.stderr.contains("chmod 600"), result.stderr)
    }

    func testPasswordCommandFlag() throws {
        let fixture = try AccountFixture(self)
        let file = try fixture.write(fixture.server.alice.password + "\n", to: "vault")
        let result = try sendAsAlice(fixture, ["--password-command", "cat '\(file)'"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    func testFailingPasswordCommandExits78WithItsStderr() throws {
        let fixture = try AccountFixture(self)
        let result = try sendAsAlice(
            fixture, ["--password-command", "echo \(wrongPassword); echo 'vault locked' >&2; exit 3"])
        assertFailure(result, exitCode: 78, secrets: [wrongPassword])
        XCTAssertTrue(result.stderr.contains("vault locked"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--password-command"), result.stderr)
    }

    func testEnvironmentPassword() throws {
        let fixture = try AccountFixture(self)
        let result = try sendAsAlice(fixture, [], environment: ["XMPP_PASSWORD": fixture.server.alice.password])
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    /// A wrong password in the environment loses to the right one from a flag.
    func testFlagsBeatEnvironmentPassword() throws {
        let fixture = try AccountFixture(self)
        let file = try fixture.write(fixture.server.alice.password + "\n", to: "alice.pass")
        let environment = ["XMPP_PASSWORD": wrongPassword]
        let fromFile = try sendAsAlice(fixture, ["--password-file", file], environment: environment)
        XCTAssertEqual(fromFile.exitCode, 0, fromFile.summary)
        let fromCommand = try sendAsAlice(fixture, ["--password-command", "cat '\(file)'"], environment: environment)
        XCTAssertEqual(fromCommand.exitCode, 0, fromCommand.summary)
    }

    // The config file

    private func sendWithConfig(_ passwordLines: String, environment: [String: String] = [:]) throws -> CLIResult {
        let fixture = try AccountFixture(self)
        try fixture.writeOwnConfig(fixture.section("default", fixture.server.alice, passwordLines))
        return try fixture.send([], body: "password from the config file", environment: environment)
    }

    func testPasswordInConfig() throws {
        let result = try sendWithConfig("password = \(try ProsodyServer.shared.alice.password)")
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    func testPasswordFileInConfig() throws {
        let fixture = try AccountFixture(self)
        try fixture.write(fixture.server.alice.password + "\n", to: "secrets/alice.pass")
        try fixture.writeOwnConfig(fixture.section("default", fixture.server.alice, "password-file = ~/secrets/alice.pass"))
        let result = try fixture.send([], body: "password file named in the config file")
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    func testPasswordCommandInConfig() throws {
        let password = try ProsodyServer.shared.alice.password
        let result = try sendWithConfig("password-command = printf '%s\\n' '\(password)' | head -n 1")
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    /// The right password in the file loses to a wrong one in the environment: the login
    /// fails, which shows which one was used.
    func testEnvironmentBeatsConfigPassword() throws {
        let password = try ProsodyServer.shared.alice.password
        let result = try sendWithConfig("password = \(password)", environment: ["XMPP_PASSWORD": wrongPassword])
        assertFailure(result, exitCode: 77, secrets: [password, wrongPassword])
    }

    func testWrongPasswordInConfigExits77() throws {
        let result = try sendWithConfig("password = \(wrongPassword)")
        assertFailure(result, exitCode: 77, secrets: [wrongPassword])
    }

    func testTwoPasswordKeysInConfigExit78() throws {
        let password = try ProsodyServer.shared.alice.password
        let result = try sendWithConfig("password = \(password)\npassword-command = echo \(password)")
        assertFailure(result, exitCode: 78, secrets: [password])
        XCTAssertTrue(result.stderr.contains("line 7"), result.stderr)
    }
}
