import XCTest

@testable import Commands

/// What fuzzing the config file and sendxmpp rc parsers found (scripts/fuzz, targets config
/// and sendxmpp-rc), each reduced to a readable case.
final class ConfigFuzzFindingsTests: XCTestCase {
    private let path = "/home/alice/.config/xmpp-cli/config"

    /// A space followed by a combining mark is one Swift Character, so trimming by Character
    /// kept the space of `password = \u{301}x`: the password read was not the one written.
    func testValueStartingWithACombiningMarkLosesTheSpaceBeforeIt() throws {
        let file = try ConfigFile.parse("[default]\npassword = \u{301}pw\u{301} \njid = a@b\t\u{301}\n", path: path)
        XCTAssertEqual(file.sections["default"]?["password"]?.value.unicodeScalars.map(\.value), [0x301, 0x70, 0x77, 0x301])
        XCTAssertEqual(file.sections["default"]?["jid"]?.value.unicodeScalars.map(\.value), [0x61, 0x40, 0x62, 0x09, 0x301])
    }

    /// The syntax is read by Unicode scalar too: `[`, `=` and `#` followed by a combining
    /// mark still mark a section, a value and a comment, so what a file says does not
    /// depend on the character after the mark.
    func testSyntaxCharactersFollowedByACombiningMarkStillCount() throws {
        let file = try ConfigFile.parse("#\u{301} comment\n[\u{301}work]\njid =\u{301}a@b\n", path: path)
        XCTAssertEqual(Array(file.sections.keys).map { $0.unicodeScalars.map(\.value) }, [[0x301, 0x77, 0x6F, 0x72, 0x6B]])
        XCTAssertEqual(file.sections["\u{301}work"]?["jid"]?.value.unicodeScalars.map(\.value), [0x301, 0x61, 0x40, 0x62])
    }

    /// `jserver: HOST :PORT` kept the space before the colon in the host, making a server
    /// value no address parser accepts; an empty port after the colon is no port.
    func testJserverHostIsTrimmedAndAnEmptyPortIsNone() throws {
        let spaced = try SendxmppConfig.parse("username: alice\njserver: xmpp.example.org :5223\npassword: s\n", path: path)
        XCTAssertEqual(spaced.sections["default"]?["server"]?.value, "xmpp.example.org:5223")
        let empty = try SendxmppConfig.parse("username: alice\njserver: example.org:\npassword: s\n", path: path)
        XCTAssertEqual(empty.sections["default"]?["jid"]?.value, "alice@example.org")
        XCTAssertNil(empty.sections["default"]?["server"], "the JID's own domain on the default port needs no server")
    }

    /// The one-line form splits on spaces and tabs by scalar: `user@host \u{301}pw` is a
    /// JID and a password, not one field.
    func testOneLineFormSplitsBeforeACombiningMark() throws {
        let file = try SendxmppConfig.parse("alice@example.org \u{301}pw\n", path: path)
        XCTAssertEqual(file.sections["default"]?["jid"]?.value, "alice@example.org")
        XCTAssertEqual(file.sections["default"]?["password"]?.value.unicodeScalars.map(\.value), [0x301, 0x70, 0x77])
    }
}
