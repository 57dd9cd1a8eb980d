import Foundation
import XCTest

@testable import Commands

/// Secret files are checked on the descriptor they are read from: regular files only, owned
/// by the user or root, and reached through symlinks only by way of directories nobody else
/// can write.
final class SecretFileTests: XCTestCase {
    private var sandbox: URL!
    private var home: URL { sandbox.appendingPathComponent("home") }

    override func setUpWithError() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("xmpp-cli-secret-\(UUID().uuidString.prefix(8))")
        try directory("home", mode: 0o755)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: sandbox)
    }

    @discardableResult
    private func directory(_ relative: String, mode: Int16) throws -> URL {
        let url = sandbox.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url
    }

    @discardableResult
    private func file(_ relative: String, _ text: String = "s3cret\n") throws -> String {
        let url = sandbox.appendingPathComponent(relative)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url.path
    }

    @discardableResult
    private func link(_ relative: String, to destination: String) throws -> String {
        let url = sandbox.appendingPathComponent(relative)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: destination)
        return url.path
    }

    private func read(_ path: String, user: uid_t = getuid(), home: String? = nil, limit: Int = 1024) throws -> SecretFile {
        try SecretFile.read(path, kind: "password file", limit: limit, user: user, home: home ?? self.home.path)
    }

    // Kinds of file

    func testRegularFileIsReadWithItsMode() throws {
        let path = try file("home/a.pass", "s3cret\nsecond\n")
        let read = try read(path)
        XCTAssertEqual(String(decoding: read.bytes, as: UTF8.self), "s3cret\nsecond\n")
        XCTAssertEqual(read.mode, 0o600)
    }

    /// O_NONBLOCK: a FIFO nobody writes to is refused at once instead of blocking the open.
    func testFIFODeviceAndDirectoryAreRefused() throws {
        let fifo = sandbox.appendingPathComponent("home/fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertFailure(try read(fifo), status: .config, mentions: [fifo, "a FIFO", "not a regular file"])
        assertFailure(try read("/dev/null"), status: .config, mentions: ["/dev/null", "character device"])
        assertFailure(try read(home.path), status: .config, mentions: [home.path, "a directory"])
    }

    func testMissingFileIsNoInput() {
        let path = home.appendingPathComponent("absent").path
        assertFailure(try read(path), status: .noInput, mentions: [path])
    }

    func testLargerThanTheLimitIsRefusedBeforeReading() throws {
        let path = try file("home/big.pass", String(repeating: "x", count: 2000))
        assertFailure(try read(path, limit: 1000), status: .config, mentions: [path, "larger than 1000 bytes"])
    }

    // Owners

    /// Another user's file (as root, one given to nobody; otherwise one of ours, read on
    /// behalf of another uid).
    func testFileOwnedByAnotherUserIsRefused() throws {
        let path = try file("home/theirs.pass")
        var reader = getuid()
        if reader == 0 {
            XCTAssertEqual(chown(path, 65534, 65534), 0)
        } else {
            reader += 1
        }
        assertFailure(try read(path, user: reader), status: .config, mentions: [path, "belongs to", "chown"], absent: ["s3cret"])
    }

    /// Files owned by root are trusted whoever reads them, as ssh trusts them.
    func testFileOwnedByRootIsAccepted() throws {
        XCTAssertNoThrow(try read("/etc/hostname", user: 4242, limit: 1 << 16))
    }

    // Symlinks

    func testSymlinkWithinPrivateDirectoriesIsFollowed() throws {
        try directory("home/secrets", mode: 0o700)
        let target = try file("home/secrets/a.pass")
        let path = try link("home/a.pass", to: target)
        XCTAssertEqual(String(decoding: try read(path).bytes, as: UTF8.self), "s3cret\n")
        // A relative link, and ".." in the path given.
        let relative = try link("home/relative.pass", to: "secrets/a.pass")
        XCTAssertNoThrow(try read(relative))
        XCTAssertNoThrow(try read(home.appendingPathComponent("secrets/../relative.pass").path))
    }

    func testSymlinkIntoAWorldWritableDirectoryIsRefusedStickyOrNot() throws {
        for (name, mode) in [("open", Int16(0o777)), ("sticky", Int16(0o1777)), ("group", Int16(0o775))] {
            let shared = try directory(name, mode: mode)
            let target = try file("\(name)/a.pass")
            let path = try link("home/\(name).pass", to: target)
            assertFailure(try read(path), status: .config, mentions: [path, shared.path, "symlink"], context: name)
        }
    }

    /// A link on the way that sits in a writable directory could be pointed elsewhere, even
    /// when the file it leads to is in a private one.
    func testIntermediateLinkInAWritableDirectoryIsRefused() throws {
        let shared = try directory("shared", mode: 0o1777)
        try directory("home/secrets", mode: 0o700)
        let target = try file("home/secrets/a.pass")
        try link("shared/hop", to: target)
        let path = try link("home/a.pass", to: shared.appendingPathComponent("hop").path)
        assertFailure(try read(path), status: .config, mentions: [shared.path])
    }

    /// A link to a directory counts as much as a link to the file.
    func testDirectoryLinkIntoAWritableDirectoryIsRefused() throws {
        let shared = try directory("shared", mode: 0o777)
        try file("shared/a.pass")
        try link("home/dir", to: shared.path)
        assertFailure(try read(home.appendingPathComponent("dir/a.pass").path), status: .config, mentions: [shared.path])
    }

    /// Like ssh, the walk up from a directory stops at the home directory: above it (here the
    /// world-writable temporary directory) is not the user's to fix. Without that stop, the
    /// same link is refused because of the directories above.
    func testTheWalkUpStopsAtHome() throws {
        try directory("home/secrets", mode: 0o700)
        let path = try link("home/a.pass", to: try file("home/secrets/a.pass"))
        XCTAssertNoThrow(try read(path))
        assertFailure(try read(path, home: "/nonexistent"), status: .config, mentions: [path, "writable by anyone"])
    }

    /// Without any symlink, only the file itself is judged: its owner and mode.
    func testPlainPathInAWritableDirectoryIsLeftToTheFileChecks() throws {
        try directory("shared", mode: 0o1777)
        XCTAssertNoThrow(try read(try file("shared/a.pass")))
    }
}
