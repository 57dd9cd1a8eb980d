import Foundation
import XCTest

@testable import Commands

/// Where `send --room` gets the rooms' password: the flag, else the file, else the
/// environment.
final class RoomPasswordTests: XCTestCase {
    private var sandbox: EnvironmentSandbox!
    private var saved: String?

    override func setUpWithError() throws {
        sandbox = try EnvironmentSandbox()
        saved = getenv("XMPP_ROOM_PASSWORD").map { String(cString: $0) }
        unsetenv("XMPP_ROOM_PASSWORD")
    }

    override func tearDown() {
        if let saved { setenv("XMPP_ROOM_PASSWORD", saved, 1) } else { unsetenv("XMPP_ROOM_PASSWORD") }
        sandbox.restore()
    }

    func testFlagThenFileThenEnvironment() throws {
        let file = try sandbox.write("from-file\nignored\n", to: "room.pass")
        sandbox.set("XMPP_ROOM_PASSWORD", "from-environment")
        XCTAssertEqual(try RoomOptions.password(flag: "from-flag", file: file), "from-flag")
        XCTAssertEqual(try RoomOptions.password(flag: nil, file: file), "from-file")
        XCTAssertEqual(try RoomOptions.password(flag: nil, file: nil), "from-environment")
        sandbox.set("XMPP_ROOM_PASSWORD", nil)
        XCTAssertNil(try RoomOptions.password(flag: nil, file: nil))
    }

    func testRoomPasswordFileIsCheckedAsAPasswordFile() throws {
        let readable = try sandbox.write("leaky\n", to: "readable.pass", mode: 0o644)
        assertFailure(
            try RoomOptions.password(flag: nil, file: readable), status: .config,
            mentions: ["room password file \(readable)", "chmod 600"], absent: ["leaky"])
        let empty = try sandbox.write("\n", to: "empty.pass")
        assertFailure(try RoomOptions.password(flag: nil, file: empty), status: .config, mentions: [empty, "empty"])
    }
}
