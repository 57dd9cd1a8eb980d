import Foundation
import XCTest

/// `--retry` against the real Prosody behind a server that comes up late
/// (Tests/Support/relay with --after: nothing listens for its first 3 s); slixmpp counts what
/// arrives.
final class RetryTests: XCTestCase {
    func testASendWithRetryOutlastsAServerThatComesUpLateAndDeliversOnce() throws {
        let server = try ProsodyServer.shared
        let scratch = try makeScratchDirectory()
        let (port, forwarder) = try lateServer(after: 3, scratch: scratch)
        defer { forwarder.terminate() }
        let bob = try Peer.receive(as: server.bob, on: server, scratch: scratch)
        let result = try runCLI(
            [
                "send", "-v", "--retry", "5", "-j", server.alice.jid, "--server", "localhost:\(port)",
                "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "30", "-m", "once, late", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], timeout: 40)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { _ = try? bob.stop(); return }
        XCTAssertEqual(try bob.messages().map(\.body), ["once, late"])
        XCTAssertTrue(result.stderr.contains("connection refused"), result.summary)
        XCTAssertTrue(result.stderr.contains("trying again in"), result.summary)
    }

    /// send -i retries reaching the server too; no line has been read before it is reached.
    func testSendInteractiveWithRetryOutlastsAServerThatComesUpLate() throws {
        let server = try ProsodyServer.shared
        let scratch = try makeScratchDirectory()
        let (port, forwarder) = try lateServer(after: 2, scratch: scratch)
        defer { forwarder.terminate() }
        let bob = try Peer.receive(as: server.bob, on: server, scratch: scratch)
        let result = try runCLI(
            [
                "send", "-i", "--retry", "5", "-j", server.alice.jid, "--server", "localhost:\(port)",
                "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "30", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], stdin: Data("first line\nsecond line\n".utf8), timeout: 40)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { _ = try? bob.stop(); return }
        XCTAssertEqual(try bob.messages().map(\.body), ["first line", "second line"])
    }

    /// Without --retry the same server is refused at once: exit 69.
    func testWithoutRetryAServerNotYetUpIsExit69() throws {
        let server = try ProsodyServer.shared
        let port = try closedPort()
        let result = try runCLI(
            [
                "send", "-j", server.alice.jid, "--server", "localhost:\(port)", "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "10", "-m", "never sent", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password])
        assertFailure(result, exitCode: 69, secrets: [server.alice.password])
    }

    /// A failure not worth retrying (a wrong password) is not retried.
    func testAnAuthenticationFailureIsNotRetried() throws {
        let server = try ProsodyServer.shared
        let result = try runCLI(
            [
                "send", "-v", "--retry", "3", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "10", "-m", "never sent", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": "not-alice's-Pa55"])
        XCTAssertEqual(result.exitCode, 77, result.summary)
        XCTAssertFalse(result.stderr.contains("trying again"), result.summary)
    }

    /// The test Prosody's STARTTLS port on a port of its own, where nothing listens for the
    /// first `seconds` (Tests/Support/relay --after): a server that comes up late.
    private func lateServer(after seconds: Int, scratch: URL) throws -> (port: Int, relay: ChildProcess) {
        let server = try ProsodyServer.shared
        let port = try closedPort()
        let relay = try ChildProcess(
            SupportPaths.python,
            [
                SupportPaths.support.appendingPathComponent("relay").path, "--listen", "tcp:127.0.0.1:\(port)",
                "--target", "tcp:127.0.0.1:\(server.starttlsPort)", "--after", String(seconds),
            ],
            outputIn: scratch)
        return (port, relay)
    }
}
