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

/// SCRAM's keys derived ahead, with the salt and iteration count the last login was given,
/// while the first message travels: the proof is the one derived after the server-first
/// message, and a server that sends other parameters gets a proof derived from them.
final class SCRAMDerivedAheadTests: XCTestCase {
    /// Counts the key derivations of `scram`.
    private final class Count: @unchecked Sendable { var value = 0 }

    private func counting(_ scram: inout SCRAM) -> Count {
        let count = Count()
        scram.deriveSaltedPassword = { hash, password, salt, iterations throws(CryptoError) in
            count.value += 1
            return try Digest.pbkdf2(hash, password: password, salt: salt, iterations: iterations, length: hash.digestLength)
        }
        return count
    }

    // Computed, not stored: XCTest keeps every test case object until exit (scripts/test-sanitize).
    private var rfc5802Parameters: SCRAMKeyParameters {
        SCRAMKeyParameters(salt: Base64.decode("QSXCR+Q6sek8bf92")!, iterations: 4096)
    }

    func testKeysDerivedAheadWithTheServersParametersGiveTheRFCProofWithoutDerivingAgain() throws {
        var scram = rfc5802Exchange()
        let derivations = counting(&scram)
        _ = try scram.initialResponse()
        scram.deriveAhead(rfc5802Parameters)
        XCTAssertEqual(derivations.value, 1)
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        XCTAssertEqual(
            saslText(clientFinal), "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        XCTAssertEqual(derivations.value, 1, "the keys derived ahead served")
        XCTAssertTrue(scram.derivedKeysAhead)
        XCTAssertEqual(scram.keyParameters, rfc5802Parameters)
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802)))
    }

    func testAnotherSaltOrIterationCountIsDerivedAgainFromTheServersParameters() throws {
        let stale = [
            SCRAMKeyParameters(salt: Array("another salt".utf8), iterations: 4096),
            SCRAMKeyParameters(salt: rfc5802Parameters.salt, iterations: 10000),
        ]
        for parameters in stale {
            var scram = rfc5802Exchange()
            let derivations = counting(&scram)
            _ = try scram.initialResponse()
            scram.deriveAhead(parameters)
            let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
            XCTAssertEqual(
                saslText(clientFinal), "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
            XCTAssertEqual(derivations.value, 2, "\(parameters)")
            XCTAssertFalse(scram.derivedKeysAhead)
            XCTAssertEqual(scram.keyParameters, rfc5802Parameters, "what the server sent is what is remembered")
            XCTAssertNoThrow(try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802)))
        }
    }

    /// Before the first message, or with parameters no server may send, nothing is derived.
    func testNothingIsDerivedAheadBeforeTheFirstMessageOrFromImpossibleParameters() throws {
        var scram = rfc5802Exchange()
        let derivations = counting(&scram)
        scram.deriveAhead(rfc5802Parameters)
        XCTAssertEqual(derivations.value, 0)
        _ = try scram.initialResponse()
        scram.deriveAhead(SCRAMKeyParameters(salt: [], iterations: 4096))
        scram.deriveAhead(SCRAMKeyParameters(salt: [1], iterations: 0))
        scram.deriveAhead(SCRAMKeyParameters(salt: [1], iterations: SCRAM.maximumIterationCount + 1))
        XCTAssertEqual(derivations.value, 0)
    }

    /// A derivation OpenSSL refuses ahead is left to the derivation proper, which reports it.
    func testARefusalAheadIsReportedByTheDerivationProper() throws {
        var scram = rfc5802Exchange()
        scram.deriveSaltedPassword = { hash, password, salt, _ throws(CryptoError) in
            try Digest.pbkdf2(hash, password: password, salt: salt, iterations: 0, length: hash.digestLength)
        }
        _ = try scram.initialResponse()
        scram.deriveAhead(rfc5802Parameters)
        XCTAssertThrowsError(try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))) { error in
            guard case .keyDerivationFailed = error as? SASLError else { return XCTFail("\(error)") }
        }
    }
}
