import XCTest

/// Servers that end the stream or refuse the session (fakeserver/hostile_session.py):
/// stream errors of every RFC 6120 §4.9.3 condition, a see-other-host redirect (not
/// followed: exit 76 with the stream error), and resource binding or session establishment
/// refused or forged.
final class HostileSessionTests: XCTestCase {
    /// RFC 6120 §4.9.3, in the RFC's order.
    private static let streamErrorConditions = [
        "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone",
        "host-unknown", "improper-addressing", "internal-server-error", "invalid-from",
        "invalid-namespace", "invalid-xml", "not-authorized", "not-well-formed",
        "policy-violation", "remote-connection-failed", "reset", "resource-constraint",
        "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
        "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type",
        "unsupported-version",
    ]

    // MARK: Stream errors

    func testEveryStreamErrorConditionExits76NamingIt() throws {
        for condition in Self.streamErrorConditions {
            let run = try assertHostile("stream-error-\(condition)", exits: 76, neverSends: [Hostile.streamOverTLS])
            XCTAssertTrue(run.result.stderr.contains("'\(condition)'"), "condition not named: \(run.result.summary)")
        }
    }

    /// The server's `<text/>` reaches stderr, but nothing in it a terminal would act on:
    /// no control character, line separator or bidirectional override, and one line.
    func testStreamErrorTextStaysOneHarmlessLine() throws {
        let run = try assertHostile("stream-error-hostile-text", exits: 76)
        let message = String(run.result.stderr.dropLast(run.result.stderr.hasSuffix("\n") ? 1 : 0))
        XCTAssertTrue(message.contains("go away"), "the server's text is missing: \(run.result.summary)")
        let bidirectionalControls: ClosedRange<UInt32> = 0x202A...0x202E
        let unsafe = ListenHarness.rawControls(in: message)
            + message.unicodeScalars.filter { bidirectionalControls.contains($0.value) || (0x2066...0x2069).contains($0.value) }
        XCTAssertEqual(unsafe, [], "raw characters on stderr: \(run.result.summary)")
    }

    func testStreamErrorBeforeTheAckExits76() throws {
        let run = try assertHostile("stream-error-before-ack", exits: 76)
        XCTAssertTrue(run.result.stderr.contains("system-shutdown"), run.result.summary)
    }

    /// The redirect names this same server, which would serve a second connection normally.
    /// Once the client has exited, a connection of the test's own goes to the server: had
    /// the client connected again, the server would have taken that connection first, and
    /// logged a second stream header from it.
    func testSeeOtherHostIsNotFollowed() throws {
        let run = try assertHostile("see-other-host", exits: 76, neverSends: [Hostile.streamOverTLS]) { server in
            try runProcess(
                SupportPaths.python,
                ["-c", "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 5).sendall(b'<sentinel/>')",
                 String(server.port)],
                timeout: 10, outputIn: try self.makeScratchDirectory())
        }
        XCTAssertTrue(run.result.stderr.contains("see-other-host"), run.result.summary)
        XCTAssertTrue(run.clientBytes.contains("<sentinel/>"), "the server never got to the test's connection: \(run.clientBytes)")
        XCTAssertEqual(
            run.clientBytes.components(separatedBy: "<stream:stream").count - 1, 1,
            "the client connected again after the redirect: \(run.clientBytes)")
    }

    // MARK: Resource binding and session establishment

    func testBindErrorExits76() throws { try assertHostile("bind-error", exits: 76) }
    func testBindResultWithoutJIDExits76() throws { try assertHostile("bind-without-jid", exits: 76) }

    /// The session is mallory's, not alice's: nothing the server confirms on it is ours.
    func testBindToAnotherAccountExits76() throws { try assertHostile("bind-other-account", exits: 76) }

    /// No session without a bound resource: an ack or a ping answer does not make up for it.
    func testUnansweredBindTimesOut() throws { try assertHostile("bind-unanswered", exits: 75) }

    /// A server that requires the RFC 3921 session and then refuses it has no session for
    /// the message to go out on.
    func testRefusedSessionExits76() throws { try assertHostile("session-error", exits: 76) }
}
