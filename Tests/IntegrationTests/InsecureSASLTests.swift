import Foundation
import XCTest

/// `--insecure` turns certificate verification off, so whoever answers may be a man in the
/// middle: SCRAM, which never sends the password, is still used there; PLAIN, which sends it,
/// never is.
final class InsecureSASLTests: XCTestCase {
    /// `send` as alice@localhost against a fresh fake server playing `scenario`, with the
    /// certificate verified (`--ca-file`) or not (`--insecure`).
    private func send(scenario: String, verified: Bool) throws -> (result: CLIResult, clientBytes: String) {
        let server = try FakeServer(scenario: scenario, scratch: try makeScratchDirectory())
        let trust = verified ? ["--ca-file", try TestCertificates.caFile] : ["--insecure"]
        let result = try runCLI(
            ["send", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls", "--timeout", "20"]
                + trust + ["-m", "hello", "bob@localhost"],
            environment: ["XMPP_PASSWORD": FakeServer.password])
        return (result, try server.clientBytes())
    }

    func testInsecureRefusesPLAINAndSendsNoCredentials() throws {
        let (result, sent) = try send(scenario: "plain-only", verified: false)
        XCTAssertEqual(result.exitCode, 77, result.summary)
        XCTAssertFalse(sent.contains("<auth"), "credentials offered over an unverified connection: \(sent)")
        XCTAssertFalse(sent.contains(FakeServer.password), "the password reached the server: \(sent)")
        let error = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        for words in ["PLAIN", "not verified", "man in the middle", "SCRAM"] {
            XCTAssertTrue(error.contains(words), "the error does not say '\(words)': \(result.summary)")
        }
        XCTAssertFalse(result.stderr.contains(FakeServer.password), result.summary)
    }

    /// The same server with the certificate verified: PLAIN over TLS is allowed there.
    func testPLAINIsUsedOverAVerifiedCertificate() throws {
        let (result, sent) = try send(scenario: "plain-only", verified: true)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(sent.contains("mechanism='PLAIN'") || sent.contains("mechanism=\"PLAIN\""), "PLAIN not used: \(sent)")
    }

    /// SCRAM proves the password without sending it: `--insecure` still logs in with it,
    /// after its warning.
    func testInsecureStillLogsInWithSCRAM() throws {
        let (result, sent) = try send(scenario: "normal", verified: false)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue(result.stderr.contains("NOT verified"), "no warning: \(result.summary)")
        XCTAssertTrue(sent.contains("SCRAM-SHA-256"), "SCRAM not used: \(sent)")
        XCTAssertFalse(sent.contains(FakeServer.password), "the password itself was sent: \(sent)")
    }
}
