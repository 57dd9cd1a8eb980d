import Foundation
import XCTest

/// `xmpp-cli send` against the scripted fake server, for server behaviour that Prosody does
/// not show on demand: missing STARTTLS, forged SCRAM signatures, stream errors, dropped
/// connections, no stream management.
final class FakeServerTests: XCTestCase {
    private let body = "hello fake server"

    /// Runs `send` as alice@localhost against a fresh fake server playing `scenario`, and
    /// returns the result with every byte the client sent.
    private func send(scenario: String) throws -> (result: CLIResult, clientBytes: String) {
        let server = try FakeServer(scenario: scenario, scratch: try makeScratchDirectory())
        let result = try runCLI(
            [
                "send", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
                "--ca-file", try TestCertificates.caFile, "--timeout", "20", "-m", body,
                "bob@localhost",
            ],
            environment: ["XMPP_PASSWORD": FakeServer.password])
        return (result, try server.clientBytes())
    }

    func testNormalServerExits0AfterSendingTheMessage() throws {
        let (result, sent) = try send(scenario: "normal")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(sent.contains("<message"), "no message sent: \(sent)")
        XCTAssertTrue(sent.contains(body), "the body is missing from: \(sent)")
        // At first contact stream management is not known to be offered when the message
        // goes (with the bind request): a ping confirms it. PipeliningTests has the next login.
        XCTAssertTrue(sent.contains("urn:xmpp:ping"), "delivery not confirmed: \(sent)")
    }

    /// SCRAM-SHA-256 (RFC 7677) is offered next to SCRAM-SHA-1 and PLAIN: the strongest wins.
    func testPrefersSCRAMSHA256() throws {
        let (result, sent) = try send(scenario: "normal")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(sent.contains("SCRAM-SHA-256"), "did not choose SCRAM-SHA-256: \(sent)")
        XCTAssertFalse(sent.contains("'PLAIN'") || sent.contains("\"PLAIN\""), "used PLAIN: \(sent)")
    }

    /// Without XEP-0198 the client confirms delivery with an IQ ping after the last message.
    func testWithoutStreamManagementConfirmsWithAPing() throws {
        let (result, sent) = try send(scenario: "no-sm")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard let message = sent.range(of: "<message") else {
            return XCTFail("no message sent: \(sent)")
        }
        XCTAssertTrue(
            sent[message.upperBound...].contains("urn:xmpp:ping"),
            "no ping after the message: \(sent)")
    }

    func testNoStartTLSExits77WithoutSendingCredentials() throws {
        let (result, sent) = try send(scenario: "no-starttls")
        assertFailure(result, exitCode: 77, secrets: [FakeServer.password])
        XCTAssertFalse(sent.contains("<auth"), "credentials offered without TLS: \(sent)")
    }

    func testForgedServerSignatureExits77() throws {
        let (result, sent) = try send(scenario: "bad-server-signature")
        assertFailure(result, exitCode: 77, secrets: [FakeServer.password])
        XCTAssertFalse(sent.contains("<message"), "sent a message to an impostor: \(sent)")
    }

    func testAuthenticationFailureExits77() throws {
        let (result, _) = try send(scenario: "auth-failure")
        assertFailure(result, exitCode: 77, secrets: [FakeServer.password])
    }

    func testStreamErrorExits76() throws {
        let (result, _) = try send(scenario: "stream-error")
        assertFailure(result, exitCode: 76, secrets: [FakeServer.password])
    }

    /// RFC 6120 §11.1: a comment in the server's XML breaks the stream; the client stops
    /// there, before TLS (its `<starttls/>` went with the stream header) and long before
    /// any credentials.
    func testCommentInFeaturesExits76WithoutAuthenticating() throws {
        let (result, sent) = try send(scenario: "restricted-xml")
        assertFailure(result, exitCode: 76, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains("comment"), "the message does not say what was wrong: \(result.summary)")
        XCTAssertFalse(sent.contains("<auth"), "offered credentials on a broken stream: \(sent)")
        XCTAssertEqual(sent.components(separatedBy: "<stream:stream").count, 2, "went on after the broken features: \(sent)")
    }

    func testConnectionCutBeforeAckExits74() throws {
        let (result, sent) = try send(scenario: "cut-before-ack")
        assertFailure(result, exitCode: 74, secrets: [FakeServer.password])
        XCTAssertTrue(sent.contains("<message"), "the cut should come after the message: \(sent)")
    }
}
