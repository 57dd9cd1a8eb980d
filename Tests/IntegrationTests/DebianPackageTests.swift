import Foundation
import XCTest

/// `make deb`: the package holds the release binary, the man pages, the completions where
/// Debian's shells look and the copyright and changelog; its Depends is computed; lintian
/// finds nothing wrong; and in a clean Debian 12 root, with no Swift toolchain and none of
/// the libraries, `apt-get install ./xmpp-cli_*.deb` brings what it needs, the program
/// sends a message and uploads a file to a real Prosody, and `apt-get remove` leaves
/// nothing of it behind.
final class DebianPackageTests: XCTestCase {
    /// With an upload service: `upload` is what loads libcurl, which Depends must bring.
    private static let prosody = ClassProsody(extraArguments: ["--upload", String(1024 * 1024)])
    /// The Debian packages of the libraries the binary loads (README, "Install").
    private static let libraryPackages = [
        "libc6", "libcurl4", "libedit2", "libgcc-s1", "libomemo-c0", "libssl3", "libstdc++6", "libxml2",
    ]

    override class func tearDown() {
        prosody.stop()
        super.tearDown()
    }

    private func package() throws -> URL { try ReleaseFiles.shared.file("deb") }

    private func dpkgDeb(_ arguments: [String], scratch: URL) throws -> ProcessOutcome {
        let outcome = try runProcess(URL(fileURLWithPath: "/usr/bin/dpkg-deb"), arguments, timeout: 60, outputIn: scratch)
        XCTAssertEqual(outcome.exitCode, 0, "dpkg-deb \(arguments): \(outcome.stderr)")
        return outcome
    }

    func testPackageIsNamedAfterTheBinarysVersionAndDependsOnWhatItLinks() throws {
        let scratch = try makeScratchDirectory()
        let package = try package()
        let version = try ReleaseFiles.version()
        let architecture = try runProcess(
            URL(fileURLWithPath: "/usr/bin/dpkg"), ["--print-architecture"], timeout: 30, outputIn: scratch
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(package.lastPathComponent, "xmpp-cli_\(version)_\(architecture).deb")

        let fields = try dpkgDeb(["--field", package.path, "Package", "Version", "Architecture", "Depends"], scratch: scratch).stdout
        XCTAssertTrue(fields.contains("Package: xmpp-cli\n"), fields)
        XCTAssertTrue(fields.contains("Version: \(version)\n"), fields)
        XCTAssertTrue(fields.contains("Architecture: \(architecture)\n"), fields)
        let dependsLine = fields.split(separator: "\n").first { $0.hasPrefix("Depends: ") } ?? ""
        let depends = dependsLine.dropFirst("Depends: ".count).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        // Each with the version its symbols need, as dpkg-shlibdeps writes it.
        XCTAssertEqual(
            depends.map { String($0.prefix { $0 != " " }) }, Self.libraryPackages,
            "Depends: \(depends)")
        for dependency in depends {
            XCTAssertTrue(dependency.contains(" (>= "), "no version for \(dependency)")
        }
    }

    func testPackageHoldsEachFileWhereDebianLooksForIt() throws {
        let scratch = try makeScratchDirectory()
        let unpacked = scratch.appendingPathComponent("unpacked")
        _ = try dpkgDeb(["--extract", try package().path, unpacked.path], scratch: scratch)
        let root = SupportPaths.packageRoot
        var expected: [String: URL] = [
            "usr/share/bash-completion/completions/xmpp-cli": root.appendingPathComponent("completions/xmpp-cli.bash"),
            "usr/share/zsh/vendor-completions/_xmpp-cli": root.appendingPathComponent("completions/_xmpp-cli"),
            "usr/share/fish/vendor_completions.d/xmpp-cli.fish": root.appendingPathComponent("completions/xmpp-cli.fish"),
        ]
        let pages = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("man").path)
            .filter { $0.hasSuffix(".1") }
        for page in pages { expected["usr/share/man/man1/\(page).gz"] = root.appendingPathComponent("man/\(page)") }
        let documents = ["usr/share/doc/xmpp-cli/copyright", "usr/share/doc/xmpp-cli/changelog.gz"]
        XCTAssertEqual(
            try InstalledFiles.below(unpacked), Set(expected.keys).union(documents).union(["usr/bin/xmpp-cli"]))

        for (path, source) in expected {
            let file = unpacked.appendingPathComponent(path)
            let contents = path.hasSuffix(".gz") ? try gunzip(file, scratch: scratch) : try Data(contentsOf: file)
            XCTAssertEqual(contents, try Data(contentsOf: source), "\(path) is not \(source.path)")
        }

        // The release binary, stripped, which runs.
        let binary = unpacked.appendingPathComponent("usr/bin/xmpp-cli")
        let sections = try runProcess(URL(fileURLWithPath: "/usr/bin/readelf"), ["-S", "-W", binary.path], timeout: 30, outputIn: scratch)
        XCTAssertEqual(sections.exitCode, 0, sections.stderr)
        XCTAssertFalse(sections.stdout.contains(".symtab"), "the binary is not stripped")
        XCTAssertFalse(sections.stdout.contains(".debug_info"), "the binary carries debug information")
        let version = try HiddenToolchain.run(binary, ["--version"], scratch: scratch)
        XCTAssertEqual(version.exitCode, 0, version.stderr)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .newlines), try ReleaseFiles.version())

        // GPL-3.0-or-later, and the licence of each part it is built with or loads.
        let copyright = try String(contentsOf: unpacked.appendingPathComponent(documents[0]), encoding: .utf8)
        XCTAssertTrue(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
        for licence in ["GPL-3.0+", "GPL-3", "Apache-2.0 with Swift Runtime Library exception", "Apache-2.0", "MIT-1", "BSD-3-clause", "curl"] {
            XCTAssertTrue(copyright.contains("\nLicense: \(licence)\n "), "no licence text of \(licence)")
        }
        for library in ["libssl3", "libxml2", "libedit2", "libomemo-c0", "libcurl4"] {
            XCTAssertTrue(copyright.contains(" \(library) "), "the copyright does not name \(library)")
        }
        let changelog = String(decoding: try gunzip(unpacked.appendingPathComponent(documents[1]), scratch: scratch), as: UTF8.self)
        XCTAssertTrue(
            changelog.hasPrefix("xmpp-cli (\(try ReleaseFiles.version())) unstable; urgency=medium\n"), changelog)
    }

    /// The same binary and tree make the same package, byte for byte: no time of the make
    /// and no owner of the build's files goes into it.
    func testTheSameBuildMakesTheSamePackage() throws {
        try assertMakingAgainGivesTheSameFile("deb")
    }

    func testLintianFindsNoErrorsOrWarnings() throws {
        let scratch = try makeScratchDirectory()
        let lintian = try runProcess(
            URL(fileURLWithPath: "/usr/bin/lintian"), ["--pedantic", "--display-info", try package().path],
            timeout: 300, outputIn: scratch)
        let findings = lintian.stdout.split(separator: "\n")
        let serious = findings.filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") }
        XCTAssertEqual(serious, [], lintian.stdout)
        XCTAssertEqual(lintian.exitCode, 0, "lintian: \(lintian.stdout) \(lintian.stderr)")
        // It did look at the package: these two notes are about the binary it read.
        XCTAssertTrue(findings.contains { $0.hasPrefix("I: xmpp-cli: hardening-") }, lintian.stdout)
    }

    func testInstallsRunsAndIsRemovedInACleanDebianRoot() throws {
        let scratch = try makeScratchDirectory()
        let package = try package()
        let root = try DebianRoot.overlay(scratch: scratch)
        func inside(_ command: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
            try root.run(
                command, binds: [package.deletingLastPathComponent().path: "/mnt/packages", try sharedFiles(scratch).path: "/mnt/shared"],
                environment: environment, timeout: 300, scratch: scratch)
        }

        // Nothing of a toolchain, and none of the libraries: the package must bring them.
        let bare = try inside(["/bin/sh", "-c", "ls /opt; command -v swift swiftc cc gcc; find / -xdev -name 'libswift*' -print -quit; true"])
        XCTAssertEqual(bare.stdout, "", "the root is not bare: \(bare.stdout)")
        let before = try inside(["dpkg-query", "-W", "-f", "${db:Status-Status} ${Package}\n"] + Self.libraryPackages)
        XCTAssertEqual(
            Set(before.stdout.split(separator: "\n").filter { $0.hasPrefix("installed ") }),
            ["installed libc6", "installed libgcc-s1", "installed libstdc++6"], before.stdout)

        let install = try inside(["apt-get", "install", "-y", "-q", "/mnt/packages/\(package.lastPathComponent)"])
        XCTAssertEqual(install.exitCode, 0, "apt-get install: \(install.stdout) \(install.stderr)")
        guard install.exitCode == 0 else { return }
        let installedFiles = try inside(["dpkg-query", "-L", "xmpp-cli"]).stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(installedFiles.contains("/usr/bin/xmpp-cli"), "\(installedFiles)")

        let version = try inside(["xmpp-cli", "--version"])
        XCTAssertEqual(version.exitCode, 0, version.stderr)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .newlines), try ReleaseFiles.version())
        for page in ["xmpp-cli", "xmpp-cli-send"] {
            let man = try inside(["man", "-w", page])
            XCTAssertEqual(man.stdout, "/usr/share/man/man1/\(page).1.gz\n", "man -w \(page): \(man.stderr)")
        }
        // whatis reads each page's NAME (what lintian's bad-whatis-entry is about).
        let whatis = try inside(["whatis", "xmpp-cli-listen"])
        XCTAssertTrue(whatis.stdout.hasPrefix("xmpp-cli-listen (1)"), "whatis: \(whatis.stdout) \(whatis.stderr)")

        // A message to bob and a file to the upload service, from inside the root.
        let server = try Self.prosody.get()
        let connection = [
            "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
            "--ca-file", "/mnt/shared/ca.pem", "--timeout", "30",
        ]
        let body = "from the Debian package: Grüße <&>"
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let send = try inside(["xmpp-cli", "send"] + connection + ["-m", body, server.bob.jid], environment: ["XMPP_PASSWORD": server.alice.password])
        XCTAssertEqual(send.exitCode, 0, "send: \(send.stderr)")
        XCTAssertEqual(try bob.messages().map(\.body), [body] as [String?])
        let upload = try inside(
            ["xmpp-cli", "upload"] + connection + ["/mnt/shared/upload.bin"], environment: ["XMPP_PASSWORD": server.alice.password])
        XCTAssertEqual(upload.exitCode, 0, "upload: \(upload.stderr)")
        let url = upload.stdout.trimmingCharacters(in: .newlines)
        if upload.exitCode == 0 {
            let download = try UploadHarness.fetch(url, on: server)
            XCTAssertEqual(download.sha256, try UploadHarness.sha256(of: try sharedFiles(scratch).appendingPathComponent("upload.bin")))
        }

        let remove = try inside(["apt-get", "remove", "-y", "-q", "xmpp-cli"])
        XCTAssertEqual(remove.exitCode, 0, "apt-get remove: \(remove.stdout) \(remove.stderr)")
        let status = try inside(["dpkg-query", "-W", "xmpp-cli"])
        XCTAssertNotEqual(status.exitCode, 0, "dpkg still knows xmpp-cli: \(status.stdout)")
        let left = try inside(["/bin/sh", "-c", #"for f in "$@"; do [ -e "$f" ] && echo "$f"; done; true"#, "sh"] + installedFiles.filter { $0 != "/." })
        // Only the folders other packages share may stay.
        let shared = Set(["/usr", "/usr/bin", "/usr/share", "/usr/share/man", "/usr/share/man/man1", "/usr/share/doc", "/usr/share/bash-completion",
            "/usr/share/bash-completion/completions", "/usr/share/zsh", "/usr/share/zsh/vendor-completions", "/usr/share/fish",
            "/usr/share/fish/vendor_completions.d"])
        XCTAssertEqual(Set(left.stdout.split(separator: "\n").map(String.init)).subtracting(shared), [], "left behind")
        // And the overlay holds no file or folder named after it (the dpkg database included),
        // but for what the program wrote in the home of the user who ran it (its server
        // cache), which is the user's, as with any package.
        let traces = try runProcess(
            URL(fileURLWithPath: "/usr/bin/find"),
            [root.upper.path, "-path", root.upper.appendingPathComponent("root").path, "-prune", "-o", "-name", "*xmpp-cli*", "-print"],
            timeout: 60, outputIn: scratch)
        XCTAssertEqual(traces.stdout, "", "traces of the package")
    }

    /// The CA file and a file to upload, which the root sees at /mnt/shared.
    private func sharedFiles(_ scratch: URL) throws -> URL {
        let folder = scratch.appendingPathComponent("shared")
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: URL(fileURLWithPath: try Self.prosody.get().caFile), to: folder.appendingPathComponent("ca.pem"))
            _ = try UploadHarness.randomFile("upload.bin", size: 100_000, in: folder)
        }
        return folder
    }

    private func gunzip(_ file: URL, scratch: URL) throws -> Data {
        let outcome = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-dc", file.path], timeout: 30, outputIn: scratch)
        XCTAssertEqual(outcome.exitCode, 0, outcome.stderr)
        return outcome.stdoutData
    }
}
