import Foundation
import XCTest

/// What a login sends before it waits, and what a server that will not take it costs: the
/// scripted fake server, with a cache directory of each test's own, across two runs.
///
/// `binds-asynchronously` is a server that closes the stream with `<not-authorized/>` on any
/// stanza that arrives before its bind result (RFC 6120 §7.1 lets it): every command must
/// work against it at first contact (a second login, waiting) and after (one login, waiting
/// from the start, because the cache remembers).
final class PipeliningTests: XCTestCase {
    private var scratch: URL!
    private var cacheHome: URL!

    override func setUpWithError() throws {
        scratch = try makeScratchDirectory()
        cacheHome = scratch.appendingPathComponent("cache")
    }

    private func run(_ server: FakeServer, _ command: [String], _ arguments: [String] = [], stdin: Data? = nil) throws -> CLIResult {
        try runCLI(
            command + [
                "-v", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20",
            ] + arguments,
            environment: ["XMPP_PASSWORD": FakeServer.password, "XDG_CACHE_HOME": cacheHome.path], stdin: stdin)
    }

    private func events(_ server: FakeServer, _ kind: String, connection: Int? = nil) throws -> [[String: Any]] {
        try server.recordedEvents().filter {
            $0["event"] as? String == kind && (connection == nil || $0["connection"] as? Int == connection)
        }
    }

    /// The cache file of the fake server (ServerCache's key: domain, server address, TLS mode).
    private func cacheFile(_ server: FakeServer) -> URL {
        cacheHome.appendingPathComponent("xmpp-cli/servers/localhost%40127.0.0.1%3A\(server.port)%2Cstarttls")
    }

    private func roundTrips(_ result: CLIResult) -> Int? {
        guard let range = result.stderr.range(of: #"\d+ round trips since connecting"#, options: .regularExpression) else { return nil }
        return Int(result.stderr[range].prefix { $0.isNumber })
    }

    // MARK: Round trips and the cache

    /// First contact: seven round trips with STARTTLS, a ping to confirm. The next login
    /// sends its first SASL message with the stream header and `<enable/>` with bind: six.
    func testTheSecondLoginSavesARoundTripAndUsesStreamManagement() throws {
        let server = try FakeServer(scenario: "normal", scratch: scratch, connections: 2)
        let first = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertEqual(roundTrips(first), 7, first.summary)
        XCTAssertTrue(first.stderr.contains("confirmed by the server's answer to a ping"), first.summary)
        let second = try run(server, ["send"], ["-m", "two", "bob@localhost"])
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertEqual(roundTrips(second), 6, second.summary)
        XCTAssertTrue(second.stderr.contains("acknowledged by the server (XEP-0198)"), second.summary)
        let sent = try server.clientBytes()
        XCTAssertEqual(sent.components(separatedBy: "<enable xmlns='urn:xmpp:sm:3'").count, 2, sent)
    }

    func testTheCacheIsPrivateAndWrittenAtomically() throws {
        let server = try FakeServer(scenario: "normal", scratch: scratch)
        let result = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let file = cacheFile(server)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)
        XCTAssertEqual((directory[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("xmpp-cli server cache 1\nmechanisms SCRAM-SHA-256 SCRAM-SHA-1 PLAIN\n"), text)
        XCTAssertTrue(text.contains("stream-management yes\n"), text)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, [file.lastPathComponent], "a temporary file was left behind")
    }

    func testACorruptCacheIsIgnoredAndReplaced() throws {
        let server = try FakeServer(scenario: "normal", scratch: scratch)
        let file = cacheFile(server)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("xmpp-cli server cache 1\nmechanisms \u{1}\u{2} ../../etc\nstream-management maybe\n".utf8).write(to: file)
        let result = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(roundTrips(result), 7, "a corrupt cache is no cache: \(result.summary)")
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.contains("mechanisms SCRAM-SHA-256 SCRAM-SHA-1 PLAIN\n"), text)
    }

    func testNoCacheNeitherReadsNorWrites() throws {
        let server = try FakeServer(scenario: "normal", scratch: scratch, connections: 2)
        for body in ["one", "two"] {
            let result = try run(server, ["send"], ["--no-cache", "-m", body, "bob@localhost"])
            XCTAssertEqual(result.exitCode, 0, result.summary)
            XCTAssertEqual(roundTrips(result), 7, result.summary)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cacheFile(server).path))
    }

    // MARK: Stale facts cost a round trip, never a failure

    /// This server draws a new salt for every exchange: the keys derived ahead from the last
    /// one are of no use, and the login derives them again from what it is sent, with no
    /// round trip more.
    func testAStaleSCRAMSaltIsDerivedAgainInTheSameRun() throws {
        let server = try FakeServer(scenario: "normal", scratch: scratch, connections: 2)
        let first = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(first.exitCode, 0, first.summary)
        let remembered = try String(contentsOf: cacheFile(server), encoding: .utf8)
        XCTAssertTrue(remembered.contains("\nscram-salt SHA-256 616c696365 "), remembered)
        let second = try run(server, ["send"], ["-m", "two", "bob@localhost"])
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertEqual(roundTrips(second), 6, second.summary)
        XCTAssertFalse(second.stderr.contains("SCRAM keys derived while"), second.summary)
        let updated = try String(contentsOf: cacheFile(server), encoding: .utf8)
        XCTAssertNotEqual(remembered, updated, "the salt sent this time is the one remembered")
    }

    /// The cache names SCRAM-SHA-256, which this server no longer offers: it refuses the
    /// early `<auth>`, and the login chooses again from what is offered now, in the same run.
    func testStaleMechanismsAreChosenAgain() throws {
        let server = try FakeServer(scenario: "sha1-only", scratch: scratch)
        let file = cacheFile(server)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("xmpp-cli server cache 1\nmechanisms SCRAM-SHA-256 SCRAM-SHA-1\nstream-management yes\n".utf8).write(to: file)
        let result = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("mechanisms changed since the last login"), result.summary)
        XCTAssertEqual(roundTrips(result), 7, result.summary)
        let sent = try server.clientBytes()
        XCTAssertTrue(sent.contains("mechanism='SCRAM-SHA-256'") && sent.contains("mechanism='SCRAM-SHA-1'"), sent)
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.contains("mechanisms SCRAM-SHA-1\n"), text)
    }

    /// The cache says stream management, which this server no longer offers: `<enable/>`
    /// is answered `<failed/>`, and a ping confirms instead.
    func testStreamManagementGoneIsConfirmedByAPing() throws {
        let server = try FakeServer(scenario: "no-sm", scratch: scratch)
        let file = cacheFile(server)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("xmpp-cli server cache 1\nmechanisms SCRAM-SHA-256 SCRAM-SHA-1 PLAIN\nstream-management yes\n".utf8).write(to: file)
        let result = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("confirmed by the server's answer to a ping"), result.summary)
        XCTAssertTrue(try String(contentsOf: file, encoding: .utf8).contains("stream-management no\n"))
    }

    // MARK: A server that refuses stanzas before its bind result

    /// Runs `command` twice against the refusing server: the first run logs in twice (the
    /// first refused), the second once. Returns both results.
    private func twiceAgainstTheRefusingServer(
        _ command: [String], _ arguments: [String] = [], stdin: Data? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (FakeServer, CLIResult, CLIResult) {
        let server = try FakeServer(scenario: "binds-asynchronously", scratch: scratch, connections: 3)
        let first = try run(server, command, arguments, stdin: stdin)
        XCTAssertEqual(first.exitCode, 0, first.summary, file: file, line: line)
        XCTAssertEqual(try events(server, "refused", connection: 1).count, 1, "not refused at first contact", file: file, line: line)
        XCTAssertEqual(try events(server, "bound", connection: 2).count, 1, file: file, line: line)
        XCTAssertTrue(first.stderr.contains("logging in again"), first.summary, file: file, line: line)
        let second = try run(server, command, arguments, stdin: stdin)
        XCTAssertEqual(second.exitCode, 0, second.summary, file: file, line: line)
        XCTAssertEqual(try events(server, "refused", connection: 3).count, 0, "refused again: \(second.summary)", file: file, line: line)
        XCTAssertEqual(try events(server, "bound", connection: 3).count, 1, file: file, line: line)
        XCTAssertTrue(
            try String(contentsOf: cacheFile(server), encoding: .utf8).contains("stanzas-before-bind no\n"),
            file: file, line: line)
        return (server, first, second)
    }

    func testSendWorksAgainstARefusingServerAndNothingIsSentTwice() throws {
        let (server, _, second) = try twiceAgainstTheRefusingServer(["send"], ["-m", "once", "bob@localhost"])
        XCTAssertEqual(try events(server, "message", connection: 1).count, 0)
        XCTAssertEqual(try events(server, "message", connection: 2).map { $0["body"] as? String }, ["once"])
        XCTAssertEqual(try events(server, "message", connection: 3).map { $0["body"] as? String }, ["once"])
        XCTAssertEqual(roundTrips(second), 7, "one round trip more than pipelining, no more: \(second.summary)")
    }

    func testPresenceSetWorksAgainstARefusingServer() throws {
        let (server, _, _) = try twiceAgainstTheRefusingServer(["presence", "set"], ["--status", "here"])
        XCTAssertEqual(try events(server, "presence", connection: 2).filter { $0["type"] as? String == "available" }.count, 1)
    }

    func testRosterListWorksAgainstARefusingServer() throws {
        _ = try twiceAgainstTheRefusingServer(["roster", "list"])
    }

    func testListenWorksAgainstARefusingServerAndSaysListeningOnlyOnceBound() throws {
        let (_, first, _) = try twiceAgainstTheRefusingServer(["listen"], ["--duration", "1"])
        let listening = first.stderr.components(separatedBy: "listening as")
        XCTAssertEqual(listening.count, 2, "said it listens once, on the login that was bound: \(first.summary)")
        XCTAssertTrue(listening[0].contains("logging in again"), first.summary)
    }

    /// `send --interactive` reads its messages from stdin as it goes: it never sends one
    /// before the bind result, so even the first contact is not refused.
    func testSendInteractiveWaitsForTheBindResult() throws {
        let server = try FakeServer(scenario: "binds-asynchronously", scratch: scratch)
        let result = try run(server, ["send"], ["-i", "bob@localhost"], stdin: Data("a\nb\n".utf8))
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(try events(server, "refused").count, 0)
        XCTAssertEqual(try events(server, "message").map { $0["body"] as? String }, ["a", "b"])
    }

    func testRawWorksAgainstARefusingServer() throws {
        let server = try FakeServer(scenario: "binds-asynchronously", scratch: scratch)
        let result = try run(
            server, ["raw"], ["--stage", "bound"],
            stdin: Data("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>\n".utf8))
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(try events(server, "refused").count, 0)
    }

    // MARK: Stream errors

    /// RFC 6120 §4.9.1.1: after the server's stream error, the client closes its own stream.
    func testAStreamErrorIsAnsweredWithTheClosingTag() throws {
        let server = try FakeServer(scenario: "stream-error-on-message", scratch: scratch)
        let result = try run(server, ["send"], ["-m", "one", "bob@localhost"])
        XCTAssertEqual(result.exitCode, 76, result.summary)
        XCTAssertTrue(result.stderr.contains("policy-violation"), result.summary)
        let sent = try server.clientBytes()
        guard let message = sent.range(of: "<message") else { return XCTFail("no message: \(sent)") }
        XCTAssertTrue(sent[message.upperBound...].contains("</stream:stream>"), sent)
        XCTAssertEqual(try events(server, "client-closed").count, 1)
    }
}
