import Foundation
import XCTest

/// SCRAM-SHA-512-PLUS against a real ejabberd 23.01, which checks the channel binding itself.
///
/// ejabberd 23.01 verifies only `tls-unique`, over TLS 1.3 too (where RFC 9266 makes
/// `tls-exporter` the type and `tls-unique` is undefined), and does not list its types
/// (XEP-0440). So over TLS 1.2 xmpp-cli binds with `tls-unique`, which the server verifies;
/// over TLS 1.3 a server that lists no types gets SCRAM without binding, inside the verified
/// TLS, rather than a binding it cannot check and a login that always fails.
final class EjabberdTests: XCTestCase {
    /// `send -v` (or without `-v`) from alice to bob through `listener`.
    private func sendAsAlice(
        _ body: String, through listener: EjabberdServer.Listener, password: String? = nil, verbose: Bool = true,
        to recipient: String? = nil
    ) throws -> CLIResult {
        let server = try EjabberdServer.shared
        return try runCLI(
            ["send"] + server.connection(server.alice, through: listener) + (verbose ? ["-v"] : [])
                + ["-m", body, recipient ?? server.bob.jid],
            environment: ["XMPP_PASSWORD": password ?? server.alice.password], timeout: 30)
    }

    private func assertStderr(
        _ result: CLIResult, contains text: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertTrue(result.stderr.contains(text), "no \"\(text)\": \(result.summary)", file: file, line: line)
    }

    func testPlusWithTLSUniqueOverTLS12DeliversThroughStartTLSAndDirectTLS() throws {
        let server = try EjabberdServer.shared
        let bob = try BackgroundCLI(
            ["listen"] + server.connection(server.bob, through: server.listener(.direct, tls12Only: true))
                + ["-v", "--count", "2", "--format", "json"],
            environment: ["XMPP_PASSWORD": server.bob.password])
        try bob.waitForStderr(containing: "listening as")
        XCTAssertTrue(
            bob.stderr.contains("with SCRAM-SHA-512-PLUS (channel binding tls-unique;"), "listener: \(bob.stderr)")

        var bodies: [String] = []
        for tls in [EjabberdServer.Listener.TLSMode.starttls, .direct] {
            let listener = server.listener(tls, tls12Only: true)
            let body = "over \(listener), \(UUID().uuidString)"
            let result = try sendAsAlice(body, through: listener)
            XCTAssertEqual(result.exitCode, 0, "\(listener): \(result.summary)")
            assertStderr(result, contains: "TLS: TLSv1.2,")
            assertStderr(result, contains: "with SCRAM-SHA-512-PLUS (channel binding tls-unique;")
            // The server's signature checked out too, over the same channel binding.
            assertStderr(result, contains: "authenticated with SCRAM-SHA-512-PLUS")
            guard result.exitCode == 0 else { return }
            bodies.append(body)
        }

        let received = try bob.wait(timeout: 30)
        XCTAssertEqual(received.exitCode, 0, received.summary)
        let records = try ListenHarness.lines(received.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.compactMap { $0["body"] as? String }.sorted(), bodies.sorted(), received.stdout)
        for record in records {
            let from = (record["from"] as? String).map { String($0.prefix { $0 != "/" }) }
            XCTAssertEqual(from, server.alice.jid, "\(record)")
        }
    }

    /// Over TLS 1.3 the only binding is tls-exporter, which a server that lists no types may
    /// not know (this one does not): SCRAM-SHA-512 without binding, flag "n", and delivery.
    func testOverTLS13WithoutAdvertisedTypesPlainSCRAMLogsIn() throws {
        let server = try EjabberdServer.shared
        for tls in [EjabberdServer.Listener.TLSMode.starttls, .direct] {
            let listener = server.listener(tls, tls12Only: false)
            // To alice herself: bob's listener in the other test must not find it waiting.
            let result = try sendAsAlice("over TLS 1.3 through \(listener)", through: listener, to: server.alice.jid)
            XCTAssertEqual(result.exitCode, 0, "\(listener): \(result.summary)")
            assertStderr(result, contains: "TLS: TLSv1.3,")
            assertStderr(result, contains: "authenticated with SCRAM-SHA-512\n")
            assertStderr(result, contains: "with SCRAM-SHA-512 (offered:")
        }
    }

    /// The binding is accepted and the proof is not: the server's own words say which.
    func testWrongPasswordExits77() throws {
        let server = try EjabberdServer.shared
        let wrong = "not-the-Pa55-w0rd"
        let result = try sendAsAlice(
            "never delivered", through: server.listener(.starttls, tls12Only: true), password: wrong, verbose: false)
        assertFailure(result, exitCode: 77, secrets: [wrong, server.alice.password])
        assertStderr(result, contains: "SCRAM-SHA-512-PLUS")
        assertStderr(result, contains: "Invalid username or password")
    }
}
