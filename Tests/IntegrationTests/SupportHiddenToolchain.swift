import Foundation
import XCTest

/// Runs a binary where the Swift toolchain cannot be seen: what a release build must do.
enum HiddenToolchain {
    /// The toolchain this test runs on: the folder above `usr/lib/swift/` of the
    /// libswiftCore.so this process has mapped.
    static func root() throws -> String {
        // Read to the end: /proc gives the file no size to go by.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"),
            let maps = String(data: try handle.readToEnd() ?? Data(), encoding: .utf8)
        else { throw HarnessError.missing("a readable /proc/self/maps") }
        defer { try? handle.close() }
        for line in maps.split(separator: "\n") where line.hasSuffix("/libswiftCore.so") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if let range = path.range(of: "/usr/lib/swift/") {
                return String(path[..<range.lowerBound])
            }
        }
        throw HarnessError.missing("the toolchain's libswiftCore.so among this process's mappings")
    }

    /// Runs `binary` in a mount namespace of its own (`unshare --mount`, as root) with an empty
    /// tmpfs over the toolchain, and no LD_LIBRARY_PATH or LD_PRELOAD.
    static func run(
        _ binary: URL, _ arguments: [String], environment: [String: String] = [:], scratch: URL
    ) throws -> ProcessOutcome {
        let toolchain = try root()
        var environment = isolatedEnvironment.merging(environment) { _, new in new }
        environment["LD_LIBRARY_PATH"] = nil
        environment["LD_PRELOAD"] = nil
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        let hide = #"mount -t tmpfs -o size=64k,mode=0755 toolchain-hidden "$0" && exec "$@""#
        return try runProcess(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            ["--mount", "--", "/bin/sh", "-c", hide, toolchain, binary.path] + arguments,
            environment: environment, timeout: 60, outputIn: scratch)
    }
}

extension XCTestCase {
    /// `binary send -m BODY` from alice to bob on the shared Prosody over `tls` (starttls or
    /// direct), with the toolchain hidden: it must exit 0, and bob receive just that body.
    /// libssl, libxml2 and the Swift runtime (strings, the JIDs' Unicode normalization) at work.
    func assertSendsWithToolchainHidden(
        _ binary: URL, body: String, tls: String, scratch: URL, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let send = try HiddenToolchain.run(
            binary,
            [
                "send", "-j", server.alice.jid, "--server", tls == "direct" ? server.directTLSAddress : server.starttlsAddress,
                "--tls", tls, "--ca-file", server.caFile, "--timeout", "20", "-m", body, server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], scratch: scratch)
        XCTAssertEqual(send.exitCode, 0, "send: \(send.stderr)", file: file, line: line)
        guard send.exitCode == 0 else { _ = try? bob.stop(); return }
        XCTAssertEqual(try bob.messages().map(\.body), [body] as [String?], file: file, line: line)
    }
}
