import Foundation
import XCTest

/// Roster pushes from someone other than the account's server (RFC 6121 §2.1.6), which
/// Prosody never sends: the scripted server's `spoofed-roster-push` scenario sends one
/// while the client fetches the roster, then a genuine push, then the roster.
final class RosterFakeServerTests: XCTestCase {
    private func roster(_ action: String, _ extra: [String] = []) throws -> (result: CLIResult, clientBytes: String) {
        let server = try FakeServer(scenario: "spoofed-roster-push", scratch: try makeScratchDirectory())
        let result = try runCLI(
            [
                "roster", action, "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20",
            ] + extra,
            environment: ["XMPP_PASSWORD": FakeServer.password])
        return (result, try server.clientBytes())
    }

    /// The `type` of the client's reply to the server's IQ with `id`, from the bytes it sent.
    private func replyType(to id: String, in sent: String) -> String? {
        let tags = sent.components(separatedBy: "<iq").dropFirst().map { String($0.prefix { $0 != ">" }) }
        for tag in tags where attribute("id", in: tag) == id {
            return attribute("type", in: tag)
        }
        return nil
    }

    private func attribute(_ name: String, in tag: String) -> String? {
        for quote in ["'", "\""] {
            if let start = tag.range(of: " \(name)=\(quote)") {
                return String(tag[start.upperBound...].prefix { String($0) != quote })
            }
        }
        return nil
    }

    func testListIgnoresTheSpoofedPushAndAnswersBoth() throws {
        let (result, sent) = try roster("list", ["--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertFalse(result.stdout.lowercased().contains("evil"), result.stdout)
        XCTAssertEqual(
            result.stdout,
            "{\"jid\":\"friend@localhost\",\"name\":\"Friend\",\"subscription\":\"both\",\"ask\":null,\"groups\":[\"Friends\"]}\n")
        XCTAssertEqual(replyType(to: "genuine-push", in: sent), "result", "the genuine push: \(sent)")
        let spoofedReply = replyType(to: "spoofed-push", in: sent)
        XCTAssertNotNil(spoofedReply, "no answer to the spoofed push (RFC 6120 §8.2.3 wants one): \(sent)")
        XCTAssertNotEqual(spoofedReply, "result", "the spoofed push was accepted: \(sent)")
    }

    /// `-vv` says why the push was refused.
    func testTraceNamesTheSpoofer() throws {
        let (result, _) = try roster("list", ["-vv"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stdout, "friend@localhost\tFriend\tboth\t\tFriends\n")
        XCTAssertTrue(
            result.stderr.split(separator: "\n").contains { $0.contains("ignored a roster push from mallory@evil.example") },
            result.stderr)
    }

    func testExportHasNoSpoofedContact() throws {
        let (result, _) = try roster("export")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertFalse(result.stdout.lowercased().contains("evil"), result.stdout)
        XCTAssertTrue(result.stdout.contains("friend@localhost"), result.stdout)
    }
}
