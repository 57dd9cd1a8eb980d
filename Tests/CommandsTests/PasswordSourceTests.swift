import Foundation
import XCTest

@testable import Commands

final class PasswordSourceTests: XCTestCase {
    private var sandbox: EnvironmentSandbox!

    override func setUpWithError() throws { sandbox = try EnvironmentSandbox() }
    override func tearDown() { sandbox.restore() }

    private func password(
        file: String? = nil, command: String? = nil, config: PasswordSource.ConfigValues? = nil
    ) throws -> String {
        try PasswordSource.password(
            file: file, command: command, config: config, account: "alice@example.org", interactive: false)
    }

    func testFirstLineWithoutLineEnding() throws {
        XCTAssertEqual(try PasswordSource.firstLine(Array("s3cret\r\nsecond\n".utf8), source: "t"), "s3cret")
        XCTAssertEqual(try PasswordSource.firstLine(Array("pässwörd".utf8), source: "t"), "pässwörd")
    }

    func testEmptyFirstLineIsConfigurationError() {
        XCTAssertThrowsError(try PasswordSource.firstLine(Array("\nsecond".utf8), source: "t")) { error in
            XCTAssertEqual((error as? Failure)?.status, .config)
        }
    }

    func testPasswordCommandOutputIsUsed() throws {
        XCTAssertEqual(try PasswordSource.password(file: nil, command: "printf 'from-command\\nignored\\n'", config: nil, account: "alice@example.org", interactive: false), "from-command")
    }

    func testFailingPasswordCommandShowsItsStderrButNotItsOutput() {
        XCTAssertThrowsError(try PasswordSource.password(file: nil, command: "echo leaked-secret; echo 'vault is locked' >&2; exit 3", config: nil, account: "alice@example.org", interactive: false)) { error in
            let failure = error as? Failure
            XCTAssertEqual(failure?.status, .config)
            XCTAssertTrue(failure?.message.contains("vault is locked") ?? false, failure?.message ?? "")
            XCTAssertTrue(failure?.message.contains("3") ?? false)
            XCTAssertFalse(failure?.message.contains("leaked-secret") ?? true)
        }
    }

    func testMissingPasswordFileIsNoInput() {
        XCTAssertThrowsError(try PasswordSource.password(file: "/nonexistent/pass", command: nil, config: nil, account: "alice@example.org", interactive: false)) { error in
            XCTAssertEqual((error as? Failure)?.status, .noInput)
        }
    }

    func testPasswordFileFirstLine() throws {
        let path = try sandbox.write("s3cret pass\r\nsecond line\n", to: "a.pass")
        XCTAssertEqual(try password(file: path), "s3cret pass")
        let noNewline = try sandbox.write("  spaces kept  ", to: "b.pass")
        XCTAssertEqual(try password(file: noNewline), "  spaces kept  ")
    }

    func testReadablePasswordFileIsRefused() throws {
        let path = try sandbox.write("leaky\n", to: "a.pass", mode: 0o644)
        assertFailure(try password(file: path), status: .config, mentions: [path, "chmod 600"], absent: ["leaky"])
    }

    func testEmptyPasswordFile() throws {
        let path = try sandbox.write("", to: "empty.pass")
        assertFailure(try password(file: path), status: .config, mentions: [path, "empty"])
    }

    func testOversizedPasswordFileIsRefusedNotRead() throws {
        let path = try sandbox.write(String(repeating: "x", count: 70_000), to: "big.pass")
        XCTAssertThrowsError(try password(file: path))
    }

    func testNonUTF8PasswordFile() throws {
        let url = sandbox.directory.appendingPathComponent("latin1.pass")
        try Data([0x70, 0xE4, 0x73, 0x73, 0x0A]).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        assertFailure(try password(file: url.path), status: .config, mentions: [url.path, "UTF-8"])
    }

    func testEnvironmentPassword() throws {
        sandbox.set("XMPP_PASSWORD", "from env with spaces ")
        XCTAssertEqual(try password(), "from env with spaces ")
        XCTAssertEqual(try password(command: "echo from-command"), "from-command")
    }

    func testEnvironmentBeatsConfigValues() throws {
        let config = PasswordSource.ConfigValues(
            password: .init(value: "from-config", line: 3), passwordFile: nil, passwordCommand: nil, path: "/c")
        XCTAssertEqual(try password(config: config), "from-config")
        sandbox.set("XMPP_PASSWORD", "from-env")
        XCTAssertEqual(try password(config: config), "from-env")
        sandbox.set("XMPP_PASSWORD", "")
        XCTAssertEqual(try password(config: config), "from-config", "an empty variable is unset")
    }

    func testNoSourceAndNoTerminal() {
        assertFailure(
            try password(), status: .config, mentions: ["alice@example.org", "XMPP_PASSWORD", "--password-file"])
        let empty = PasswordSource.ConfigValues(password: nil, passwordFile: nil, passwordCommand: nil, path: "/c")
        assertFailure(try password(config: empty), status: .config, mentions: ["alice@example.org"])
    }

    func testCommandWithEmptyOutput() {
        assertFailure(try password(command: "true"), status: .config, mentions: ["--password-command", "empty"])
        assertFailure(try password(command: "echo; echo second"), status: .config, mentions: ["empty"])
    }

    /// Its stderr is shown on the one line of the error; its stdout never is.
    func testFailingCommandWithMultiLineStderr() {
        assertFailure(
            try password(command: "echo half-a-secret; printf 'vault locked\\ntry again\\n' >&2; exit 3"),
            status: .config, mentions: ["--password-command", "status 3", "vault locked", "try again"],
            absent: ["half-a-secret"])
    }

    func testCommandKilledBySignal() {
        assertFailure(try password(command: "kill -9 $$"), status: .config, mentions: ["status 137"])
    }

    func testCommandRunsWithShell() throws {
        XCTAssertEqual(try password(command: "x=sh-var; echo \"$x\" | tr a-z A-Z"), "SH-VAR")
    }

    /// A command whose stderr outgrows a pipe buffer before its stdout is read must not
    /// deadlock.
    func testCommandWithLargeStderr() throws {
        XCTAssertEqual(try password(command: "head -c 200000 /dev/zero >&2; echo after-noise"), "after-noise")
    }
}
