import Foundation
import XCTest

/// What `-v`, `-vv` and `-q` put on stderr during a real login to Prosody.
final class TraceTests: XCTestCase {
    /// `send` as alice to bob over STARTTLS, the password from a private file read by
    /// `--password-command` unless `password` is given (then through XMPP_PASSWORD).
    private func send(_ options: [String], password: String? = nil) throws -> CLIResult {
        let fixture = try AccountFixture(self)
        let server = fixture.server
        var environment: [String: String] = [:]
        var passwordOptions: [String] = []
        if let password {
            environment["XMPP_PASSWORD"] = password
        } else {
            let file = try fixture.write(server.alice.password + "\n", to: "vault")
            passwordOptions = ["--password-command", "cat '\(file)'"]
        }
        return try fixture.send(
            [
                "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "20",
            ] + passwordOptions + options, body: "trace test", environment: environment)
    }

    func testVerboseShowsOneLinePerStage() throws {
        let server = try ProsodyServer.shared
        let result = try send(["-v"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let stages = [
            "connected to \(server.host) port \(server.starttlsPort)",
            "TLS: TLSv1.", "certificate verified", "SCRAM-SHA-1", "bound as \(server.alice.jid)/",
            "acknowledged by the server (XEP-0198): 1 stanza(s)",
        ]
        for stage in stages {
            XCTAssertTrue(
                lines(of: result.stderr).contains { $0.contains(stage) }, "no '\(stage)' line in: \(result.stderr)")
        }
        XCTAssertTrue(lines(of: result.stderr).allSatisfy { $0.hasPrefix("xmpp-cli: ") }, result.stderr)
        XCTAssertFalse(result.stderr.contains("<"), "-v shows no XML: \(result.stderr)")
        XCTAssertFalse(result.stderr.contains(server.alice.password), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testVeryVerboseTracesEveryElementWithSASLRedacted() throws {
        let server = try ProsodyServer.shared
        let result = try send(["-vv"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let trace = result.stderr
        let sent = lines(of: trace).filter { $0.hasPrefix("SEND <") }
        let received = lines(of: trace).filter { $0.hasPrefix("RECV <") }
        XCTAssertTrue(sent.contains { $0.contains("<starttls") }, trace)
        XCTAssertTrue(sent.contains { $0.contains("<message") && $0.contains("trace test") }, trace)
        XCTAssertTrue(received.contains { $0.contains("<proceed") }, trace)
        XCTAssertTrue(received.contains { $0.contains("<jid>\(server.alice.jid)/") }, trace)
        XCTAssertTrue(trace.contains("[redacted]"), trace)
        XCTAssertTrue(trace.contains("xmpp-cli: TLS: TLSv1."), "the stages of -v are there too: \(trace)")

        let sasl = saslElements(in: trace)
        XCTAssertEqual(sasl.filter { $0.name == "auth" }.count, 1, trace)
        XCTAssertEqual(sasl.filter { $0.name == "success" }.count, 1, trace)
        XCTAssertGreaterThanOrEqual(sasl.count, 3, "SCRAM takes auth, challenge, response, success: \(trace)")
        for element in sasl {
            XCTAssertTrue(
                element.content == "[redacted]" || element.content.isEmpty,
                "<\(element.name)> shows its payload: \(element.content)")
        }
        // Beginnings of what SCRAM sends, base64-encoded: the client-first message
        // "n,,n=alice,r" and the client-final "c=biws", and what PLAIN would send.
        let leaks = [
            server.alice.password, Data("n,,n=alice,r".utf8).base64EncodedString(),
            Data("c=biws".utf8).base64EncodedString(),
            Data("\0alice\0\(server.alice.password)".utf8).base64EncodedString(),
            Data("\0alice".utf8).base64EncodedString(),
        ]
        for leak in leaks {
            XCTAssertFalse(trace.contains(leak), "the trace contains '\(leak)'")
        }
    }

    /// A failed login traced with -vv gives away neither the wrong password nor SCRAM's
    /// messages, and still ends with one error line.
    func testVeryVerboseOfFailedLogin() throws {
        let wrong = "wrong-Pa55-w0rd"
        let result = try send(["-vv"], password: wrong)
        XCTAssertEqual(result.exitCode, 77, result.summary)
        XCTAssertFalse(result.stderr.contains(wrong), result.stderr)
        XCTAssertTrue(lines(of: result.stderr).last?.hasPrefix("xmpp-cli: ") ?? false, result.stderr)
        for element in saslElements(in: result.stderr) {
            XCTAssertTrue(
                element.content == "[redacted]" || element.content.isEmpty,
                "<\(element.name)> shows its payload: \(element.content)")
        }
    }

    func testQuietSuccessPrintsNothing() throws {
        let result = try send(["-q", "--insecure"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.stdout, "")
        // The same run without -q warns about --insecure: -q is what silenced it.
        let loud = try send(["--insecure"])
        XCTAssertEqual(loud.exitCode, 0, loud.summary)
        XCTAssertTrue(loud.stderr.contains("warning"), loud.stderr)
    }

    func testQuietFailurePrintsOneLine() throws {
        let wrong = "wrong-Pa55-w0rd"
        let result = try send(["-q", "--insecure"], password: wrong)
        assertFailure(result, exitCode: 77, secrets: [wrong])
        XCTAssertEqual(lines(of: result.stderr).count, 1, result.stderr)
        let unsafe = try send(["-q", "--password-command", "echo 'vault locked' >&2; exit 3"])
        assertFailure(unsafe, exitCode: 78)
    }

    /// Contradictory options are a usage error (64), before anything else happens.
    func testQuietAndVerboseTogetherExit64() throws {
        let result = try send(["-q", "-v"])
        XCTAssertEqual(result.exitCode, 64, result.summary)
    }

    private func lines(of text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// The SASL elements of a `-vv` trace: `<auth>`, `<challenge>`, `<response>` and
    /// `<success>` in the SASL namespace, with their text content.
    private func saslElements(in trace: String) -> [(name: String, content: String)] {
        let pattern = #"<(auth|challenge|response|success)\b[^>]*xmlns='urn:ietf:params:xml:ns:xmpp-sasl'[^>]*?(?:/>|>(.*?)</\1>)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            XCTFail("bad pattern")
            return []
        }
        let range = NSRange(trace.startIndex..., in: trace)
        return regex.matches(in: trace, range: range).map { match in
            let name = Range(match.range(at: 1), in: trace).map { String(trace[$0]) } ?? ""
            let content = Range(match.range(at: 2), in: trace).map { String(trace[$0]) } ?? ""
            return (name, content)
        }
    }
}
