import Foundation
import XCTest

/// `make install` and `make uninstall` (scripts/install, with the binary of this build
/// instead of the release one): every file where its shell or man looks for it, and
/// uninstall removes exactly those.
final class InstallTests: XCTestCase {
    func testInstallIntoPrefixThenUninstall() throws {
        let prefix = try makeScratchDirectory().appendingPathComponent("prefix")
        try checkInstallAndUninstall(prefix: prefix.path, destdir: "", root: prefix)
    }

    /// A package build: DESTDIR stages the tree that PREFIX describes.
    func testInstallIntoDestdirThenUninstall() throws {
        let stage = try makeScratchDirectory().appendingPathComponent("stage")
        try checkInstallAndUninstall(
            prefix: "/usr", destdir: stage.path, root: stage.appendingPathComponent("usr"))
    }

    private func checkInstallAndUninstall(prefix: String, destdir: String, root: URL) throws {
        let scratch = try makeScratchDirectory()
        // Files of other software in the same folders, which uninstall must leave alone.
        let others = ["bin/other-tool", "share/man/man1/other.1", "share/zsh/site-functions/_other"]
        for other in others {
            let url = root.appendingPathComponent(other)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("other".utf8).write(to: url)
        }
        let environment = ProcessInfo.processInfo.environment.merging(
            ["PREFIX": prefix, "DESTDIR": destdir]) { _, new in new }

        let install = try runProcess(
            SupportPaths.bash, [SupportPaths.install.path, "install", try SupportPaths.cliBinary().path],
            environment: environment, timeout: 60, outputIn: scratch)
        XCTAssertEqual(install.exitCode, 0, install.stderr)

        let expected = try InstalledFiles.expected(binary: try SupportPaths.cliBinary())
        XCTAssertEqual(try InstalledFiles.below(root), Set(expected.keys).union(others))
        for (destination, source) in expected {
            let installed = root.appendingPathComponent(destination)
            XCTAssertEqual(
                try Data(contentsOf: installed), try Data(contentsOf: source),
                "\(destination) is not a copy of \(source.path)")
            let mode = try FileManager.default.attributesOfItem(atPath: installed.path)[.posixPermissions] as? Int
            XCTAssertEqual(mode, destination == "bin/xmpp-cli" ? 0o755 : 0o644, "mode of \(destination)")
        }
        let version = try runProcess(
            root.appendingPathComponent("bin/xmpp-cli"), ["--version"], timeout: 30, outputIn: scratch)
        XCTAssertEqual(version.exitCode, 0, version.stderr)

        let uninstall = try runProcess(
            SupportPaths.bash, [SupportPaths.install.path, "uninstall"],
            environment: environment, timeout: 60, outputIn: scratch)
        XCTAssertEqual(uninstall.exitCode, 0, uninstall.stderr)
        XCTAssertEqual(try InstalledFiles.below(root), Set(others), "uninstall left or removed the wrong files")
    }
}
