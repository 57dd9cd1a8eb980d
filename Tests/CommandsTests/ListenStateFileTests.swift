import Foundation
import Glibc
import XCTest
import XMPPProtocol

@testable import Commands

/// `listen --state FILE`: positions per archive written atomically (0600) and read back, a
/// corrupt file refused (78), and a second listener on the same file refused while the
/// first holds it.
final class ListenStateFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xmpp-cli-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    func testPositionsRoundTripWithMode0600() throws {
        let path = directory + "/bot"
        let bob = try JID("bob@example.org")
        let room = try JID("room@conference.example.org")
        do {
            let state = try ListenStateFile(path)
            XCTAssertFalse(state.existed)
            state.set(.after("A 1"), for: bob)
            state.set(.beginning, for: room)
            state.set(.time("2026-12-01T00:00:00Z"), for: try JID("other@example.org"))
            try state.save()
        }
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o600)
        let again = try ListenStateFile(path)
        XCTAssertTrue(again.existed)
        // A time is no position in an archive: it is not kept.
        XCTAssertEqual(again.positions, [bob: .after("A 1"), room: .beginning])
    }

    func testCorruptFilesAreConfigurationErrorsNamingTheFile() throws {
        for text in ["bob@example.org after\n", "bob@example.org somewhere X\n", "not a jid after X\n", "bob@example.org/res after X\n", "\u{FF}"] {
            let path = directory + "/corrupt"
            write(text, to: path)
            XCTAssertThrowsError(try ListenStateFile(path), text) { error in
                let failure = error as? Failure
                XCTAssertEqual(failure?.status, .config, text)
                XCTAssertTrue(failure?.message.contains(path) == true, failure?.message ?? "")
            }
        }
    }

    func testASecondListenerOnTheSameFileIsRefused() throws {
        let path = directory + "/shared"
        do {
            let first = try ListenStateFile(path)
            XCTAssertThrowsError(try ListenStateFile(path)) { error in
                XCTAssertEqual((error as? Failure)?.status, .config)
                XCTAssertTrue((error as? Failure)?.message.contains("in use by another listener") == true)
            }
            withExtendedLifetime(first) {}
        }
        // Once the first is gone, the file is free again.
        XCTAssertNoThrow(try ListenStateFile(path))
    }

    func testANameWithoutASlashIsKeptInTheDataDirectory() throws {
        let previous = getenv("XDG_DATA_HOME").map { String(cString: $0) }
        setenv("XDG_DATA_HOME", directory, 1)
        defer { if let previous { setenv("XDG_DATA_HOME", previous, 1) } else { unsetenv("XDG_DATA_HOME") } }
        let state = try ListenStateFile("bot")
        XCTAssertEqual(state.path, directory + "/xmpp-cli/listen/bot")
        var status = stat()
        XCTAssertEqual(stat(directory + "/xmpp-cli/listen", &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o700)
    }
}
