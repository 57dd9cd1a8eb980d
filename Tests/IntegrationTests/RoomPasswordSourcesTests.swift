import Foundation
import XCTest

/// The rooms' password without putting it in argv, where `ps` shows it to every user:
/// `--room-password-file` and `XMPP_ROOM_PASSWORD`, into a room bob created with a password
/// on Prosody.
final class RoomPasswordSourcesTests: XCTestCase {
    private let secret = "room-Secret-2"

    private func passwordRoom(expecting count: Int) throws -> (room: String, bob: SendRoomTests.RoomOccupant) {
        let room = "room-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost"
        let bob = try SendRoomTests.RoomOccupant(
            as: try ProsodyServer.shared.bob, room: room, nick: "owner", password: secret, count: count,
            scratch: try makeScratchDirectory())
        return (room, bob)
    }

    private func passwordFile(_ text: String, mode: Int16 = 0o600) throws -> String {
        let url = try makeScratchDirectory().appendingPathComponent("room.pass")
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    func testRoomPasswordFromAFileAndFromTheEnvironment() throws {
        let server = try ProsodyServer.shared
        let (room, bob) = try passwordRoom(expecting: 2)
        let file = try passwordFile(secret + "\nsecond line\n")
        let fromFile = try sendAsAliceToProsody(["-r", "--room-password-file", file, "-m", "from the file", room])
        XCTAssertEqual(fromFile.exitCode, 0, fromFile.summary)

        let fromEnvironment = try runCLI(
            [
                "send", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "20", "-r", "-m", "from the environment", room,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password, "XMPP_ROOM_PASSWORD": secret])
        XCTAssertEqual(fromEnvironment.exitCode, 0, fromEnvironment.summary)
        guard fromFile.exitCode == 0, fromEnvironment.exitCode == 0 else { return bob.stop() }
        let bodies = try bob.events().filter { $0.kind == "message" && $0.delayed != true }.map(\.body)
        XCTAssertEqual(bodies, ["from the file", "from the environment"])
    }

    /// The same checks as for the account's password file, before anything connects.
    func testReadableRoomPasswordFileIsRefused() throws {
        let file = try passwordFile(secret + "\n", mode: 0o644)
        let result = try sendAsAliceToProsody(["-r", "--room-password-file", file, "-m", "never sent", "r@conference.localhost"])
        assertFailure(result, exitCode: 78, secrets: [secret])
        XCTAssertTrue(result.stderr.contains("room password file \(file)") && result.stderr.contains("chmod 600"), result.summary)
    }

    func testRoomPasswordFileNeedsRoom() throws {
        let file = try passwordFile(secret + "\n")
        let result = try sendAsAliceToProsody(["--room-password-file", file, "-m", "x", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 64, result.summary)
    }

    /// --help says that the flag is visible to other users.
    func testHelpWarnsThatTheFlagShowsInPs() throws {
        let help = try runCLI(["send", "--help"])
        XCTAssertEqual(help.exitCode, 0, help.summary)
        XCTAssertTrue(help.stdout.contains("--room-password-file"), help.stdout)
        XCTAssertNotNil(help.stdout.firstMatch(of: /\bps\b/), "no warning that --room-password shows in ps: \(help.stdout)")
    }
}
