import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Endpoints from DNS SRV (a private name server, Tests/Support/dns) tried in turn: one that
/// fails to open hands over to the next within its share of `--timeout`, and a run whose
/// every endpoint fails names each. The working endpoint is the real Prosody; slixmpp checks
/// what arrives.
final class FailoverTests: XCTestCase {
    /// The bound on a failing run: its `--timeout` plus room for starting the process on a
    /// loaded machine; a check that the deadline holds, not a measurement.
    private let exitAllowance: TimeInterval = 3

    /// A resolver that serves `_xmpps-client` or `_xmpp-client` SRV records for localhost,
    /// in order, each target a name of its own with the A record 127.0.0.1.
    private func resolver(directTLS: Bool, ports: [Int]) throws -> PrivateResolver {
        let service = directTLS ? "_xmpps-client._tcp.localhost" : "_xmpp-client._tcp.localhost"
        var options: [String] = []
        for (index, port) in ports.enumerated() {
            let target = "endpoint\(index + 1).failover.example"
            options += ["--srv", "\(service)=\(index + 1):0:\(port):\(target)", "--a", "\(target)=127.0.0.1"]
        }
        return try PrivateResolver.start(isolated: false, nameServer: options, test: self)
    }

    private func send(
        _ body: String, tls: String, timeout: Int, caFile: String? = nil, verbose: Bool = true, resolver: PrivateResolver,
        cache: URL? = nil
    ) throws -> CLIResult {
        let server = try ProsodyServer.shared
        var environment = ["XMPP_PASSWORD": server.alice.password]
        if let cache { environment["XDG_CACHE_HOME"] = cache.path }
        return try runCLI(
            ["send"] + (verbose ? ["-v"] : []) + [
                "-j", server.alice.jid, "--tls", tls, "--ca-file", caFile ?? server.caFile,
                "--timeout", String(timeout), "-m", body, server.bob.jid,
            ],
            environment: environment, timeout: TimeInterval(timeout) + exitAllowance, launcher: resolver.launcher)
    }

    /// Sends `body` with `--timeout 8` and checks that bob got exactly it; the run's result,
    /// nil when it failed (already reported).
    private func assertDelivered(
        _ body: String, tls: String, resolver: PrivateResolver, file: StaticString = #filePath, line: UInt = #line
    ) throws -> CLIResult? {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try send(body, tls: tls, timeout: 8, resolver: resolver)
        XCTAssertEqual(result.exitCode, 0, result.summary, file: file, line: line)
        guard result.exitCode == 0 else {
            _ = try? bob.stop()
            return nil
        }
        XCTAssertEqual(try bob.messages().map(\.body), [body], file: file, line: line)
        return result
    }

    func testAFirstTargetThatNeverAnswersTLSHandsOverToTheNext() throws {
        let server = try ProsodyServer.shared
        let silent = try SilentListener()
        let resolver = try resolver(directTLS: true, ports: [silent.port, server.directTLSPort])
        guard let result = try assertDelivered("past a silent endpoint", tls: "direct", resolver: resolver) else { return }
        XCTAssertTrue(
            result.stderr.contains("endpoint1.failover.example:\(silent.port) (direct TLS) failed (timed out during the TLS handshake"),
            result.summary)
        XCTAssertTrue(result.stderr.contains("connected to endpoint2.failover.example port \(server.directTLSPort)"), result.summary)
        XCTAssertTrue(
            result.stderr.contains("TCP to endpoint1.failover.example port \(silent.port) at 127.0.0.1:\(silent.port): connected"),
            result.summary)
    }

    /// The endpoint that worked is remembered (the per-server cache) and tried first next
    /// time: the silent one is not waited for again.
    func testTheEndpointThatWorkedIsTriedFirstNextTime() throws {
        let server = try ProsodyServer.shared
        let silent = try SilentListener()
        let resolver = try resolver(directTLS: true, ports: [silent.port, server.directTLSPort])
        let cache = try makeScratchDirectory().appendingPathComponent("cache")
        let first = try send("learning", tls: "direct", timeout: 8, resolver: resolver, cache: cache)
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertTrue(first.stderr.contains("trying the next endpoint"), first.summary)
        let second = try send("remembered", tls: "direct", timeout: 8, resolver: resolver, cache: cache)
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertTrue(
            second.stderr.contains("trying endpoint2.failover.example:\(server.directTLSPort) (direct TLS) first: it worked last time"),
            second.summary)
        XCTAssertFalse(second.stderr.contains("TCP to endpoint1.failover.example"), "tried again: \(second.summary)")
    }

    func testAFirstTargetThatNeverOpensTheStreamHandsOverToTheNext() throws {
        let server = try ProsodyServer.shared
        let silent = try SilentListener()
        let resolver = try resolver(directTLS: false, ports: [silent.port, server.starttlsPort])
        guard let result = try assertDelivered("past a mute endpoint", tls: "starttls", resolver: resolver) else { return }
        XCTAssertTrue(result.stderr.contains("endpoint1.failover.example:\(silent.port) (STARTTLS) failed (timed out"), result.summary)
    }

    /// Every endpoint failing ends the run by its `--timeout`, naming each and why.
    func testEveryEndpointFailingNamesEachWithinTheTimeout() throws {
        let silent = try SilentListener()
        let refused = try closedPort()
        let resolver = try resolver(directTLS: true, ports: [refused, silent.port])
        let result = try send("never sent", tls: "direct", timeout: 4, verbose: false, resolver: resolver)
        assertFailure(result, exitCode: 75, secrets: [try ProsodyServer.shared.alice.password])
        XCTAssertTrue(result.stderr.contains("endpoint1.failover.example port \(refused): connection refused"), result.summary)
        XCTAssertTrue(
            result.stderr.contains("endpoint2.failover.example port \(silent.port): timed out during the TLS handshake"),
            result.summary)
    }

    /// A certificate that does not verify is not a reason to lower the standards: the next
    /// endpoint is tried with the same ones, and when none works the failure is the
    /// certificate's (77), naming the others too.
    func testAnUntrustedCertificateStaysTheFailureWhenNoOtherEndpointWorks() throws {
        let server = try ProsodyServer.shared
        let refused = try closedPort()
        let resolver = try resolver(directTLS: true, ports: [server.directTLSPort, refused])
        let result = try send(
            "never sent", tls: "direct", timeout: 8, caFile: server.untrustedCAFile, verbose: false, resolver: resolver)
        assertFailure(result, exitCode: 77, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains("is not trusted"), result.summary)
        XCTAssertTrue(result.stderr.contains("endpoint2.failover.example port \(refused): connection refused"), result.summary)
    }
}

/// A loopback TCP listener that never accepts: the kernel completes each handshake into
/// its queue, and nothing is ever said, as a server that hangs before TLS or the stream.
private final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.failedToStart("socket: \(String(cString: strerror(errno)))") }
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError.failedToStart("bind/listen: \(String(cString: strerror(errno)))")
        }
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: storage.sin_port))
    }

    deinit { close(fd) }
}
