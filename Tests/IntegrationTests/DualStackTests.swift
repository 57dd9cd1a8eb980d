import Foundation
import XCTest

/// Happy Eyeballs (RFC 8305) in a network namespace of the test's own
/// (Tests/Support/netns/blackhole-up) where the server's name has an IPv6 address that
/// black-holes, tried first since the namespace prefers IPv6, and 127.0.0.1, which leads to
/// the real Prosody: the send succeeds after one attempt delay, not after the deadline.
final class DualStackTests: XCTestCase {
    func testABlackHoledIPv6AddressIsOvertakenByIPv4() throws {
        let server = try ProsodyServer.shared
        let netns = SupportPaths.support.appendingPathComponent("netns")
        let name = "xcbh\(String(getpid() % 100_000))"
        let directory = try makeTemporaryDirectory("xmpp-cli-netns")
        addTeardownBlock {
            _ = try? runProcess(
                SupportPaths.bash, [netns.appendingPathComponent("blackhole-down").path, name, directory.path],
                timeout: 30, outputIn: FileManager.default.temporaryDirectory)
            try? FileManager.default.removeItem(at: directory)
        }
        let port = try closedPort()
        let up = try runProcess(
            SupportPaths.bash,
            [
                netns.appendingPathComponent("blackhole-up").path, name, directory.path, "--host", "xmpp.dual-stack.example",
                "--port", String(port), "--target", "127.0.0.1:\(server.starttlsPort)", "--watch-pid", String(getpid()),
            ],
            timeout: 30, outputIn: FileManager.default.temporaryDirectory)
        guard up.exitCode == 0 else { throw HarnessError.failedToStart("netns/blackhole-up: \(up.stderr)") }

        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try runCLI(
            [
                "send", "-v", "-j", server.alice.jid, "--server", "xmpp.dual-stack.example:\(port)", "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "10", "-m", "around the black hole", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], launcher: ["/usr/sbin/ip", "netns", "exec", name])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { _ = try? bob.stop(); return }
        XCTAssertEqual(try bob.messages().map(\.body), ["around the black hole"])
        XCTAssertTrue(
            result.stderr.contains("at [2001:db8:2::1]:\(port): abandoned, another address connected first"), result.summary)
        XCTAssertTrue(result.stderr.contains("at 127.0.0.1:\(port): connected"), result.summary)
    }
}
