import XCTest

@testable import XMPPProtocol

/// A PBKDF2 that OpenSSL refuses (as its FIPS provider can refuse short salts and low
/// iteration counts) is an error that ends the login with a reason, never a crash.
final class CryptoKeyDerivationFailureTests: XCTestCase {
    /// OpenSSL's default provider refuses an iteration count of 0 with its own reason.
    func testPBKDF2RefusedByOpenSSLThrowsItsReason() {
        XCTAssertThrowsError(
            try Digest.pbkdf2(.sha256, password: Array("pencil".utf8), salt: Array("salt".utf8), iterations: 0, length: 32)
        ) { error in
            let failure = error as? CryptoError
            XCTAssertEqual(failure?.operation, "PBKDF2-HMAC-SHA-256")
            XCTAssertEqual(failure?.reason, "invalid iteration count", "\(error)")
        }
    }

    /// Values OpenSSL cannot even be given (it takes 32-bit counts) are refused the same way.
    func testPBKDF2ArgumentsBeyondOpenSSLsTypesThrow() {
        XCTAssertThrowsError(
            try Digest.pbkdf2(.sha1, password: [1], salt: [2], iterations: Int(Int32.max) + 1, length: 20)
        ) { error in
            XCTAssertTrue((error as? CryptoError)?.reason.contains("iteration count") ?? false, "\(error)")
        }
        for length in [0, -1, Int(Int32.max) + 1] {
            XCTAssertThrowsError(try Digest.pbkdf2(.sha1, password: [1], salt: [2], iterations: 1, length: length)) { error in
                XCTAssertTrue((error as? CryptoError)?.reason.contains("key length") ?? false, "\(error)")
            }
        }
    }

    /// SCRAM with a key derivation that OpenSSL refuses: the exchange ends with an error
    /// naming the parameters and OpenSSL's reason, and is spent.
    func testSCRAMEndsWithAnErrorWhenOpenSSLRefusesTheDerivation() throws {
        var scram = rfc5802Exchange()
        scram.deriveSaltedPassword = { hash, password, salt, _ throws(CryptoError) in
            // What a FIPS provider does with the server's parameters, made with the default one.
            try Digest.pbkdf2(hash, password: password, salt: salt, iterations: 0, length: hash.digestLength)
        }
        _ = try scram.initialResponse()
        do {
            let response = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
            XCTFail("a client-final-message without a key: \(saslText(response))")
        } catch {
            guard case .keyDerivationFailed(let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(
                detail, "PBKDF2-HMAC-SHA-1 with 4096 iterations and a salt of 12 bytes was refused (invalid iteration count)")
            XCTAssertTrue(error.description.contains("OpenSSL does not accept the server's SCRAM parameters"), error.description)
        }
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in
            try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802))
        }
    }
}
