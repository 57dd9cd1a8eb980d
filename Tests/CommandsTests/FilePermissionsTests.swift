import Foundation
import XCTest

@testable import Commands

/// Config and password files that others could read or change are refused, with the fix.
final class FilePermissionsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xmpp-cli-permissions-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// The file as the checks see it: read through `SecretFile`, its mode from `fstat`.
    private func read(_ path: String, kind: String = "config file") throws -> SecretFile {
        try SecretFile.read(path, kind: kind, limit: 1 << 20)
    }

    private func file(mode: Int16, name: String = "config") throws -> String {
        let path = directory.appendingPathComponent(name).path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x\n".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func testPrivateConfigWithPasswordIsAccepted() throws {
        for mode: Int16 in [0o600, 0o400, 0o700] {
            let path = try file(mode: mode, name: "config-\(mode)")
            XCTAssertNoThrow(try FilePermissions.checkConfig(read(path), holdsSecret: true), "mode \(String(mode, radix: 8))")
        }
    }

    func testReadableConfigWithPasswordIsRefused() throws {
        for mode: Int16 in [0o644, 0o640, 0o604, 0o444] {
            let path = try file(mode: mode, name: "config-\(mode)")
            assertFailure(
                try FilePermissions.checkConfig(read(path), holdsSecret: true),
                status: .config, mentions: [path, "chmod 600", "0\(String(mode, radix: 8))"],
                context: "mode \(String(mode, radix: 8))")
        }
    }

    func testReadableConfigWithoutPasswordIsAccepted() throws {
        for mode: Int16 in [0o644, 0o640, 0o444] {
            let path = try file(mode: mode, name: "config-\(mode)")
            XCTAssertNoThrow(try FilePermissions.checkConfig(read(path), holdsSecret: false), "mode \(String(mode, radix: 8))")
        }
    }

    /// Whoever can write the file can change the password command it runs.
    func testWritableConfigIsRefusedEvenWithoutPassword() throws {
        for mode: Int16 in [0o620, 0o602, 0o666, 0o660] {
            for holdsSecret in [false, true] {
                let path = try file(mode: mode, name: "config-\(mode)-\(holdsSecret)")
                assertFailure(
                    try FilePermissions.checkConfig(read(path), holdsSecret: holdsSecret),
                    status: .config, mentions: [path, "writable", "chmod 600"],
                    context: "mode \(String(mode, radix: 8))")
            }
        }
    }

    func testPasswordFileMustBePrivate() throws {
        XCTAssertNoThrow(try FilePermissions.checkPasswordFile(read(try file(mode: 0o600, name: "ok"), kind: "password file")))
        XCTAssertNoThrow(try FilePermissions.checkPasswordFile(read(try file(mode: 0o400, name: "ro"), kind: "password file")))
        for mode: Int16 in [0o640, 0o604, 0o644] {
            let path = try file(mode: mode, name: "pass-\(mode)")
            assertFailure(
                try FilePermissions.checkPasswordFile(read(path, kind: "password file")),
                status: .config, mentions: [path, "password file", "chmod 600"],
                context: "mode \(String(mode, radix: 8))")
        }
    }

    func testMissingConfigFileIsConfigurationError() {
        let path = directory.appendingPathComponent("absent").path
        assertFailure(try ConfigLocation.load(flag: path), status: .config, mentions: [path])
    }

    /// The check runs where the file is read: a readable config that holds a password, or
    /// names a password file, is refused before any of it is used.
    func testLoadingChecksPermissions() throws {
        let withPassword = directory.appendingPathComponent("with-password").path
        try Data("[default]\njid = a@example.org\npassword = s3cret\n".utf8).write(to: URL(fileURLWithPath: withPassword))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: withPassword)
        assertFailure(
            try ConfigLocation.load(flag: withPassword), status: .config,
            mentions: [withPassword, "chmod 600"], absent: ["s3cret"])

        let namingFile = directory.appendingPathComponent("naming-file").path
        try Data("[default]\npassword-file = /etc/xmpp-cli/a.pass\n".utf8).write(to: URL(fileURLWithPath: namingFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: namingFile)
        assertFailure(try ConfigLocation.load(flag: namingFile), status: .config, mentions: [namingFile, "chmod 600"])

        let withCommand = directory.appendingPathComponent("with-command").path
        try Data("[default]\npassword-command = pass show x\n".utf8).write(to: URL(fileURLWithPath: withCommand))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: withCommand)
        XCTAssertEqual(try ConfigLocation.load(flag: withCommand)?.file.sections["default"]?["password-command"]?.value, "pass show x")
    }
}
