import Foundation
import XCTest

/// Accounts from the config file, the environment and sendxmpp's rc files, against a real
/// Prosody with slixmpp as the recipient.
final class AccountTests: XCTestCase {
    func testAccountFlagSwitchesBetweenSections() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let carolPassword = try fixture.write(server.carol.password + "\n", to: "carol.pass")
        try fixture.writeOwnConfig(
            fixture.section("default", server.alice, "password = \(server.alice.password)")
                + fixture.section("carol", server.carol, "password-file = \(carolPassword)"))
        let bob = try Peer.receive(as: server.bob, on: server, count: 2, scratch: fixture.home)
        let asAlice = try fixture.send([], body: "from the default section")
        let asCarol = try fixture.send(["-a", "carol"], body: "from the carol section")
        XCTAssertEqual(asAlice.exitCode, 0, asAlice.summary)
        XCTAssertEqual(asCarol.exitCode, 0, asCarol.summary)
        guard asAlice.exitCode == 0, asCarol.exitCode == 0 else { _ = try? bob.stop(); return }
        let senders = Dictionary(
            try bob.messages().map { ($0.body ?? "", bareJID($0.from)) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(senders["from the default section"], server.alice.jid, "\(senders)")
        XCTAssertEqual(senders["from the carol section"], server.carol.jid, "\(senders)")
    }

    /// Which account logged in shows in -v's "bound as" line; the test above covers delivery.
    func testAccountEnvironmentPicksSectionAndFlagBeatsIt() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        try fixture.writeOwnConfig(
            fixture.section("default", server.alice, "password = \(server.alice.password)")
                + fixture.section("carol", server.carol, "password = \(server.carol.password)"))
        let environment = ["XMPP_ACCOUNT": "carol"]
        let fromEnvironment = try fixture.send(["-v"], body: "picked by XMPP_ACCOUNT", environment: environment)
        XCTAssertEqual(fromEnvironment.exitCode, 0, fromEnvironment.summary)
        XCTAssertTrue(fromEnvironment.stderr.contains("bound as \(server.carol.jid)/"), fromEnvironment.stderr)
        let fromFlag = try fixture.send(["-v", "-a", "default"], body: "picked by -a", environment: environment)
        XCTAssertEqual(fromFlag.exitCode, 0, fromFlag.summary)
        XCTAssertTrue(fromFlag.stderr.contains("bound as \(server.alice.jid)/"), fromFlag.stderr)
    }

    /// What cron gives a job: no config file anywhere, the account in the environment.
    func testCronEnvironmentWithoutConfigFile() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let result = try runCLI(
            ["send", "--tls", "starttls", "--ca-file", server.caFile, "-m", "from cron", server.bob.jid],
            environment: [
                "HOME": fixture.home.path, "XDG_CONFIG_HOME": "", "XMPP_JID": server.alice.jid,
                "XMPP_PASSWORD": server.alice.password, "XMPP_SERVER": server.starttlsAddress,
            ])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "", "a successful run says nothing without -v")
    }

    // sendxmpp's and go-sendxmpp's rc files

    func testSendxmpprcIsUsedAndVerboseSaysSoOnce() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let rc = try fixture.write(
            """
            # sendxmpp 1.24
            username: alice
            jserver: \(server.host)
            port: \(server.starttlsPort)
            password: \(server.alice.password)
            component: \(server.domain)

            """, to: ".sendxmpprc")
        let result = try runCLI(
            ["send", "-v", "--tls", "starttls", "--ca-file", server.caFile, "-m", "via .sendxmpprc", server.bob.jid],
            environment: fixture.environment)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let mentions = result.stderr.split(separator: "\n").filter { $0.contains(rc) }
        XCTAssertEqual(mentions.count, 1, "the rc file should be named exactly once: \(result.stderr)")
        XCTAssertTrue(mentions.first?.contains("sendxmpp format") ?? false, result.stderr)
        XCTAssertTrue(result.stderr.contains("bound as \(server.alice.jid)/"), result.stderr)
        XCTAssertFalse(result.stderr.contains(server.alice.password), result.stderr)

        let quiet = try runCLI(
            ["send", "--tls", "starttls", "--ca-file", server.caFile, "-m", "again", server.bob.jid],
            environment: fixture.environment)
        XCTAssertEqual(quiet.exitCode, 0, quiet.summary)
        XCTAssertEqual(quiet.stderr, "", "without -v the migration is silent")
    }

    func testOneLineSendxmpprc() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        try fixture.write(
            "\(server.alice.jid);\(server.starttlsAddress) \(server.alice.password)\n", to: ".sendxmpprc")
        let result = try runCLI(
            ["send", "--tls", "starttls", "--ca-file", server.caFile, "-m", "one-line rc", server.bob.jid],
            environment: fixture.environment)
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }

    func testGoSendxmppConfigWithEvalPassword() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let passwordFile = try fixture.write(server.carol.password + "\n", to: "carol.pass")
        try fixture.write(
            """
            username: \(server.carol.jid)
            jserver: \(server.host)
            port: \(server.starttlsPort)
            eval_password: cat '\(passwordFile)'
            alias: carol

            """, to: ".config/go-sendxmpp/config", mode: 0o644)
        let result = try runCLI(
            ["send", "-v", "--tls", "starttls", "--ca-file", server.caFile, "-m", "go-sendxmpp", server.bob.jid],
            environment: fixture.environment)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("go-sendxmpp format"), result.stderr)
        XCTAssertTrue(result.stderr.contains("bound as \(server.carol.jid)/"), result.stderr)
    }

    /// The rc file here holds a wrong password: were it read, the login would fail (77).
    func testOwnConfigReplacesSendxmpprc() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        try fixture.write("username: alice\njserver: \(server.domain)\npassword: wrong-Pa55\n", to: ".sendxmpprc")
        try fixture.writeOwnConfig(fixture.section("default", server.alice, "password = \(server.alice.password)"))
        let result = try fixture.send(["-v"], body: "own config wins")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertFalse(result.stderr.contains(".sendxmpprc"), result.stderr)
    }

    // Configuration errors: exit 78, one line that says what to fix

    func testReadableConfigWithPasswordExits78() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let path = try fixture.writeOwnConfig(
            fixture.section("default", server.alice, "password = \(server.alice.password)"), mode: 0o644)
        let result = try fixture.send([], body: "never sent")
        assertFailure(result, exitCode: 78, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains(path) && result.stderr.contains("chmod 600"), result.stderr)
    }

    func testNoPasswordAnywhereExits78() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        try fixture.writeOwnConfig(fixture.section("default", server.alice, ""))
        let result = try fixture.send([], body: "never sent")
        assertFailure(result, exitCode: 78)
        XCTAssertTrue(result.stderr.contains("no password for \(server.alice.jid)"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Password for"), "no prompt without a terminal: \(result.stderr)")
    }

    func testMissingAccountSectionExits78() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let path = try fixture.writeOwnConfig(
            fixture.section("default", server.alice, "password = \(server.alice.password)")
                + fixture.section("carol", server.carol, "password = \(server.carol.password)"))
        let result = try fixture.send(["-a", "dave"], body: "never sent")
        assertFailure(result, exitCode: 78, secrets: [server.alice.password, server.carol.password])
        for text in [path, "[dave]", "[carol]", "[default]"] {
            XCTAssertTrue(result.stderr.contains(text), "\(text) missing from: \(result.stderr)")
        }
    }

    func testConfigSyntaxErrorExits78() throws {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        let path = try fixture.writeOwnConfig(
            fixture.section("default", server.alice, "password = \(server.alice.password)\npassword = again"))
        let result = try fixture.send([], body: "never sent")
        assertFailure(result, exitCode: 78, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains("\(path) line 7"), result.stderr)
    }
}

/// What the account tests share: a private HOME (with `.config` as XDG_CONFIG_HOME), files
/// written there with a given mode, and the server they send through.
struct AccountFixture {
    let server: ProsodyServer
    let home: URL

    init(_ test: XCTestCase) throws {
        server = try ProsodyServer.shared
        home = try test.makeScratchDirectory()
    }

    var environment: [String: String] {
        ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path]
    }

    /// Writes `text` to `relative` under HOME (folders made as needed); returns the path.
    @discardableResult
    func write(_ text: String, to relative: String, mode: Int16 = 0o600) throws -> String {
        let url = home.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    /// Writes the config file at its default place.
    @discardableResult
    func writeOwnConfig(_ text: String, mode: Int16 = 0o600) throws -> String {
        try write(text, to: ".config/xmpp-cli/config", mode: mode)
    }

    /// An account section that reaches the test server; `passwordLines` come last.
    func section(_ name: String, _ account: TestAccount, _ passwordLines: String) -> String {
        """
        [\(name)]
        jid = \(account.jid)
        server = \(server.starttlsAddress)
        tls = starttls
        ca-file = \(server.caFile)
        \(passwordLines)

        """
    }

    /// `send` of `body` to bob with the account the config file and `environment` give.
    func send(_ options: [String], body: String, environment extra: [String: String] = [:]) throws -> CLIResult {
        try runCLI(
            ["send"] + options + ["-m", body, server.bob.jid],
            environment: environment.merging(extra) { _, new in new })
    }
}

