import XCTest

/// Servers that tamper with SCRAM (fakeserver/hostile_auth.py): the server-first-message's
/// nonce, iteration count and salt, the challenge itself, and a `<success/>` that does not
/// prove the server knows the password. Each is exit 77, with one `<auth/>` and no other
/// mechanism tried (so no PLAIN), and no message sent.
final class HostileAuthTests: XCTestCase {
    /// A tampered server-first-message: refused before any proof is sent.
    private func assertChallengeRefused(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try assertHostile(
            scenario, exits: 77, neverSends: [Hostile.saslResponse, Hostile.message], file: file, line: line)
        assertOneAuthentication(run, file: file, line: line)
    }

    /// A `<success/>` that proves nothing: refused before anything else is sent.
    private func assertSuccessRefused(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try assertHostile(scenario, exits: 77, neverSends: [Hostile.message], file: file, line: line)
        assertOneAuthentication(run, file: file, line: line)
    }

    private func assertOneAuthentication(_ run: Hostile.Run, file: StaticString, line: UInt) {
        let attempts = run.clientBytes.components(separatedBy: Hostile.authentication).count - 1
        XCTAssertEqual(attempts, 1, "authenticated other than once: \(run.clientBytes)", file: file, line: line)
    }

    func testServerNonceNotExtendingOursExits77() throws { try assertChallengeRefused("scram-nonce-not-extended") }
    func testServerNonceEqualToOursExits77() throws { try assertChallengeRefused("scram-nonce-unchanged") }
    func testZeroIterationsExit77() throws { try assertChallengeRefused("scram-iterations-zero") }
    /// 2^32 - 1 iterations would take hours: refused at once, so within --timeout.
    func testAbsurdIterationCountExits77() throws { try assertChallengeRefused("scram-iterations-absurd") }
    func testIterationCountNotANumberExits77() throws { try assertChallengeRefused("scram-iterations-not-number") }
    func testEmptySaltExits77() throws { try assertChallengeRefused("scram-salt-empty") }
    func testSaltNotBase64Exits77() throws { try assertChallengeRefused("scram-salt-not-base64") }
    func testOversizedChallengeExits77() throws { try assertChallengeRefused("scram-oversized-challenge") }
    func testChallengeNotBase64Exits77() throws { try assertChallengeRefused("scram-challenge-not-base64") }

    func testForgedServerSignatureExits77() throws { try assertSuccessRefused("bad-server-signature") }
    func testSuccessWithoutAdditionalDataExits77() throws { try assertSuccessRefused("scram-success-empty") }
    func testSuccessNotBase64Exits77() throws { try assertSuccessRefused("scram-success-not-base64") }
    func testServerSignatureNotBase64Exits77() throws { try assertSuccessRefused("scram-signature-not-base64") }
    func testServerFinalWithoutSignatureExits77() throws { try assertSuccessRefused("scram-signature-missing") }
    func testServerErrorInSuccessExits77() throws { try assertSuccessRefused("scram-server-error") }

    /// `<success/>` straight after `<auth/>`: the server skipped the exchange.
    func testSuccessBeforeAnyChallengeExits77() throws {
        try assertChallengeRefused("scram-success-early")
    }
}
