import XCTest

@testable import Commands

/// The config file's own format: `[NAME]` sections of `key = value` lines.
final class ConfigFileTests: XCTestCase {
    private let path = "/home/alice/.config/xmpp-cli/config"

    func testSectionsKeysAndLineNumbers() throws {
        let text = """
            # accounts
            [default]
            jid = alice@example.org
            server = xmpp.example.org:5222

            [alerts]
              jid=monitor@example.org\t
            \tpassword-file   =   /etc/xmpp-cli/monitor.pass
            """
        let file = try ConfigFile.parse(text, path: path)
        XCTAssertEqual(file.path, path)
        XCTAssertEqual(file.format, .xmppCLI)
        XCTAssertEqual(Set(file.sections.keys), ["default", "alerts"])
        XCTAssertEqual(file.sections["default"]?["jid"], .init(value: "alice@example.org", line: 3))
        XCTAssertEqual(file.sections["default"]?["server"], .init(value: "xmpp.example.org:5222", line: 4))
        XCTAssertEqual(file.sections["alerts"]?["jid"], .init(value: "monitor@example.org", line: 7))
        XCTAssertEqual(
            file.sections["alerts"]?["password-file"], .init(value: "/etc/xmpp-cli/monitor.pass", line: 8))
        XCTAssertEqual(file.sections["default"]?.count, 2)
    }

    func testEveryDocumentedKeyIsAccepted() throws {
        let keys = [
            "jid", "password", "password-file", "password-command", "server", "tls", "ca-file",
            "insecure", "resource", "timeout",
        ]
        let text = "[default]\n" + keys.map { "\($0) = value-of-\($0)" }.joined(separator: "\n")
        let section = try ConfigFile.parse(text, path: path).sections["default"]
        for key in keys {
            XCTAssertEqual(section?[key]?.value, "value-of-\(key)", key)
        }
    }

    func testCommentsAndBlankLinesAreSkipped() throws {
        let text = "# top\n\n   # indented comment\n; semicolon comment\n[default]\n\t\n# jid = commented@example.org\njid = a@example.org\n"
        let file = try ConfigFile.parse(text, path: path)
        XCTAssertEqual(file.sections["default"]?["jid"], .init(value: "a@example.org", line: 8))
        XCTAssertEqual(file.sections["default"]?.count, 1)
    }

    func testWindowsLineEndings() throws {
        let text = "[default]\r\njid = a@example.org\r\npassword = s3cret\r\n\r\n[b]\r\njid = b@example.org\r\n"
        let file = try ConfigFile.parse(text, path: path)
        XCTAssertEqual(file.sections["default"]?["password"], .init(value: "s3cret", line: 3))
        XCTAssertEqual(file.sections["b"]?["jid"], .init(value: "b@example.org", line: 6))
    }

    /// Passwords and commands may contain `#` and `=`: only a `#` that starts a line is a comment.
    func testValuesKeepHashAndEquals() throws {
        let text = """
            [default]
            password = pa#ss=word==
            password-command = pass show xmpp/alice # not a comment
            resource = a=b
            """
        let section = try ConfigFile.parse(text, path: path).sections["default"]
        XCTAssertEqual(section?["password"]?.value, "pa#ss=word==")
        XCTAssertEqual(section?["password-command"]?.value, "pass show xmpp/alice # not a comment")
        XCTAssertEqual(section?["resource"]?.value, "a=b")
    }

    func testSectionNameIsTrimmedAndMayBeEmptyOfKeys() throws {
        let file = try ConfigFile.parse("[ work ]\n[default]\n", path: path)
        XCTAssertEqual(file.sections["work"], [:])
        XCTAssertEqual(file.sections["default"], [:])
    }

    func testEmptyFileHasNoSections() throws {
        XCTAssertEqual(try ConfigFile.parse("", path: path).sections, [:])
        XCTAssertEqual(try ConfigFile.parse("# only a comment\n\n", path: path).sections, [:])
    }

    func testUnknownKeyNamesFileLineAndKey() {
        assertFailure(
            try ConfigFile.parse("[default]\njid = a@example.org\npasword = typo\n", path: path),
            status: .config, mentions: [path, "line 3", "'pasword'", "password-file"])
    }

    /// An option name with its dashes is not a key: a copy-paste from the command line.
    func testOptionSpellingIsUnknownKey() {
        assertFailure(
            try ConfigFile.parse("[default]\n--jid = a@example.org\n", path: path),
            status: .config, mentions: [path, "line 2", "--jid"])
    }

    func testDuplicateKeyNamesTheSecondLine() {
        assertFailure(
            try ConfigFile.parse("[default]\njid = a@example.org\n\njid = b@example.org\n", path: path),
            status: .config, mentions: [path, "line 4", "jid", "[default]"])
    }

    /// The same key in two sections is two accounts, not a duplicate.
    func testSameKeyInTwoSectionsIsFine() throws {
        let file = try ConfigFile.parse("[a]\njid = a@example.org\n[b]\njid = b@example.org\n", path: path)
        XCTAssertEqual(file.sections["a"]?["jid"]?.value, "a@example.org")
        XCTAssertEqual(file.sections["b"]?["jid"]?.value, "b@example.org")
    }

    func testDuplicateSectionNamesTheSecondHeader() {
        assertFailure(
            try ConfigFile.parse("[work]\njid = a@example.org\n[default]\n[work]\n", path: path),
            status: .config, mentions: [path, "line 4", "[work]"])
    }

    func testKeyOutsideASection() {
        assertFailure(
            try ConfigFile.parse("# comment\njid = a@example.org\n[default]\n", path: path),
            status: .config, mentions: [path, "line 2", "jid", "[default]"])
    }

    func testBadSectionHeaders() {
        for header in ["[default", "[]", "[ ]", "[a]b", "[a[b]", "[a]]"] {
            assertFailure(
                try ConfigFile.parse("[ok]\n\(header)\njid = a@example.org\n", path: path),
                status: .config, mentions: [path, "line 2", "[NAME]"], context: header)
        }
    }

    func testLineWithoutEqualsSign() {
        assertFailure(
            try ConfigFile.parse("[default]\njid: a@example.org\n", path: path),
            status: .config, mentions: [path, "line 2", "key = value"])
    }

    /// A syntax error must not repeat the value: it may be a password.
    func testErrorsDoNotQuoteValues() {
        assertFailure(
            try ConfigFile.parse("[default]\npasswd = hunter2-secret\n", path: path),
            status: .config, mentions: ["passwd"], absent: ["hunter2-secret"])
        assertFailure(
            try ConfigFile.parse("[default]\npassword = a\npassword = hunter2-secret\n", path: path),
            status: .config, mentions: ["line 3"], absent: ["hunter2-secret"])
    }

    func testHoldsSecret() throws {
        XCTAssertTrue(try ConfigFile.parse("[a]\n[b]\npassword = x\n", path: path).holdsSecret)
        XCTAssertTrue(try ConfigFile.parse("[a]\npassword-file = /p\n", path: path).holdsSecret)
        XCTAssertFalse(try ConfigFile.parse("[a]\npassword-command = pass show x\n", path: path).holdsSecret)
        XCTAssertFalse(try ConfigFile.parse("[a]\njid = a@example.org\nserver = s\n", path: path).holdsSecret)
    }
}

/// Checks that `expression` throws a `Failure` with `status` whose message contains every
/// string of `mentions` and none of `absent`, on one line.
func assertFailure<T>(
    _ expression: @autoclosure () throws -> T, status: ExitStatus, mentions: [String] = [],
    absent: [String] = [], context: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let value = try expression()
        XCTFail("expected a failure with status \(status), got \(value) \(context)", file: file, line: line)
    } catch let failure as Failure {
        XCTAssertEqual(failure.status, status, "\(failure.message) \(context)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(
                failure.message.contains(text), "'\(failure.message)' does not mention '\(text)' \(context)",
                file: file, line: line)
        }
        for text in absent {
            XCTAssertFalse(
                failure.message.contains(text), "'\(failure.message)' gives away '\(text)' \(context)",
                file: file, line: line)
        }
        XCTAssertFalse(failure.message.contains("\n"), "not one line: \(failure.message)", file: file, line: line)
    } catch {
        XCTFail("expected a Failure, got \(error) \(context)", file: file, line: line)
    }
}
