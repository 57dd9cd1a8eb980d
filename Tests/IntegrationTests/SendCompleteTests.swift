import Foundation
import XCTest

/// Runs `xmpp-cli send` as alice against the shared Prosody over STARTTLS; `arguments` come
/// after the connection options (body options, then recipients).
func sendAsAliceToProsody(_ arguments: [String], timeout seconds: Int = 20, stdin: Data? = nil) throws -> CLIResult {
    let server = try ProsodyServer.shared
    return try runCLI(
        [
            "send", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
            "--ca-file", server.caFile, "--timeout", String(seconds),
        ] + arguments,
        environment: ["XMPP_PASSWORD": server.alice.password], stdin: stdin)
}


/// `send` with several recipients, message options, and input checked before connecting.
final class SendCompleteTests: XCTestCase {
    func testSeveralRecipientsEachGetTheMessage() throws {
        let server = try ProsodyServer.shared
        let scratch = try makeScratchDirectory()
        let bob = try Peer.receive(as: server.bob, on: server, scratch: scratch)
        let carol = try Peer.receive(as: server.carol, on: server, scratch: scratch)
        let body = "to bob and carol"
        let result = try sendAsAliceToProsody(["-m", body, server.bob.jid, server.carol.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return }

        var ids: [String] = []
        for (peer, account) in [(bob, server.bob), (carol, server.carol)] {
            let messages = try peer.messages()
            XCTAssertEqual(messages.map(\.body), [body], "\(account.jid) got \(messages)")
            guard let message = messages.first else { continue }
            XCTAssertEqual(bareJID(message.from), server.alice.jid)
            XCTAssertEqual(bareJID(message.to), account.jid)
            XCTAssertEqual(message.type, "chat")
            // XEP-0359: an origin-id on every message, the stanza's own id.
            XCTAssertNotNil(message.originID, "no origin-id: \(message)")
            XCTAssertEqual(message.originID, message.id)
            ids += [message.id].compactMap { $0 }
        }
        XCTAssertEqual(Set(ids).count, 2, "the two messages share an id: \(ids)")
    }

    func testTypeSubjectAndThreadArrive() throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody([
            "--type", "normal", "--subject", "Grüße <&>", "--thread", "thread-42", "-m", "with a subject",
            server.bob.jid,
        ])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return _ = try bob.stop() }
        let message = try XCTUnwrap(try bob.messages().first)
        XCTAssertEqual(message.type, "normal")
        XCTAssertEqual(message.subject, "Grüße <&>")
        XCTAssertEqual(message.thread, "thread-42")
        XCTAssertEqual(message.body, "with a subject")
    }

    /// Prosody bounces a message to an account that does not exist (service-unavailable):
    /// exit 1 naming the address and the condition, although the server acked the message.
    func testBounceFromTheServerExits1() throws {
        let server = try ProsodyServer.shared
        let result = try sendAsAliceToProsody(["-m", "to nobody", "nobody-here@\(server.domain)"])
        assertFailure(result, exitCode: 1, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains("nobody-here@\(server.domain)"), result.summary)
        XCTAssertTrue(result.stderr.contains("service-unavailable"), result.summary)
    }

    /// A body whose stanza exceeds 256 KiB is refused before connecting: the server given is
    /// a closed port, so a client that tried to connect first would exit 69 instead.
    func testOversizedBodyExits65BeforeConnecting() throws {
        let server = try ProsodyServer.shared
        let file = try makeScratchDirectory().appendingPathComponent("large.txt")
        let body = Data(String(repeating: "0123456789", count: 30_000).utf8)
        try body.write(to: file)
        // From a file and from stdin (300 KB is too long for one argument on Linux).
        for (bodyOption, stdin) in [(["-f", file.path], nil), ([], body)] {
            let result = try runCLI(
                [
                    "send", "-j", server.alice.jid, "--server", "127.0.0.1:\(try closedPort())",
                    "--tls", "starttls", "--ca-file", server.caFile,
                ] + bodyOption + [server.bob.jid],
                environment: ["XMPP_PASSWORD": server.alice.password], stdin: stdin)
            assertFailure(result, exitCode: 65, secrets: [server.alice.password])
            XCTAssertTrue(result.stderr.contains("\(256 * 1024)"), "the limit is not named: \(result.summary)")
        }
    }

    /// Just under the limit still goes through, so the limit is where it says it is.
    func testBodyJustUnderTheLimitArrives() throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let body = String(repeating: "z", count: 250 * 1024)
        let file = try makeScratchDirectory().appendingPathComponent("big.txt")
        try Data(body.utf8).write(to: file)
        let result = try sendAsAliceToProsody(["-f", file.path, server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return _ = try bob.stop() }
        XCTAssertEqual(try bob.messages().first?.body?.count, body.count)
    }
}
