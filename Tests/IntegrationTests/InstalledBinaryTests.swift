import Foundation
import XCTest

/// What `make install` installs is the release build with the Swift runtime linked in
/// (scripts/build-release): it loads only the system's libraries, and it runs, TLS, XML and
/// JSON included, where no Swift toolchain can be seen.
///
/// The release build has a scratch folder of its own (`.build/integration-tests/release`):
/// the package's `.build` is held by the `swift test` that runs this.
final class InstalledBinaryTests: XCTestCase {
    /// What the installed binary may name as NEEDED (README, "Install"); besides these only
    /// the dynamic loader (`ld-linux-*`).
    private static let systemLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libresolv.so.2", "libssl.so.3", "libcrypto.so.3", "libxml2.so.2",
        "libedit.so.2", "libomemo-c.so.0", "libstdc++.so.6", "libgcc_s.so.1",
    ]
    private static let toolchainLibraryPrefixes = ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime"]

    func testInstalledBinaryRunsWithoutTheSwiftToolchain() throws {
        let scratch = try makeScratchDirectory()
        let stage = scratch.appendingPathComponent("stage")
        let install = try runProcess(
            URL(fileURLWithPath: "/usr/bin/make"),
            [
                "-C", SupportPaths.packageRoot.path, "install", "DESTDIR=\(stage.path)", "PREFIX=/usr",
                "RELEASE_SCRATCH=\(SupportPaths.buildScratch.appendingPathComponent("release").path)",
            ],
            timeout: 1800, outputIn: scratch)
        XCTAssertEqual(install.exitCode, 0, "make install failed: \(install.stderr)")
        let binary = stage.appendingPathComponent("usr/bin/xmpp-cli")
        guard install.exitCode == 0 else { return }

        let toolchain = try HiddenToolchain.root()
        try checkLinkedLibraries(binary, toolchain: toolchain, scratch: scratch)

        // The control: the debug build, which links the runtime from the toolchain, cannot
        // even start once it is hidden, so hiding it works.
        let debugRun = try HiddenToolchain.run(try SupportPaths.cliBinary(), ["--version"], scratch: scratch)
        XCTAssertEqual(debugRun.exitCode, 127, "the debug build ran with \(toolchain) hidden: \(debugRun.stderr)")
        XCTAssertTrue(debugRun.stderr.contains("error while loading shared libraries: libswift"), debugRun.stderr)

        let version = try HiddenToolchain.run(binary, ["--version"], scratch: scratch)
        XCTAssertEqual(version.exitCode, 0, version.stderr)
        let expected = try runProcess(try SupportPaths.cliBinary(), ["--version"], timeout: 30, outputIn: scratch)
        XCTAssertEqual(version.stdout, expected.stdout)
        XCTAssertFalse(version.stdout.isEmpty)

        // A message over STARTTLS, which bob receives.
        try assertSendsWithToolchainHidden(binary, body: "from the installed binary: Grüße <&>", tls: "starttls", scratch: scratch)
        let server = try ProsodyServer.shared

        // A roster file read by FoundationEssentials' JSON decoder, linked in too; the dry run
        // over direct TLS changes nothing.
        let contact = "installed-\(UUID().uuidString.prefix(8).lowercased())@\(server.domain)"
        let file = scratch.appendingPathComponent("roster.json")
        try Data("{\"roster\":[{\"jid\":\"\(contact)\",\"name\":\"Zoë\",\"groups\":[\"g\"]}]}".utf8).write(to: file)
        let dryRun = try HiddenToolchain.run(
            binary,
            [
                "roster", "import", "--dry-run", "-j", server.alice.jid, "--server", server.directTLSAddress,
                "--tls", "direct", "--ca-file", server.caFile, "--timeout", "20", file.path,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], scratch: scratch)
        XCTAssertEqual(dryRun.exitCode, 0, "roster import --dry-run: \(dryRun.stderr)")
        let lines = dryRun.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, dryRun.stdout)
        XCTAssertTrue(lines.first?.hasPrefix("add \(contact)") == true, dryRun.stdout)
        XCTAssertTrue(lines.first?.contains("Zoë") == true, dryRun.stdout)
    }

    /// The NEEDED entries name system libraries only, nothing points into the toolchain, and
    /// the dynamic loader finds every library without it.
    private func checkLinkedLibraries(_ binary: URL, toolchain: String, scratch: URL) throws {
        let dynamic = try runProcess(
            URL(fileURLWithPath: "/usr/bin/readelf"), ["-d", binary.path], timeout: 30, outputIn: scratch)
        XCTAssertEqual(dynamic.exitCode, 0, dynamic.stderr)
        let needed = dynamic.stdout.split(separator: "\n")
            .filter { $0.contains("(NEEDED)") }
            .compactMap { line -> String? in
                guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
                return String(line[line.index(after: open)..<close])
            }
        XCTAssertFalse(needed.isEmpty, "no NEEDED entries in: \(dynamic.stdout)")
        for library in needed {
            XCTAssertFalse(
                Self.toolchainLibraryPrefixes.contains { library.hasPrefix($0) },
                "the installed binary needs the toolchain's \(library)")
        }
        XCTAssertEqual(
            Set(needed.filter { !$0.hasPrefix("ld-linux") }), Self.systemLibraries,
            "the installed binary's libraries changed (update README's list if that is intended)")
        XCTAssertFalse(
            dynamic.stdout.contains("(RPATH)") || dynamic.stdout.contains("(RUNPATH)"),
            "the installed binary has a run path: \(dynamic.stdout)")

        let ldd = try runProcess(URL(fileURLWithPath: "/usr/bin/ldd"), [binary.path], timeout: 30, outputIn: scratch)
        XCTAssertEqual(ldd.exitCode, 0, ldd.stderr)
        XCTAssertFalse(ldd.stdout.contains("not found"), ldd.stdout)
        XCTAssertFalse(ldd.stdout.contains(toolchain), "libraries from the toolchain: \(ldd.stdout)")
        for prefix in Self.toolchainLibraryPrefixes {
            XCTAssertFalse(ldd.stdout.contains(prefix), "\(prefix)* loaded: \(ldd.stdout)")
        }
    }
}
