import Foundation
import XCTest

/// `make dist`: the tarball, unpacked in a fresh folder, installs with its install.sh under
/// a PREFIX exactly what `make install` installs, after checking SHA256SUMS; the binary it
/// installs runs, and sends a message, with the Swift toolchain hidden.
final class ReleaseTarballTests: XCTestCase {
    private func tarball() throws -> URL { try ReleaseFiles.shared.file("dist") }

    /// The tarball unpacked into a fresh folder: its one top folder.
    private func unpack(scratch: URL) throws -> URL {
        let tarball = try tarball()
        let unpacked = scratch.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let tar = try runProcess(
            URL(fileURLWithPath: "/bin/tar"), ["-xzf", tarball.path, "-C", unpacked.path], timeout: 60, outputIn: scratch)
        XCTAssertEqual(tar.exitCode, 0, tar.stderr)
        let top = try FileManager.default.contentsOfDirectory(atPath: unpacked.path)
        XCTAssertEqual(top, [String(tarball.lastPathComponent.dropLast(".tar.gz".count))])
        return unpacked.appendingPathComponent(top.first ?? "")
    }

    private func installScript(_ top: URL, _ arguments: [String], prefix: URL, scratch: URL) throws -> ProcessOutcome {
        try runProcess(
            SupportPaths.bash, [top.appendingPathComponent("install.sh").path] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(["PREFIX": prefix.path, "DESTDIR": ""]) { _, new in new },
            timeout: 60, outputIn: scratch)
    }

    func testTarballIsNamedAfterTheBinaryAndCarriesItsChecksums() throws {
        let scratch = try makeScratchDirectory()
        let tarball = try tarball()
        let machine = try runProcess(URL(fileURLWithPath: "/bin/uname"), ["-m"], timeout: 30, outputIn: scratch)
            .stdout.trimmingCharacters(in: .newlines)
        XCTAssertEqual(tarball.lastPathComponent, "xmpp-cli-\(try ReleaseFiles.version())-linux-\(machine).tar.gz")
        // Its own checksum beside it, as `sha256sum -c` reads it.
        let outer = try checkSums(tarball.lastPathComponent + ".sha256", in: tarball.deletingLastPathComponent(), scratch: scratch)
        XCTAssertEqual(outer.exitCode, 0, outer.stdout + outer.stderr)

        let top = try unpack(scratch: scratch)
        var expected: Set<String> = [
            "bin/xmpp-cli", "install.sh", "scripts/install", "README.md", "LICENSE", "SHA256SUMS",
            "completions/xmpp-cli.bash", "completions/_xmpp-cli", "completions/xmpp-cli.fish",
        ]
        let pages = try FileManager.default.contentsOfDirectory(atPath: SupportPaths.packageRoot.appendingPathComponent("man").path)
        for page in pages where page.hasSuffix(".1") { expected.insert("man/\(page)") }
        XCTAssertEqual(try InstalledFiles.below(top), expected)
        let sums = try String(contentsOf: top.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        XCTAssertEqual(
            Set(sums.split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }),
            expected.subtracting(["SHA256SUMS"]))
        let inner = try checkSums("SHA256SUMS", in: top, scratch: scratch)
        XCTAssertEqual(inner.exitCode, 0, inner.stdout + inner.stderr)
    }

    /// The same binary and tree make the same tarball, byte for byte (sorted entries, root's
    /// owner, the last commit's time, gzip without a name or time).
    func testTheSameBuildMakesTheSameTarball() throws {
        try assertMakingAgainGivesTheSameFile("dist")
    }

    func testInstallShInstallsWhatMakeInstallDoesAndTheBinaryRunsWithoutTheToolchain() throws {
        let scratch = try makeScratchDirectory()
        let top = try unpack(scratch: scratch)
        let prefix = scratch.appendingPathComponent("prefix")
        let install = try installScript(top, [], prefix: prefix, scratch: scratch)
        XCTAssertEqual(install.exitCode, 0, install.stderr)

        let expected = try InstalledFiles.expected(binary: top.appendingPathComponent("bin/xmpp-cli"))
        XCTAssertEqual(try InstalledFiles.below(prefix), Set(expected.keys))
        for (destination, source) in expected {
            XCTAssertEqual(
                try Data(contentsOf: prefix.appendingPathComponent(destination)), try Data(contentsOf: source),
                "\(destination) is not \(source.path)")
        }

        let binary = prefix.appendingPathComponent("bin/xmpp-cli")
        let version = try HiddenToolchain.run(binary, ["--version"], scratch: scratch)
        XCTAssertEqual(version.exitCode, 0, version.stderr)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .newlines), try ReleaseFiles.version())
        try assertSendsWithToolchainHidden(binary, body: "from the release tarball: Grüße <&>", tls: "direct", scratch: scratch)

        let uninstall = try installScript(top, ["uninstall"], prefix: prefix, scratch: scratch)
        XCTAssertEqual(uninstall.exitCode, 0, uninstall.stderr)
        XCTAssertEqual(try InstalledFiles.below(prefix), [])
    }

    /// `sha256sum --check --strict LIST` in `folder`, where the names in LIST are.
    private func checkSums(_ list: String, in folder: URL, scratch: URL) throws -> ProcessOutcome {
        try runProcess(
            SupportPaths.bash, ["-c", #"cd "$1" && sha256sum --check --strict "$2""#, "check", folder.path, list],
            timeout: 60, outputIn: scratch)
    }

    /// A file changed, or one added, after the checksums were made: install.sh installs nothing.
    func testInstallShRefusesFilesThatDifferFromTheChecksums() throws {
        let scratch = try makeScratchDirectory()
        let top = try unpack(scratch: scratch)
        let prefix = scratch.appendingPathComponent("prefix")
        let page = top.appendingPathComponent("man/xmpp-cli.1")
        let original = try Data(contentsOf: page)

        try (original + Data(".\\\" changed\n".utf8)).write(to: page)
        let changed = try installScript(top, [], prefix: prefix, scratch: scratch)
        XCTAssertEqual(changed.exitCode, 65, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("man/xmpp-cli.1"), changed.stderr)
        XCTAssertTrue(changed.stderr.contains("nothing installed"), changed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix.path), "install.sh installed something")

        try original.write(to: page)
        let added = top.appendingPathComponent("man/xmpp-cli-extra.1")
        try Data(".Dd\n".utf8).write(to: added)
        let extra = try installScript(top, [], prefix: prefix, scratch: scratch)
        XCTAssertEqual(extra.exitCode, 65, extra.stderr)
        XCTAssertTrue(extra.stderr.contains("man/xmpp-cli-extra.1"), extra.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix.path), "install.sh installed something")

        // The control: as made, it installs.
        try FileManager.default.removeItem(at: added)
        let clean = try installScript(top, [], prefix: prefix, scratch: scratch)
        XCTAssertEqual(clean.exitCode, 0, clean.stderr)
    }
}
