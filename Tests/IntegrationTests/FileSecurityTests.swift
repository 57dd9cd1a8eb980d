import Foundation
import XCTest

/// Files that hold a secret (password files, the config file) are opened once and checked on
/// the open descriptor: a file another user owns, a FIFO, or a symlink that leads through a
/// directory others can write is refused (exit 78) before anything connects.
final class FileSecurityTests: XCTestCase {
    /// Nothing listens here: a run that got past the file checks fails with 69, not 78.
    private let unreachable = "127.0.0.1:9"

    private func send(_ arguments: [String], home: URL? = nil, server: String? = nil) throws -> CLIResult {
        try runCLI(
            ["send", "-j", "alice@localhost", "--server", server ?? unreachable, "--tls", "starttls", "--timeout", "10"]
                + arguments + ["-m", "hello", "bob@localhost"],
            environment: home.map { ["HOME": $0.path] } ?? [:], timeout: 30)
    }

    private func write(_ text: String, to url: URL, mode: Int16 = 0o600) throws {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// The tests run as root, which may give a file away (nobody is uid 65534 on Debian).
    private func giveToNobody(_ url: URL) throws {
        guard chown(url.path, 65534, 65534) == 0 else {
            throw HarnessError.failedToStart("chown \(url.path): \(String(cString: strerror(errno))) (the tests need root)")
        }
    }

    func testPasswordFileOwnedByAnotherUserIsRefused() throws {
        let file = try makeScratchDirectory().appendingPathComponent("alice.pass")
        try write(FakeServer.password + "\n", to: file)
        try giveToNobody(file)
        let result = try send(["--password-file", file.path])
        assertFailure(result, exitCode: 78, secrets: [FakeServer.password])
        for part in [file.path, "nobody", "chown"] {
            XCTAssertTrue(result.stderr.contains(part), "'\(part)' missing: \(result.summary)")
        }
    }

    func testConfigFileOwnedByAnotherUserIsRefused() throws {
        let config = try makeScratchDirectory().appendingPathComponent("config")
        try write("[default]\njid = alice@localhost\npassword = \(FakeServer.password)\n", to: config)
        try giveToNobody(config)
        let result = try runCLI(
            ["send", "--config", config.path, "--server", unreachable, "--timeout", "10", "-m", "hello", "bob@localhost"],
            timeout: 30)
        assertFailure(result, exitCode: 78, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains(config.path) && result.stderr.contains("nobody"), result.summary)
    }

    /// A FIFO with no writer would block a plain open(2) for good.
    func testPasswordFileThatIsAFIFOIsRefusedWithoutWaiting() throws {
        let fifo = try makeScratchDirectory().appendingPathComponent("alice.pass")
        guard mkfifo(fifo.path, 0o600) == 0 else { return XCTFail("mkfifo: \(String(cString: strerror(errno)))") }
        let result = try send(["--password-file", fifo.path])
        assertFailure(result, exitCode: 78)
        XCTAssertTrue(result.stderr.contains(fifo.path) && result.stderr.contains("not a regular file"), result.summary)
    }

    /// A link to a password file in a world-writable directory, sticky bit or not: whoever
    /// can write there can put another file (or a link to another of the user's files) in
    /// its place.
    func testSymlinkIntoAWorldWritableDirectoryIsRefused() throws {
        let scratch = try makeScratchDirectory()
        let home = scratch.appendingPathComponent("home")
        for (name, mode) in [("shared", 0o777), ("sticky", 0o1777)] {
            let shared = scratch.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: shared.path)
            let target = shared.appendingPathComponent("alice.pass")
            try write(FakeServer.password + "\n", to: target)
            let link = home.appendingPathComponent("\(name).pass")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

            let result = try send(["--password-file", link.path], home: home)
            assertFailure(result, exitCode: 78, secrets: [FakeServer.password])
            XCTAssertTrue(result.stderr.contains(link.path), "the link is not named: \(result.summary)")
            XCTAssertTrue(result.stderr.contains(shared.path), "the directory is not named: \(result.summary)")
        }
    }

    /// A directory another user owns is theirs to change, whatever its mode.
    func testSymlinkThroughADirectoryOwnedByAnotherUserIsRefused() throws {
        let scratch = try makeScratchDirectory()
        let home = scratch.appendingPathComponent("home")
        let theirs = scratch.appendingPathComponent("theirs")
        for directory in [home, theirs] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let target = theirs.appendingPathComponent("alice.pass")
        try write(FakeServer.password + "\n", to: target)
        try giveToNobody(theirs)
        let link = home.appendingPathComponent("alice.pass")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

        let result = try send(["--password-file", link.path], home: home)
        assertFailure(result, exitCode: 78, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains(theirs.path) && result.stderr.contains("belongs to nobody"), result.summary)
    }

    /// A link that stays inside directories only the user can write is used as the file.
    func testSymlinkWithinPrivateDirectoriesIsUsed() throws {
        let scratch = try makeScratchDirectory()
        let home = scratch.appendingPathComponent("home")
        let secrets = home.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: secrets.path)
        let target = secrets.appendingPathComponent("alice.pass")
        try write(FakeServer.password + "\n", to: target)
        let link = home.appendingPathComponent("alice.pass")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

        let server = try FakeServer(scenario: "normal", scratch: scratch)
        let result = try send(
            ["--password-file", link.path, "--ca-file", try TestCertificates.caFile], home: home, server: server.address)
        XCTAssertEqual(result.exitCode, 0, result.summary)
    }
}
