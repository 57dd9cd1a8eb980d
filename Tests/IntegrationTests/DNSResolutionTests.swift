import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Host names resolved by the built binary through a private resolv.conf
/// (Tests/Support/dns): a name server that never answers must not carry a run past its
/// `--timeout`, and one that answers must lead to the server.
final class DNSResolutionTests: XCTestCase {
    /// The bound on a run whose `--timeout` is 3: a check that the deadline holds, with room
    /// for starting the process on a loaded machine; not a measurement.
    private let blackHoleTimeout = 3
    private let exitAllowance: TimeInterval = 2

    func testBlackHoledNameServerEndsTheRunByItsDeadline() throws {
        let resolver = try PrivateResolver.start(isolated: true, nameServer: ["--silent"], test: self)
        let result = try runCLI(
            [
                "send", "-j", "alice@localhost", "--server", "xmpp.black-hole.example",
                "--timeout", String(blackHoleTimeout), "-m", "never sent", "bob@localhost",
            ],
            environment: ["XMPP_PASSWORD": "unused-Pa55"],
            timeout: TimeInterval(blackHoleTimeout) + exitAllowance, launcher: resolver.launcher)
        assertFailure(result, exitCode: 75, secrets: ["unused-Pa55"])
        XCTAssertTrue(
            result.stderr.contains("timed out resolving xmpp.black-hole.example (no DNS server answered in time)"),
            result.summary)
        // The question did reach the black hole: the time went into waiting for it.
        let queries = try resolver.queries()
        XCTAssertTrue(queries.contains("xmpp.black-hole.example 1"), "\(queries)")
    }

    func testNameFromThePrivateResolverReachesTheServer() throws {
        let server = try ProsodyServer.shared
        // "xmpp" is completed by the search list, and its name is an alias of the A record's.
        let resolver = try PrivateResolver.start(
            isolated: false, search: "dns-test.example",
            nameServer: ["--cname", "xmpp.dns-test.example=prosody.dns-test.example", "--a", "prosody.dns-test.example=127.0.0.1"],
            test: self)
        let body = "found by name"
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try runCLI(
            [
                "send", "-j", server.alice.jid, "--server", "xmpp:\(server.starttlsPort)", "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "20", "-v", "-m", body, server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password], launcher: resolver.launcher)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { _ = try? bob.stop(); return }
        XCTAssertEqual(try bob.messages().map(\.body), [body])
        XCTAssertTrue(result.stderr.contains("connected to xmpp port \(server.starttlsPort) (127.0.0.1:"), result.summary)
        let queries = try resolver.queries()
        XCTAssertTrue(queries.contains("xmpp.dns-test.example 1"), "\(queries)")
    }

    func testNameTheResolverDoesNotKnowIsNoSuchHost() throws {
        let resolver = try PrivateResolver.start(isolated: true, nameServer: [], test: self)
        let result = try runCLI(
            [
                "send", "-j", "alice@localhost", "--server", "nothing.dns-test.example", "--timeout", "10",
                "-m", "never sent", "bob@localhost",
            ],
            environment: ["XMPP_PASSWORD": "unused-Pa55"], timeout: 12, launcher: resolver.launcher)
        assertFailure(result, exitCode: 69, secrets: ["unused-Pa55"])
        XCTAssertTrue(result.stderr.contains("nothing.dns-test.example port 5222: no such host"), result.summary)
        XCTAssertEqual(try resolver.queries(), ["nothing.dns-test.example 1"])
    }
}
