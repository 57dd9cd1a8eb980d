import XCTest
import XMPPProtocol

/// How SCRAM checks the server: nonce, server signature, errors, and where server-final arrives.
final class SASLSCRAMVerificationTests: XCTestCase {
    func testServerFinalInSuccessIsVerified() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802)))
    }

    func testServerFinalAsChallengeThenEmptySuccess() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        XCTAssertEqual(try scram.respond(to: saslBytes(SASLSCRAMTests.serverFinal5802)), [])
        XCTAssertNoThrow(try scram.verifySuccess([]))
    }

    func testServerFinalAsChallengeRepeatedInSuccessMustMatch() throws {
        var repeated = try rfc5802ExchangeAwaitingServerFinal()
        _ = try repeated.respond(to: saslBytes(SASLSCRAMTests.serverFinal5802))
        XCTAssertNoThrow(try repeated.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802)))

        var contradicted = try rfc5802ExchangeAwaitingServerFinal()
        _ = try contradicted.respond(to: saslBytes(SASLSCRAMTests.serverFinal5802))
        assertSASLError(.invalidServerSignature) { () throws(SASLError) in
            try contradicted.verifySuccess(saslBytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        }
    }

    func testEmptySuccessWithoutServerFinalIsRejected() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in try scram.verifySuccess([]) }
    }

    func testSuccessBeforeTheExchangeIsRejected() throws {
        var fresh = rfc5802Exchange()
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in
            try fresh.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802))
        }
        var afterFirst = rfc5802Exchange()
        _ = try afterFirst.initialResponse()
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in
            try afterFirst.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802))
        }
    }

    func testWrongServerSignatureIsRejectedInSuccess() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        // The RFC signature with its first character changed.
        assertSASLError(.invalidServerSignature) { () throws(SASLError) in
            try scram.verifySuccess(saslBytes("v=smF9pqV8S7suAoZWja4dJRkFsKQ="))
        }
    }

    func testWrongServerSignatureIsRejectedInChallenge() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        assertSASLError(.invalidServerSignature) { () throws(SASLError) in
            try scram.respond(to: saslBytes("v=rmF8pqV8S7suAoZWja4dJRkFsKQ="))
        }
    }

    func testServerSignatureOfOtherLengthIsRejected() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        // The RFC 7677 SHA-256 signature offered to a SHA-1 exchange.
        assertSASLError(.invalidServerSignature) { () throws(SASLError) in
            try scram.verifySuccess(saslBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        }
    }

    func testSignatureForAnotherPasswordIsRejected() throws {
        var scram = SCRAM(hash: .sha1, username: "user", password: "pencil2", channelBinding: .unsupported,
                          clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        _ = try scram.initialResponse()
        _ = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        assertSASLError(.invalidServerSignature) { () throws(SASLError) in
            try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802))
        }
    }

    func testServerErrorAttributeIsReported() throws {
        var inSuccess = try rfc5802ExchangeAwaitingServerFinal()
        assertSASLError(.serverError("invalid-proof")) { () throws(SASLError) in
            try inSuccess.verifySuccess(saslBytes("e=invalid-proof"))
        }
        var inChallenge = try rfc5802ExchangeAwaitingServerFinal()
        assertSASLError(.serverError("channel-bindings-dont-match")) { () throws(SASLError) in
            try inChallenge.respond(to: saslBytes("e=channel-bindings-dont-match"))
        }
    }

    func testServerNonceMustExtendClientNonce() throws {
        let cases = [
            "r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",  // other prefix
            "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",  // nothing added
            "r=fyko+d2lbbFgONRv9qkxda,s=QSXCR+Q6sek8bf92,i=4096",  // truncated client nonce
            "r=3rfcNHYJY1ZVvWVs7jfyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",  // suffix, not prefix
        ]
        for serverFirst in cases {
            var scram = rfc5802Exchange()
            _ = try scram.initialResponse()
            assertSASLError(.serverNonceMismatch) { () throws(SASLError) in try scram.respond(to: saslBytes(serverFirst)) }
        }
    }

    func testNoChallengeIsAcceptedAfterVerification() throws {
        var scram = try rfc5802ExchangeAwaitingServerFinal()
        _ = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFinal5802))
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in try scram.respond(to: saslBytes("r=x")) }
    }

    func testNonEmptyChallengeBeforeInitialResponseIsUnexpected() {
        var scram = rfc5802Exchange()
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in
            try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        }
    }

    func testInitialResponseCannotBeRepeated() throws {
        var scram = rfc5802Exchange()
        _ = try scram.initialResponse()
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in try scram.initialResponse() }
    }

    /// After any failure the exchange is spent: a correct server-final cannot revive it.
    func testFailedExchangeCannotSucceedLater() throws {
        var scram = rfc5802Exchange()
        _ = try scram.initialResponse()
        assertSASLError(.serverNonceMismatch) { () throws(SASLError) in
            try scram.respond(to: saslBytes("r=other-nonce,s=QSXCR+Q6sek8bf92,i=4096"))
        }
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in
            try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        }
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in
            try scram.verifySuccess(saslBytes(SASLSCRAMTests.serverFinal5802))
        }
    }
}
