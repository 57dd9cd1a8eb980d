import XCTest
import XMPPProtocol

@testable import Commands

/// What the commands hold of a password (the account, the config file's entries, the room
/// password) never shows when printed, interpolated, reflected or dumped.
final class SecretRedactionCommandsTests: XCTestCase {
    private let password = "Correct-Horse-9"

    private func assertRedacted(_ value: Any, shows visible: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        var dumped = ""
        dump(value, to: &dumped)
        let renderings = [
            "String(describing:)": String(describing: value), "String(reflecting:)": String(reflecting: value),
            "interpolation": "\(value)", "dump": dumped, "inside an array": String(describing: [value]),
        ]
        for (way, text) in renderings {
            XCTAssertFalse(text.contains(password), "\(way) shows the password: \(text)", file: file, line: line)
            for part in visible {
                XCTAssertTrue(text.contains(part), "\(way) does not show \(part): \(text)", file: file, line: line)
            }
        }
    }

    func testAccountHidesThePassword() throws {
        let account = Account(
            settings: ConnectionSettings(jid: try JID("alice@example.org"), password: password), timeout: 30)
        assertRedacted(account, shows: ["alice@example.org", "30"])
    }

    func testRoomOptionsHideTheRoomPassword() {
        assertRedacted(RoomOptions(nick: "herald", password: password), shows: ["herald"])
    }

    func testPasswordCommandOutputIsNotShown() throws {
        let result = try ShellCommand.run("printf '%s\\n' '\(password)'")
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), password + "\n")
        assertRedacted(result, shows: ["16 bytes"])
    }

    /// A config file's `password = ...` entry, wherever the parsed file is held.
    func testConfigEntriesHideTheirValues() throws {
        let file = try ConfigFile.parse("[default]\njid = alice@example.org\npassword = \(password)\n", path: "/c")
        assertRedacted(file, shows: ["/c"])
        let values = PasswordSource.ConfigValues(
            password: file.sections["default"]?["password"], passwordFile: nil, passwordCommand: nil, path: "/c")
        assertRedacted(values, shows: ["/c"])
    }
}
