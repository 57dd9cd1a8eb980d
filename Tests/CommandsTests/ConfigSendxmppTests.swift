import XCTest

@testable import Commands

/// `~/.sendxmpprc` of sendxmpp (one-line and 1.24 forms) and of go-sendxmpp, read into one
/// `[default]` section of our own keys.
final class ConfigSendxmppTests: XCTestCase {
    private let path = "/home/alice/.sendxmpprc"

    private func section(_ text: String) throws -> [String: String] {
        let file = try SendxmppConfig.parse(text, path: path)
        XCTAssertEqual(Array(file.sections.keys), ["default"])
        XCTAssertEqual(file.path, path)
        return (file.sections["default"] ?? [:]).mapValues(\.value)
    }

    private func format(_ text: String) throws -> ConfigFile.Format {
        try SendxmppConfig.parse(text, path: path).format
    }

    // sendxmpp before 1.24: `user@server password [component]`

    func testOneLine() throws {
        XCTAssertEqual(
            try section("alice@example.org s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret"])
        XCTAssertEqual(try format("alice@example.org s3cret\n"), .sendxmpp)
    }

    func testOneLineWithPort() throws {
        XCTAssertEqual(
            try section("alice@example.org:5223 s3cret"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "example.org:5223"])
    }

    func testOneLineWithConnectHost() throws {
        XCTAssertEqual(
            try section("alice@example.org;xmpp.example.net s3cret"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net"])
    }

    func testOneLineWithConnectHostAndPort() throws {
        XCTAssertEqual(
            try section("alice@example.org;xmpp.example.net:5269 s3cret"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net:5269"])
    }

    /// The component is the JID's domain; the server part is where to connect.
    func testOneLineWithComponent() throws {
        XCTAssertEqual(
            try section("alice@xmpp.example.net s3cret component.example.org"),
            ["jid": "alice@component.example.org", "password": "s3cret", "server": "xmpp.example.net"])
        XCTAssertEqual(
            try section("alice@xmpp.example.net:5347 s3cret component.example.org"),
            ["jid": "alice@component.example.org", "password": "s3cret", "server": "xmpp.example.net:5347"])
    }

    func testOneLineAmongCommentsTabsAndCRLF() throws {
        let file = try SendxmppConfig.parse(
            "# my account\r\n\r\n  alice@example.org\t p#ss:w=rd  \r\n", path: path)
        XCTAssertEqual(file.sections["default"]?["password"], .init(value: "p#ss:w=rd", line: 3))
        XCTAssertEqual(file.sections["default"]?["jid"], .init(value: "alice@example.org", line: 3))
    }

    // sendxmpp 1.24: `key: value`

    func testKeysWithJserverAsDomain() throws {
        let text = """
            username: alice
            jserver: example.org
            port: 5222
            password: s3cret
            """
        XCTAssertEqual(try section(text), ["jid": "alice@example.org", "password": "s3cret"])
        XCTAssertEqual(try format(text), .sendxmpp)
    }

    func testKeysWithOtherPort() throws {
        let text = "username: alice\njserver: example.org\nport: 5223\npassword: s3cret\n"
        XCTAssertEqual(
            try section(text), ["jid": "alice@example.org", "password": "s3cret", "server": "example.org:5223"])
    }

    /// sendxmpp writes `port: 0` for "the default".
    func testKeysWithPortZero() throws {
        XCTAssertEqual(
            try section("username: alice\njserver: example.org\nport: 0\npassword: s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret"])
    }

    func testKeysWithPortInJserver() throws {
        XCTAssertEqual(
            try section("username: alice\njserver: example.org:5223\npassword: s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "example.org:5223"])
    }

    func testKeysWithComponent() throws {
        let text = """
            # sendxmpp 1.24
            username: alice
            jserver: xmpp.example.net
            port: 5222
            password: s3cret
            component: example.org
            """
        XCTAssertEqual(
            try section(text),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net:5222"])
    }

    func testKeysKeepLineNumbersAndColonsInValues() throws {
        let file = try SendxmppConfig.parse(
            "username: alice\r\njserver: example.org\r\n\r\npassword:  pa:ss word \r\n", path: path)
        XCTAssertEqual(file.sections["default"]?["password"], .init(value: "pa:ss word", line: 4))
        XCTAssertEqual(file.sections["default"]?["jid"], .init(value: "alice@example.org", line: 1))
    }

    // go-sendxmpp: `username` is a whole JID, `eval_password` a command

    func testGoSendxmppWithJID() throws {
        let text = "username: alice@example.org\npassword: s3cret\n"
        XCTAssertEqual(try section(text), ["jid": "alice@example.org", "password": "s3cret"])
        XCTAssertEqual(try format(text), .goSendxmpp)
    }

    func testGoSendxmppWithHostAndPort() throws {
        XCTAssertEqual(
            try section("username: alice@example.org\njserver: xmpp.example.net:5223\npassword: s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net:5223"])
        XCTAssertEqual(
            try section("username: alice@example.org\njserver: xmpp.example.net\nport: 5223\npassword: s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net:5223"])
        XCTAssertEqual(
            try section("username: alice@example.org\njserver: xmpp.example.net\npassword: s3cret\n"),
            ["jid": "alice@example.org", "password": "s3cret", "server": "xmpp.example.net"])
    }

    func testGoSendxmppEvalPasswordBecomesPasswordCommand() throws {
        let text = "username: alice@example.org\neval_password: pass show xmpp/alice | head -n1\nalias: Alice\n"
        XCTAssertEqual(
            try section(text), ["jid": "alice@example.org", "password-command": "pass show xmpp/alice | head -n1"])
        XCTAssertEqual(try format(text), .goSendxmpp)
        XCTAssertFalse(try SendxmppConfig.parse(text, path: path).holdsSecret)
    }

    func testPasswordWinsOverEvalPassword() throws {
        XCTAssertEqual(
            try section("username: alice@example.org\npassword: s3cret\neval_password: pass show x\n"),
            ["jid": "alice@example.org", "password": "s3cret"])
    }

    func testFormsWithAPasswordHoldASecret() throws {
        XCTAssertTrue(try SendxmppConfig.parse("alice@example.org s3cret", path: path).holdsSecret)
        XCTAssertTrue(try SendxmppConfig.parse("username: alice\njserver: e.org\npassword: x", path: path).holdsSecret)
    }

    // Errors

    func testUnrecognisedLineNamesFileAndLine() {
        assertFailure(
            try SendxmppConfig.parse("# comment\nalice@example.org s3cret\nthis is not a setting\n", path: path),
            status: .config, mentions: [path, "line 3"])
        assertFailure(
            try SendxmppConfig.parse("just-a-word\n", path: path), status: .config, mentions: [path, "line 1"])
    }

    func testKeysWithoutUsername() {
        assertFailure(
            try SendxmppConfig.parse("jserver: example.org\npassword: s3cret\n", path: path),
            status: .config, mentions: [path, "username"], absent: ["s3cret"])
    }

    func testUsernameWithoutDomain() {
        assertFailure(
            try SendxmppConfig.parse("username: alice\npassword: s3cret\n", path: path),
            status: .config, mentions: [path, "jserver"], absent: ["s3cret"])
    }
}
