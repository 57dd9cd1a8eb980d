import ArgumentParser
import Foundation
import XCTest
import XMPPProtocol

@testable import Commands

/// Which of flags, environment and config file decides each connection setting.
final class AccountSourcesTests: XCTestCase {
    private var sandbox: EnvironmentSandbox!

    override func setUpWithError() throws { sandbox = try EnvironmentSandbox() }
    override func tearDown() { sandbox.restore() }

    /// A config file at the default location ($XDG_CONFIG_HOME/xmpp-cli/config).
    @discardableResult
    private func writeOwnConfig(_ text: String) throws -> String {
        try sandbox.write(text, to: "xdg/xmpp-cli/config")
    }

    // jid and server: flag, then environment, then file

    func testFlagBeatsEnvironmentBeatsFileForJIDAndServer() throws {
        try writeOwnConfig("[default]\njid = file@example.org\nserver = file.example.org:5222\npassword = p\n")
        var settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "file@example.org")
        XCTAssertEqual(settings.server, "file.example.org:5222")

        sandbox.set("XMPP_JID", "env@example.org")
        sandbox.set("XMPP_SERVER", "env.example.org:5223")
        settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "env@example.org")
        XCTAssertEqual(settings.server, "env.example.org:5223")

        settings = try resolve(["-j", "flag@example.org", "-s", "flag.example.org"]).settings
        XCTAssertEqual(settings.jid.description, "flag@example.org")
        XCTAssertEqual(settings.server, "flag.example.org")
        XCTAssertEqual(settings.password, "p", "the file still gives what flags and environment do not")
    }

    /// An empty variable counts as unset, as a shell's `XMPP_JID= cmd` means.
    func testEmptyEnvironmentVariableIsUnset() throws {
        try writeOwnConfig("[default]\njid = file@example.org\npassword = p\n")
        sandbox.set("XMPP_JID", "")
        sandbox.set("XMPP_SERVER", "")
        let settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "file@example.org")
        XCTAssertNil(settings.server)
    }

    func testWithoutConfigFileFlagsAndEnvironmentSuffice() throws {
        sandbox.set("XMPP_JID", "cron@example.org")
        sandbox.set("XMPP_PASSWORD", "from-env")
        let account = try resolve([])
        XCTAssertEqual(account.settings.jid.description, "cron@example.org")
        XCTAssertEqual(account.settings.password, "from-env")
        XCTAssertNil(account.settings.server)
        XCTAssertEqual(account.settings.tlsMode, .auto)
        XCTAssertFalse(account.settings.insecure)
        XCTAssertEqual(account.timeout, 30)
    }

    func testNoJIDAnywhere() throws {
        sandbox.set("XMPP_PASSWORD", "p")
        assertFailure(try resolve([]), status: .config, mentions: ["--jid", "XMPP_JID"])
        try writeOwnConfig("[default]\nserver = example.org\n")
        assertFailure(try resolve([]), status: .config, mentions: ["--jid", "XMPP_JID"])
    }

    func testJIDWithoutLocalPartOrInvalid() throws {
        sandbox.set("XMPP_PASSWORD", "p")
        assertFailure(try resolve(["-j", "example.org"]), status: .config, mentions: ["example.org", "local part"])
        assertFailure(try resolve(["-j", "a@@example.org"]), status: .config)
        try writeOwnConfig("[default]\njid =\n")
        assertFailure(try resolve([]), status: .config)
    }

    // Where the file is

    func testConfigFlagBeatsEnvironmentBeatsDefaultLocation() throws {
        sandbox.set("XMPP_PASSWORD", "p")
        try writeOwnConfig("[default]\njid = own@example.org\n")
        let fromEnvironment = try sandbox.write("[default]\njid = env@example.org\n", to: "env.conf")
        let fromFlag = try sandbox.write("[default]\njid = flag@example.org\n", to: "flag.conf")
        XCTAssertEqual(try resolve([]).settings.jid.description, "own@example.org")
        sandbox.set("XMPP_CLI_CONFIG", fromEnvironment)
        XCTAssertEqual(try resolve([]).settings.jid.description, "env@example.org")
        XCTAssertEqual(try resolve(["--config", fromFlag]).settings.jid.description, "flag@example.org")
    }

    func testDefaultLocationFollowsXDGConfigHomeElseHome() throws {
        sandbox.set("XMPP_PASSWORD", "p")
        try sandbox.write("[default]\njid = xdg@example.org\n", to: "xdg/xmpp-cli/config")
        try sandbox.write("[default]\njid = home@example.org\n", to: "home/.config/xmpp-cli/config")
        XCTAssertEqual(try resolve([]).settings.jid.description, "xdg@example.org")
        sandbox.set("XDG_CONFIG_HOME", nil)
        XCTAssertEqual(try resolve([]).settings.jid.description, "home@example.org")
        // The XDG spec ignores a relative XDG_CONFIG_HOME.
        sandbox.set("XDG_CONFIG_HOME", "relative/dir")
        XCTAssertEqual(try resolve([]).settings.jid.description, "home@example.org")
    }

    func testNamedConfigFileMustExist() throws {
        sandbox.set("XMPP_JID", "a@example.org")
        sandbox.set("XMPP_PASSWORD", "p")
        let absent = sandbox.directory.appendingPathComponent("absent.conf").path
        assertFailure(try resolve(["--config", absent]), status: .config, mentions: [absent])
        sandbox.set("XMPP_CLI_CONFIG", absent)
        assertFailure(try resolve([]), status: .config, mentions: [absent])
    }

    func testSyntaxErrorInConfigFileStopsEverything() throws {
        sandbox.set("XMPP_JID", "a@example.org")
        sandbox.set("XMPP_PASSWORD", "p")
        let path = try writeOwnConfig("[default]\njid = a@example.org\ncolour = blue\n")
        assertFailure(try resolve([]), status: .config, mentions: [path, "line 3", "colour"])
    }

    // Sections

    private let twoAccounts = """
        [default]
        jid = alice@example.org
        password = alice-pw

        [work]
        jid = alice@work.example.com
        password = work-pw
        server = xmpp.work.example.com

        [alerts]
        jid = monitor@example.org
        password = alerts-pw
        """

    func testAccountFlagPicksSection() throws {
        try writeOwnConfig(twoAccounts)
        XCTAssertEqual(try resolve([]).settings.jid.description, "alice@example.org")
        let work = try resolve(["-a", "work"]).settings
        XCTAssertEqual(work.jid.description, "alice@work.example.com")
        XCTAssertEqual(work.password, "work-pw")
        XCTAssertEqual(work.server, "xmpp.work.example.com")
        XCTAssertEqual(try resolve(["--account", "alerts"]).settings.password, "alerts-pw")
    }

    func testAccountEnvironmentPicksSectionAndFlagBeatsIt() throws {
        try writeOwnConfig(twoAccounts)
        sandbox.set("XMPP_ACCOUNT", "work")
        XCTAssertEqual(try resolve([]).settings.jid.description, "alice@work.example.com")
        XCTAssertEqual(try resolve(["-a", "alerts"]).settings.jid.description, "monitor@example.org")
        XCTAssertEqual(try resolve(["-a", "default"]).settings.jid.description, "alice@example.org")
    }

    func testMissingSectionListsTheSections() throws {
        let path = try writeOwnConfig(twoAccounts)
        assertFailure(
            try resolve(["-a", "home"]), status: .config,
            mentions: [path, "[home]", "[alerts]", "[default]", "[work]"])
        sandbox.set("XMPP_ACCOUNT", "holiday")
        assertFailure(try resolve([]), status: .config, mentions: [path, "[holiday]", "[work]"])
    }

    /// Without `-a`, a file with no `[default]` section adds nothing: flags and environment
    /// are then the whole account.
    func testNoDefaultSectionWithoutAccountName() throws {
        try writeOwnConfig("[work]\njid = alice@work.example.com\npassword = work-pw\n")
        sandbox.set("XMPP_JID", "env@example.org")
        sandbox.set("XMPP_PASSWORD", "env-pw")
        let settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "env@example.org")
        XCTAssertEqual(settings.password, "env-pw")
    }

    func testAccountNameWithoutConfigFile() throws {
        sandbox.set("XMPP_JID", "a@example.org")
        sandbox.set("XMPP_PASSWORD", "p")
        assertFailure(try resolve(["-a", "work"]), status: .config, mentions: ["'work'", "config"])
        sandbox.set("XMPP_ACCOUNT", "alerts")
        assertFailure(try resolve([]), status: .config, mentions: ["'alerts'"])
    }

    // Other settings from the file

    func testTLSTimeoutInsecureResourceAndCAFileFromFile() throws {
        try sandbox.write("-----BEGIN CERTIFICATE-----\n", to: "home/ca.pem")
        try writeOwnConfig(
            "[default]\njid = a@example.org\npassword = p\ntls = direct\ntimeout = 12.5\ninsecure = yes\nresource = laptop\nca-file = ~/ca.pem\n")
        let account = try resolve([])
        XCTAssertEqual(account.settings.tlsMode, .direct)
        XCTAssertEqual(account.timeout, 12.5)
        XCTAssertTrue(account.settings.insecure)
        XCTAssertEqual(account.settings.resource, "laptop")
        XCTAssertEqual(account.settings.caFile, sandbox.directory.appendingPathComponent("home/ca.pem").path)
    }

    func testFlagsBeatFileForTLSTimeoutResourceAndCAFile() throws {
        let flagCA = try sandbox.write("pem\n", to: "flag-ca.pem")
        try sandbox.write("pem\n", to: "file-ca.pem")
        try writeOwnConfig(
            "[default]\njid = a@example.org\npassword = p\ntls = direct\ntimeout = 12\nresource = laptop\nca-file = \(sandbox.directory.path)/file-ca.pem\n")
        let account = try resolve(["--tls", "starttls", "--timeout", "3", "--resource", "phone", "--ca-file", flagCA])
        XCTAssertEqual(account.settings.tlsMode, .starttls)
        XCTAssertEqual(account.timeout, 3)
        XCTAssertEqual(account.settings.resource, "phone")
        XCTAssertEqual(account.settings.caFile, flagCA)
    }

    func testBooleanSpellings() throws {
        for (text, expected) in [("true", true), ("on", true), ("1", true), ("YES", true), ("false", false), ("no", false), ("0", false), ("Off", false)] {
            try writeOwnConfig("[default]\njid = a@example.org\npassword = p\ninsecure = \(text)\n")
            XCTAssertEqual(try resolve([]).settings.insecure, expected, text)
        }
    }

    func testInvalidValuesNameFileLineAndKey() throws {
        let cases = [
            ("tls = maybe", "tls"), ("tls = STARTTLS", "tls"), ("timeout = soon", "timeout"),
            ("timeout = -1", "timeout"), ("timeout = 0", "timeout"), ("timeout = inf", "timeout"),
            ("timeout = nan", "timeout"), ("insecure = perhaps", "insecure"),
        ]
        for (line, key) in cases {
            let path = try writeOwnConfig("[default]\njid = a@example.org\n\(line)\npassword = p\n")
            assertFailure(try resolve([]), status: .config, mentions: [path, "line 3", key], context: line)
        }
    }

    /// A bad value in an account that is not used does not matter.
    func testInvalidValueInAnotherSectionIsNotRead() throws {
        try writeOwnConfig("[default]\njid = a@example.org\npassword = p\n[other]\ntls = maybe\n")
        XCTAssertEqual(try resolve([]).settings.tlsMode, .auto)
    }

    func testUnreadableCAFileIsNoInput() throws {
        sandbox.set("XMPP_PASSWORD", "p")
        let absent = sandbox.directory.appendingPathComponent("absent-ca.pem").path
        assertFailure(try resolve(["-j", "a@example.org", "--ca-file", absent]), status: .noInput, mentions: [absent])
        try writeOwnConfig("[default]\njid = a@example.org\nca-file = \(absent)\n")
        assertFailure(try resolve([]), status: .noInput, mentions: [absent])
    }

    // Migration from sendxmpp and go-sendxmpp

    func testSendxmpprcIsReadWhenThereIsNoOwnConfig() throws {
        let rc = try sandbox.write("username: alice\njserver: example.org\npassword: rc-pw\n", to: "home/.sendxmpprc")
        let loaded = try ConfigLocation.load(flag: nil)
        XCTAssertEqual(loaded?.isMigrated, true)
        XCTAssertEqual(loaded?.file.path, rc)
        XCTAssertEqual(loaded?.file.format, .sendxmpp)
        let settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "alice@example.org")
        XCTAssertEqual(settings.password, "rc-pw")
    }

    func testGoSendxmppConfigIsRead() throws {
        try sandbox.write("username: carol@example.org\neval_password: echo go-pw\n", to: "home/.config/go-sendxmpp/config")
        XCTAssertEqual(try ConfigLocation.load(flag: nil)?.file.format, .goSendxmpp)
        let settings = try resolve([]).settings
        XCTAssertEqual(settings.jid.description, "carol@example.org")
        XCTAssertEqual(settings.password, "go-pw")
    }

    func testOwnConfigReplacesSendxmpprc() throws {
        try sandbox.write("username: alice\njserver: example.org\npassword: rc-pw\n", to: "home/.sendxmpprc")
        try writeOwnConfig("[default]\njid = own@example.org\npassword = own-pw\n")
        let loaded = try ConfigLocation.load(flag: nil)
        XCTAssertEqual(loaded?.isMigrated, false)
        XCTAssertEqual(loaded?.file.format, .xmppCLI)
        XCTAssertEqual(try resolve([]).settings.jid.description, "own@example.org")
    }

    func testNamedConfigReplacesSendxmpprc() throws {
        try sandbox.write("username: alice\njserver: example.org\npassword: rc-pw\n", to: "home/.sendxmpprc")
        let named = try sandbox.write("[default]\njid = named@example.org\npassword = p\n", to: "named.conf")
        XCTAssertEqual(try ConfigLocation.load(flag: named)?.isMigrated, false)
        XCTAssertEqual(try resolve(["--config", named]).settings.jid.description, "named@example.org")
    }

    func testReadableSendxmpprcWithPasswordIsRefused() throws {
        let rc = try sandbox.write("alice@example.org rc-secret\n", to: "home/.sendxmpprc", mode: 0o644)
        assertFailure(try resolve([]), status: .config, mentions: [rc, "chmod 600"], absent: ["rc-secret"])
    }

    func testNoConfigAnywhere() throws {
        XCTAssertNil(try ConfigLocation.load(flag: nil))
        sandbox.set("HOME", nil)
        sandbox.set("XDG_CONFIG_HOME", nil)
        XCTAssertNil(try ConfigLocation.load(flag: nil))
        XCTAssertEqual(ConfigLocation.legacyPaths(), [])
    }

    // Options that contradict each other are usage errors, before anything is read.

    func testContradictoryFlagsAreUsageErrors() {
        for arguments in [
            ["--password-file", "/p", "--password-command", "echo p"], ["-q", "-v"], ["--timeout", "0"],
            ["--timeout", "-3"],
        ] {
            XCTAssertThrowsError(try ConnectionOptions.parse(arguments), "\(arguments)") { error in
                XCTAssertEqual(ConnectionOptions.exitCode(for: error).rawValue, 64, "\(arguments)")
            }
        }
    }
}

/// Resolves the account the way a subcommand does, from `arguments` and the current
/// environment, with nothing written to stderr.
func resolve(_ arguments: [String]) throws -> Account {
    try ConnectionOptions.parse(arguments).resolve(diagnostics: Diagnostics(level: .quiet))
}

/// A private HOME and XDG_CONFIG_HOME in a temporary directory, and no XMPP_* variable; the
/// variables the test changes are put back by `restore()`.
final class EnvironmentSandbox {
    static let variables = [
        "XMPP_JID", "XMPP_PASSWORD", "XMPP_SERVER", "XMPP_ACCOUNT", "XMPP_CLI_CONFIG", "HOME",
        "XDG_CONFIG_HOME",
    ]

    let directory: URL
    private var saved: [String: String?] = [:]

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xmpp-cli-env-\(UUID().uuidString.prefix(8))")
        for sub in ["home", "xdg"] {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for name in Self.variables {
            saved[name] = getenv(name).map { String(cString: $0) }
            set(name, nil)
        }
        set("HOME", directory.appendingPathComponent("home").path)
        set("XDG_CONFIG_HOME", directory.appendingPathComponent("xdg").path)
    }

    /// Sets (or with `nil` unsets) a variable for this process.
    func set(_ name: String, _ value: String?) {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }

    /// Writes `text` to `relative` (folders made as needed) with `mode`; returns the path.
    @discardableResult
    func write(_ text: String, to relative: String, mode: Int16 = 0o600) throws -> String {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    func restore() {
        for (name, value) in saved { set(name, value) }
        try? FileManager.default.removeItem(at: directory)
    }
}
