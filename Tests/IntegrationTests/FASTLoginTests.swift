import Foundation
import XCTest

/// `send` with FAST (XEP-0484) against the real Prosody with SASL2, Bind2 and FAST
/// (`ProsodyServer.sasl2`), and against the fake server for a server that no longer offers
/// SASL2: the first login asks for a token, the next ones log in with it in one flight, and
/// a token that does not work falls back to the password in the same run.
final class FASTLoginTests: XCTestCase {
    private var home: URL!

    override func setUpWithError() throws {
        home = try makeScratchDirectory()
    }

    private var environment: [String: String] {
        [
            "XDG_CACHE_HOME": home.appendingPathComponent("cache").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
        ]
    }

    private func send(
        _ server: ProsodyServer, direct: Bool = false, verbosity: String = "-v", body: String = "fast"
    ) throws -> CLIResult {
        try runCLI(
            [
                "send", verbosity, "-j", server.alice.jid, "--server", direct ? server.directTLSAddress : server.starttlsAddress,
                "--tls", direct ? "direct" : "starttls", "--ca-file", server.caFile, "--timeout", "20", "-m", body,
                server.bob.jid,
            ],
            environment: environment.merging(["XMPP_PASSWORD": server.alice.password]) { _, new in new })
    }

    private func roundTrips(_ result: CLIResult) -> Int? {
        guard let range = result.stderr.range(of: #"\d+ round trips since connecting"#, options: .regularExpression) else { return nil }
        return Int(result.stderr[range].prefix { $0.isNumber })
    }

    private func tokenFile(_ server: ProsodyServer, direct: Bool = false) -> URL {
        let port = direct ? server.directTLSPort : server.starttlsPort
        return home.appendingPathComponent(
            "data/xmpp-cli/fast/alice%40localhost%40127.0.0.1%3A\(port)%2C\(direct ? "direct" : "starttls")")
    }

    private func token(in file: URL) throws -> String? {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("token ") }),
            let data = Data(base64Encoded: String(line.dropFirst(6)))
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// STARTTLS: seven round trips with the password at first contact, four with the token.
    /// Direct TLS: six, then three. The token file is private.
    func testTheTokenLoginTakesFourRoundTripsWithSTARTTLSAndThreeWithDirectTLS() throws {
        let server = try ProsodyServer.sasl2
        for (direct, first, then) in [(false, 7, 4), (true, 6, 3)] {
            let password = try send(server, direct: direct)
            XCTAssertEqual(password.exitCode, 0, password.summary)
            XCTAssertEqual(roundTrips(password), first, password.summary)
            let file = tokenFile(server, direct: direct)
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
            XCTAssertNotNil(try token(in: file))
            for _ in 0..<2 {
                let fast = try send(server, direct: direct)
                XCTAssertEqual(fast.exitCode, 0, fast.summary)
                XCTAssertEqual(roundTrips(fast), then, fast.summary)
                XCTAssertTrue(fast.stderr.contains("HT-SHA-256-") && fast.stderr.contains("over SASL2"), fast.summary)
                XCTAssertTrue(fast.stderr.contains("acknowledged by the server (XEP-0198)"), fast.summary)
            }
        }
    }

    /// The token logs in as the account: it never appears on stderr, even with -vv.
    func testTheTokenNeverAppearsInTraces() throws {
        let server = try ProsodyServer.sasl2
        XCTAssertEqual(try send(server).exitCode, 0)
        let before = try XCTUnwrap(try token(in: tokenFile(server)))
        let traced = try send(server, verbosity: "-vv")
        XCTAssertEqual(traced.exitCode, 0, traced.summary)
        XCTAssertTrue(traced.stderr.contains("<authenticate"), traced.summary)
        let after = try XCTUnwrap(try token(in: tokenFile(server)))
        for secret in [before, after, server.alice.password] {
            XCTAssertFalse(traced.stderr.contains(secret), "a secret on stderr")
        }
    }

    /// A token the server does not know is refused; the same run logs in with the password
    /// and keeps the new token it gets.
    func testARefusedTokenFallsBackToThePasswordInTheSameRun() throws {
        let server = try ProsodyServer.sasl2
        XCTAssertEqual(try send(server).exitCode, 0)
        let file = tokenFile(server)
        let real = try XCTUnwrap(try token(in: file))
        let forged = Data("forged-\(real)".utf8).base64EncodedString()
        let text = try String(contentsOf: file, encoding: .utf8)
            .split(separator: "\n").map { $0.hasPrefix("token ") ? "token \(forged)" : String($0) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: file)
        let fallback = try send(server, body: "after a refused token")
        XCTAssertEqual(fallback.exitCode, 0, fallback.summary)
        XCTAssertTrue(fallback.stderr.contains("was not accepted"), fallback.summary)
        let renewed = try XCTUnwrap(try token(in: file))
        XCTAssertNotEqual(renewed, "forged-\(real)")
        let again = try send(server)
        XCTAssertEqual(again.exitCode, 0, again.summary)
        XCTAssertEqual(roundTrips(again), 4, again.summary)
    }

    /// The cache says SASL2 with FAST and there is a token, but the server (the fake one)
    /// offers no SASL2 any more: the early `<authenticate>` is wasted, the password logs in
    /// over SASL1 in the same run, and the token is dropped.
    func testAServerNoLongerOfferingSASL2FallsBackToThePassword() throws {
        let server = try FakeServer(scenario: "normal", scratch: home, connections: 2)
        let key = "127.0.0.1%3A\(server.port)%2Cstarttls"
        let servers = home.appendingPathComponent("cache/xmpp-cli/servers")
        let tokens = home.appendingPathComponent("data/xmpp-cli/fast")
        for directory in [servers, tokens] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        try Data(
            ("xmpp-cli server cache 1\nmechanisms SCRAM-SHA-256 SCRAM-SHA-1 PLAIN\nstream-management yes\n"
                + "sasl2-mechanisms SCRAM-SHA-1\nbind2-features urn:xmpp:sm:3\nsasl2-inline-resumption no\n"
                + "fast-mechanisms HT-SHA-256-NONE\n").utf8
        ).write(to: servers.appendingPathComponent("localhost%40\(key)"))
        let tokenFile = tokens.appendingPathComponent("alice%40localhost%40\(key)")
        try Data(
            ("xmpp-cli fast token 1\nuser-agent 0e1b7a52-6c1d-4a8e-9f6e-3a2b1c0d9e8f\nmechanism HT-SHA-256-NONE\n"
                + "token \(Data("old-token".utf8).base64EncodedString())\n").utf8
        ).write(to: tokenFile)
        chmod(tokenFile.path, 0o600)
        let result = try runCLI(
            [
                "send", "-v", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20", "-m", "one", "bob@localhost",
            ],
            environment: environment.merging(["XMPP_PASSWORD": FakeServer.password]) { _, new in new })
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("no longer offers"), result.summary)
        let sent = try server.clientBytes()
        guard let authenticate = sent.range(of: "<authenticate") else { return XCTFail("no early <authenticate>: \(sent)") }
        XCTAssertTrue(sent[authenticate.upperBound...].contains("<auth "), "no password login after it: \(sent)")
        XCTAssertNil(try token(in: tokenFile), "the token was kept")
    }
}
