import XCTest

/// Servers that break TLS (fakeserver/hostile_tls.py): STARTTLS stripped or refused,
/// plaintext after `<proceed/>`, and certificates that must not be trusted. Each is exit 77,
/// and nothing of the account is sent: before TLS only the domain goes out, and a
/// certificate that fails verification ends the connection before anything else does.
final class HostileTLSTests: XCTestCase {
    /// A certificate scenario against the hostile CA: exit 77, the reason named on stderr.
    private func assertCertificateRefused(
        _ scenario: String, reason: String, domain: String = "localhost",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let run = try assertHostile(
            scenario, exits: 77, neverSends: [Hostile.account], trust: .hostileCA, domain: domain,
            file: file, line: line)
        XCTAssertTrue(run.result.stderr.contains(reason), "expected \"\(reason)\": \(run.result.summary)", file: file, line: line)
    }

    func testStrippedSTARTTLSExits77() throws {
        try assertHostile("tls-stripped", exits: 77, neverSends: [Hostile.account])
    }

    func testSTARTTLSFailureExits77() throws {
        try assertHostile("tls-failure", exits: 77, neverSends: [Hostile.account])
    }

    /// The client's `<starttls/>` goes with its stream header, so the server's features,
    /// `<proceed/>` and the plaintext after it can come in one read: the XML parser then
    /// meets a second stream in the same document and refuses it (76). Plaintext that does
    /// parse is dropped with the parser when TLS starts, and the handshake meets it (77).
    /// Either way nothing of the account is sent.
    func testPlaintextAfterProceedIsRefused() throws {
        let run = try Hostile.run(
            "tls-plaintext-after-proceed", client: .send(), timeout: Hostile.timeout, trust: .standard,
            domain: "localhost", scratch: try makeScratchDirectory())
        XCTAssertTrue([76, 77].contains(run.result.exitCode), run.result.summary)
        XCTAssertFalse(run.clientBytes.contains(Hostile.account), run.clientBytes)
    }

    /// TLS 1.1 at most: the client requires 1.2.
    func testServerWithoutTLS12Exits77() throws {
        try assertHostile("tls-old-version", exits: 77, neverSends: [Hostile.account], trust: .hostileCA)
    }

    /// The controls: certificates from the same CA, for the name asked for (one a valid
    /// wildcard), are accepted. So what the other scenarios refuse is their defect.
    func testValidCertificatesFromTheHostileCAAreAccepted() throws {
        try assertHostile("tls-good", exits: 0, trust: .hostileCA)
        try assertHostile("tls-wildcard", exits: 0, trust: .hostileCA, domain: "xmpp.hostile.localhost")
    }

    func testExpiredCertificateExits77() throws {
        try assertCertificateRefused("tls-expired", reason: "expired")
    }

    func testNotYetValidCertificateExits77() throws {
        try assertCertificateRefused("tls-not-yet-valid", reason: "not yet valid")
    }

    func testSelfSignedCertificateExits77() throws {
        try assertCertificateRefused("tls-self-signed", reason: "self-signed")
    }

    func testCertificateForAnotherHostExits77() throws {
        try assertCertificateRefused("tls-wrong-host", reason: "hostname mismatch")
    }

    /// RFC 6125 §6.4.3: `x*.hostile.localhost` is not honoured as a wildcard.
    func testPartialWildcardExits77() throws {
        try assertCertificateRefused("tls-partial-wildcard", reason: "hostname mismatch", domain: "xmpp.hostile.localhost")
    }

    /// "localhost\0.evil.example" is not localhost, and the NUL does not reach stderr.
    func testNULInTheCertificateNameExits77() throws {
        try assertCertificateRefused("tls-nul-in-san", reason: "hostname mismatch")
    }
}
