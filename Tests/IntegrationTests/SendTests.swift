import Foundation
import XCTest

/// `xmpp-cli send` against a real Prosody, with slixmpp as the recipient.
final class SendTests: XCTestCase {
    private enum TLSMode { case starttls, direct }

    /// `send` as alice with everything a test needs to reach the server; `extra` comes before
    /// the recipients (body options and so on).
    private func sendAsAlice(
        _ extra: [String], to recipients: [String]? = nil, tls: TLSMode = .starttls,
        caFile: String? = nil, password: String? = nil, stdin: Data? = nil
    ) throws -> CLIResult {
        let server = try ProsodyServer.shared
        let arguments =
            [
                "send", "-j", server.alice.jid,
                "--server", tls == .direct ? server.directTLSAddress : server.starttlsAddress,
                "--tls", tls == .direct ? "direct" : "starttls",
                "--ca-file", caFile ?? server.caFile, "--timeout", "20",
            ] + extra + (recipients ?? [server.bob.jid])
        return try runCLI(
            arguments, environment: ["XMPP_PASSWORD": password ?? server.alice.password],
            stdin: stdin)
    }

    /// Sends `body` to bob (through `bodyArguments` and `stdin`) and checks that bob gets
    /// exactly that text, from alice.
    private func assertDelivered(
        _ body: String, bodyArguments: [String], stdin: Data? = nil, tls: TLSMode = .starttls,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try sendAsAlice(bodyArguments, tls: tls, stdin: stdin)
        XCTAssertEqual(result.exitCode, 0, result.summary, file: file, line: line)
        guard result.exitCode == 0 else { _ = try? bob.stop(); return }
        let messages = try bob.messages()
        XCTAssertEqual(messages.count, 1, "bob got \(messages)", file: file, line: line)
        XCTAssertEqual(messages.first?.body, body, file: file, line: line)
        XCTAssertEqual(
            messages.first?.from.map { String($0.prefix { $0 != "/" }) }, server.alice.jid,
            file: file, line: line)
    }

    // Delivery

    func testUTF8BodyArrivesIntact() throws {
        let body = "Grüße — 你好 🚀"
        try assertDelivered(body, bodyArguments: ["-m", body])
    }

    func testMarkupCharactersArriveIntact() throws {
        let body = "<&>'\" </body><body>x</body> ]]> &amp;"
        try assertDelivered(body, bodyArguments: ["-m", body])
    }

    func testMultiLineBodyFromOption() throws {
        let body = "first line\nsecond line\n\n\tindented fourth"
        try assertDelivered(body, bodyArguments: ["-m", body])
    }

    func testMultiLineBodyFromStandardInput() throws {
        let body = "from stdin\nGrüße — 你好 🚀\n<&>'\""
        try assertDelivered(body, bodyArguments: [], stdin: Data(body.utf8))
    }

    func testMultiLineBodyFromFile() throws {
        let body = "from a file\nline two\nline three: <&>"
        let file = try makeScratchDirectory().appendingPathComponent("body.txt")
        try Data(body.utf8).write(to: file)
        try assertDelivered(body, bodyArguments: ["-f", file.path])
    }

    func testDirectTLS() throws {
        let body = "over direct TLS"
        try assertDelivered(body, bodyArguments: ["-m", body], tls: .direct)
    }

    /// The next SCRAM login derives its keys from the salt and iteration count the last one
    /// was given while its first message travels; the server accepts the proof and its own
    /// signature checks out. A wrong password with the same remembered salt is still refused.
    func testTheNextLoginDerivesSCRAMKeysAheadAndAWrongPasswordIsStillRefused() throws {
        let server = try ProsodyServer.shared
        let cacheHome = try makeScratchDirectory().appendingPathComponent("cache")
        func send(_ body: String, password: String) throws -> CLIResult {
            try runCLI(
                [
                    "send", "-v", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                    "--ca-file", server.caFile, "--timeout", "20", "-m", body, server.bob.jid,
                ],
                environment: ["XMPP_PASSWORD": password, "XDG_CACHE_HOME": cacheHome.path])
        }
        let aheadLine = "SCRAM keys derived while the first message travelled"
        let first = try send("first", password: server.alice.password)
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertFalse(first.stderr.contains(aheadLine), first.summary)
        let cache = try FileManager.default.contentsOfDirectory(
            atPath: cacheHome.appendingPathComponent("xmpp-cli/servers").path)
        XCTAssertEqual(cache.count, 1, "\(cache)")
        let text = try String(
            contentsOf: cacheHome.appendingPathComponent("xmpp-cli/servers/\(cache[0])"), encoding: .utf8)
        XCTAssertTrue(text.contains("\nscram-salt SHA-1 616c696365 "), text)
        let second = try send("second", password: server.alice.password)
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertTrue(second.stderr.contains(aheadLine), second.summary)
        let wrong = "not-alice's-Pa55"
        let refused = try send("never delivered", password: wrong)
        XCTAssertEqual(refused.exitCode, 77, refused.summary)
        XCTAssertFalse(refused.stderr.contains(wrong), refused.summary)
    }

    // Failures

    func testWrongPasswordExits77() throws {
        let wrong = "not-alice's-Pa55"
        let result = try sendAsAlice(["-m", "never delivered"], password: wrong)
        assertFailure(result, exitCode: 77, secrets: [wrong, try ProsodyServer.shared.alice.password])
    }

    func testUntrustedCertificateExits77() throws {
        let server = try ProsodyServer.shared
        let result = try sendAsAlice(["-m", "never delivered"], caFile: server.untrustedCAFile)
        assertFailure(result, exitCode: 77, secrets: [server.alice.password])
    }

    func testUntrustedCertificateOverDirectTLSExits77() throws {
        let server = try ProsodyServer.shared
        let result = try sendAsAlice(
            ["-m", "never delivered"], tls: .direct, caFile: server.untrustedCAFile)
        assertFailure(result, exitCode: 77, secrets: [server.alice.password])
    }

    func testNothingListeningExits69() throws {
        let server = try ProsodyServer.shared
        let result = try runCLI(
            [
                "send", "-j", server.alice.jid, "--server", "127.0.0.1:\(try closedPort())",
                "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "20",
                "-m", "never delivered", server.bob.jid,
            ],
            environment: ["XMPP_PASSWORD": server.alice.password])
        assertFailure(result, exitCode: 69, secrets: [server.alice.password])
    }

    /// The recipient is checked before any connection: the server given is a closed port,
    /// so a client that connected first would exit 69 instead.
    func testInvalidRecipientExits65WithoutConnecting() throws {
        let server = try ProsodyServer.shared
        let port = try closedPort()
        let invalid = [
            "@localhost", "bob@", "bob@localhost/", "bob@@localhost", "bo b@localhost",
            String(repeating: "x", count: 1024) + "@localhost",
        ]
        for recipient in invalid {
            let result = try runCLI(
                [
                    "send", "-j", server.alice.jid, "--server", "127.0.0.1:\(port)",
                    "--tls", "starttls", "--ca-file", server.caFile, "-m", "never delivered",
                    recipient,
                ],
                environment: ["XMPP_PASSWORD": server.alice.password])
            assertFailure(result, exitCode: 65, secrets: [server.alice.password])
        }
    }

    func testEmptyBodyExits65() throws {
        let password = try ProsodyServer.shared.alice.password
        assertFailure(try sendAsAlice(["-m", ""]), exitCode: 65, secrets: [password])
        assertFailure(try sendAsAlice([], stdin: Data()), exitCode: 65, secrets: [password])
        let empty = try makeScratchDirectory().appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        assertFailure(try sendAsAlice(["-f", empty.path]), exitCode: 65, secrets: [password])
    }

    func testNonUTF8BodyExits65() throws {
        let password = try ProsodyServer.shared.alice.password
        let latin1 = Data([0x47, 0x72, 0xFC, 0xDF, 0x65, 0x0A])  // "Grüße" in ISO 8859-1
        let file = try makeScratchDirectory().appendingPathComponent("latin1.txt")
        try latin1.write(to: file)
        assertFailure(try sendAsAlice(["-f", file.path]), exitCode: 65, secrets: [password])
        assertFailure(try sendAsAlice([], stdin: latin1), exitCode: 65, secrets: [password])
    }
}
