import Foundation
import XCTest

@testable import Commands

/// Which password wins: `--password-file`, `--password-command`, `XMPP_PASSWORD`, then the
/// account's `password`, `password-file` or `password-command` in the config file.
final class AccountSourcesPasswordTests: XCTestCase {
    private var sandbox: EnvironmentSandbox!
    private var passwordFile: String!

    override func setUpWithError() throws {
        sandbox = try EnvironmentSandbox()
        passwordFile = try sandbox.write("from-flag-file\n", to: "flag.pass")
    }

    override func tearDown() { sandbox.restore() }

    private func password(_ arguments: [String]) throws -> String {
        try resolve(arguments).settings.password
    }

    func testOrderOfSources() throws {
        try sandbox.write("[default]\njid = a@example.org\npassword = from-config\n", to: "xdg/xmpp-cli/config")
        XCTAssertEqual(try password([]), "from-config")
        sandbox.set("XMPP_PASSWORD", "from-env")
        XCTAssertEqual(try password([]), "from-env")
        XCTAssertEqual(try password(["--password-command", "echo from-command"]), "from-command")
        XCTAssertEqual(try password(["--password-file", passwordFile]), "from-flag-file")
    }

    /// Both flags together are refused by the parser; the order between them matters only
    /// to callers of `PasswordSource` itself.
    func testPasswordFileBeatsPasswordCommand() throws {
        XCTAssertEqual(
            try PasswordSource.password(
                file: passwordFile, command: "echo from-command", config: nil, account: "a@example.org",
                interactive: false),
            "from-flag-file")
    }

    func testConfigPasswordFileWithHomeExpansion() throws {
        try sandbox.write("from-config-file\nsecond line\n", to: "home/.xmpp.pass")
        try sandbox.write("[default]\njid = a@example.org\npassword-file = ~/.xmpp.pass\n", to: "xdg/xmpp-cli/config")
        XCTAssertEqual(try password([]), "from-config-file")
        sandbox.set("XMPP_PASSWORD", "from-env")
        XCTAssertEqual(try password([]), "from-env")
    }

    func testConfigPasswordCommand() throws {
        try sandbox.write(
            "[default]\njid = a@example.org\npassword-command = printf 'from-config-command\\nrest\\n'\n",
            to: "xdg/xmpp-cli/config")
        XCTAssertEqual(try password([]), "from-config-command")
        XCTAssertEqual(try password(["--password-file", passwordFile]), "from-flag-file")
    }

    /// A config file readable by others is fine without a password in it, but the password
    /// file it names must still be private.
    func testConfigPasswordFileMustBePrivate() throws {
        let shared = try sandbox.write("leaky\n", to: "shared.pass", mode: 0o640)
        try sandbox.write("[default]\njid = a@example.org\npassword-file = \(shared)\n", to: "xdg/xmpp-cli/config")
        assertFailure(try password([]), status: .config, mentions: [shared, "chmod 600"], absent: ["leaky"])
        assertFailure(try password(["--password-file", shared]), status: .config, mentions: [shared, "chmod 600"])
    }

    func testTwoPasswordKeysInOneSection() throws {
        let combinations = [
            ("password = p", "password-file = /p"), ("password = p", "password-command = echo p"),
            ("password-file = /p", "password-command = echo p"),
        ]
        for (first, second) in combinations {
            let path = try sandbox.write(
                "[default]\njid = a@example.org\n\(first)\n\(second)\n", to: "xdg/xmpp-cli/config")
            assertFailure(
                try password([]), status: .config,
                mentions: [path, "line 4", "password, password-file and password-command"], context: second)
        }
    }

    /// Keys of one account do not clash with another's.
    func testPasswordKeysInDifferentSections() throws {
        try sandbox.write(
            "[default]\njid = a@example.org\npassword = a-pw\n[b]\njid = b@example.org\npassword-command = echo b-pw\n",
            to: "xdg/xmpp-cli/config")
        XCTAssertEqual(try password([]), "a-pw")
        XCTAssertEqual(try password(["-a", "b"]), "b-pw")
    }

    func testEmptyConfigPassword() throws {
        let path = try sandbox.write("[default]\njid = a@example.org\npassword =\n", to: "xdg/xmpp-cli/config")
        assertFailure(try password([]), status: .config, mentions: [path, "line 3", "empty"])
    }

    func testFailingConfigPasswordCommandNamesTheLine() throws {
        let path = try sandbox.write(
            "[default]\njid = a@example.org\n\npassword-command = echo 'keyring closed' >&2; exit 5\n",
            to: "xdg/xmpp-cli/config")
        assertFailure(try password([]), status: .config, mentions: [path, "line 4", "keyring closed", "5"])
    }

    /// Flags and environment need not agree with the file on anything but what they give.
    func testEnvironmentPasswordForJIDFromFile() throws {
        try sandbox.write("[default]\njid = a@example.org\n", to: "xdg/xmpp-cli/config", mode: 0o644)
        sandbox.set("XMPP_PASSWORD", "from-env")
        XCTAssertEqual(try password([]), "from-env")
    }
}
