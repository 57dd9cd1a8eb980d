import XCTest
import XMPPProtocol

/// SCRAM exchanges against the RFC vectors and against values computed independently.
///
/// Values marked "Python" were computed with Python's hashlib/hmac, independently of this code:
/// SaltedPassword = hashlib.pbkdf2_hmac(h, password, salt, i); ClientKey = HMAC(SaltedPassword,
/// "Client Key"); ClientProof = ClientKey XOR HMAC(H(ClientKey), AuthMessage); ServerSignature =
/// HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage), with AuthMessage = client-first-bare
/// + "," + server-first + "," + client-final-without-proof (RFC 5802 §3). The script reproduced
/// the RFC 5802 and RFC 7677 vectors before being used for the others.
final class SASLSCRAMTests: XCTestCase {
    // RFC 7677 §3 parameters, reused by the vectors computed with Python.
    static let nonce7677 = "rOprNGfwEbeRWgbNEkqO"
    static let serverFirst7677 = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    static let finalPrefix7677 = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"

    func testRFC5802SCRAMSHA1Vector() throws {
        var scram = rfc5802Exchange()
        XCTAssertEqual(scram.name, "SCRAM-SHA-1")
        XCTAssertEqual(saslText(try scram.initialResponse()), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        XCTAssertEqual(
            saslText(clientFinal), "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")))
    }

    func testRFC7677SCRAMSHA256Vector() throws {
        var scram = SCRAM(hash: .sha256, username: "user", password: "pencil", channelBinding: .unsupported,
                          clientNonce: SASLSCRAMTests.nonce7677)
        XCTAssertEqual(scram.name, "SCRAM-SHA-256")
        XCTAssertEqual(saslText(try scram.initialResponse()), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst7677))
        XCTAssertEqual(
            saslText(clientFinal),
            "c=biws,\(SASLSCRAMTests.finalPrefix7677),p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")))
    }

    /// RFC 7677 parameters with SHA-512; expected values from Python.
    func testSCRAMSHA512Exchange() throws {
        var scram = SCRAM(hash: .sha512, username: "user", password: "pencil", channelBinding: .unsupported,
                          clientNonce: SASLSCRAMTests.nonce7677)
        XCTAssertEqual(scram.name, "SCRAM-SHA-512")
        XCTAssertEqual(saslText(try scram.initialResponse()), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst7677))
        XCTAssertEqual(
            saslText(clientFinal),
            "c=biws,\(SASLSCRAMTests.finalPrefix7677),p=gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnz"
                + "MlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes(
            "v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw==")))
    }

    /// SCRAM-SHA-256-PLUS over TLS 1.3: binding data 0x00...0x1F; expected values from Python.
    func testSCRAMSHA256PlusWithTLSExporter() throws {
        let binding = ChannelBindingData(type: "tls-exporter", data: (0..<32).map { UInt8($0) })
        var scram = SCRAM(hash: .sha256, username: "user", password: "pencil", channelBinding: .bound(binding),
                          clientNonce: SASLSCRAMTests.nonce7677)
        XCTAssertEqual(scram.name, "SCRAM-SHA-256-PLUS")
        XCTAssertEqual(saslText(try scram.initialResponse()), "p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let clientFinal = saslText(try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst7677)))
        // c= is the GS2 header followed by the binding data, base64-encoded.
        XCTAssertTrue(clientFinal.hasPrefix("c=\(Base64.encode(saslBytes("p=tls-exporter,,") + binding.data)),"))
        XCTAssertEqual(
            clientFinal,
            "c=cD10bHMtZXhwb3J0ZXIsLAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f,\(SASLSCRAMTests.finalPrefix7677),"
                + "p=QC6CS20quADQRb3mT99YUH+n3VJxUvzuK0K0E1Vrs2M=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=2GiAgapEppLVlUXbxUDksL3VgYHzuqiK5tR4mhJGgvs=")))
    }

    /// SCRAM-SHA-512-PLUS over TLS 1.2: 48 bytes 0xA0...0xCF as a SHA-384 certificate hash;
    /// expected values from Python.
    func testSCRAMSHA512PlusWithTLSServerEndPoint() throws {
        let binding = ChannelBindingData(type: "tls-server-end-point", data: (0xA0..<0xD0).map { UInt8($0) })
        var scram = SCRAM(hash: .sha512, username: "user", password: "pencil", channelBinding: .bound(binding),
                          clientNonce: SASLSCRAMTests.nonce7677)
        XCTAssertEqual(scram.name, "SCRAM-SHA-512-PLUS")
        XCTAssertEqual(saslText(try scram.initialResponse()), "p=tls-server-end-point,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let clientFinal = saslText(try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst7677)))
        XCTAssertEqual(
            clientFinal,
            "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsoKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P,"
                + "\(SASLSCRAMTests.finalPrefix7677),p=pStIQA5oj7cNe1uOoqxo57OiIPqzeUCG1GrVnt7j0Whog+Xi1nxvyD0Xo28R"
                + "lQ3PORICVh4+tUZNHCwCLPBrXg==")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes(
            "v=U9W6+JeHJHZlO3R0YilFdEscWq1NiUWgtN7rsg2Je+ZoVOdT+/Bhsk1Aj9Fb3PtYbtuTsKmA0x/u4qJ/HNmqUg==")))
    }

    /// Flag "y" goes into the GS2 header and so into c= ("eSws" is base64 of "y,,"), without
    /// binding data; expected values from Python.
    func testSupportedButNotOfferedSendsFlagY() throws {
        var scram = SCRAM(hash: .sha1, username: "user", password: "pencil", channelBinding: .supportedButNotOffered,
                          clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        XCTAssertEqual(scram.name, "SCRAM-SHA-1")
        XCTAssertEqual(saslText(try scram.initialResponse()), "y,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        XCTAssertEqual(
            saslText(clientFinal), "c=eSws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=BjZF5dV+EkD3YCb3pH3IP8riMGw=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=dsprQ5R2AGYt1kn4bQRwTAE0PTU=")))
    }

    /// "pe\u{301}n\u{A0}c\u{AD}il" prepares to "p\u{E9}n cil" (NFC, no-break space to space,
    /// soft hyphen removed); expected values from Python with the prepared password.
    func testPasswordIsPreparedBeforeHashing() throws {
        var scram = SCRAM(hash: .sha256, username: "user", password: "pe\u{301}n\u{A0}c\u{AD}il",
                          channelBinding: .unsupported, clientNonce: SASLSCRAMTests.nonce7677)
        _ = try scram.initialResponse()
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst7677))
        XCTAssertEqual(
            saslText(clientFinal),
            "c=biws,\(SASLSCRAMTests.finalPrefix7677),p=67idZ+hMMVIU4jw8IrQt5zRB3ADh+a9pJo7o8ail9jk=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=c+zDpxJ52BxJ8wPGjUtlhDUsniJ3FxAJ/TULyRP4vUo=")))
    }

    func testUsernameCommaAndEqualsAreEscaped() throws {
        var scram = SCRAM(hash: .sha256, username: "a=b,c", password: "p", channelBinding: .unsupported,
                          clientNonce: "abc")
        XCTAssertEqual(saslText(try scram.initialResponse()), "n,,n=a=3Db=2Cc,r=abc")
        // An escape sequence typed literally is escaped again, not taken as an escape.
        var literal = SCRAM(hash: .sha256, username: "=2C", password: "p", channelBinding: .unsupported,
                            clientNonce: "abc")
        XCTAssertEqual(saslText(try literal.initialResponse()), "n,,n==3D2C,r=abc")
    }

    /// An unknown extension after i= is tolerated and is part of AuthMessage; values from Python.
    func testUnknownServerExtensionIsToleratedAndSigned() throws {
        var scram = rfc5802Exchange()
        _ = try scram.initialResponse()
        let clientFinal = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802 + ",x=some-extension"))
        XCTAssertEqual(
            saslText(clientFinal), "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=QM4F21+EK9OwDeMcqfkpF/Y1mvA=")
        XCTAssertNoThrow(try scram.verifySuccess(saslBytes("v=gj4xNZpXf/hy9nEJeHvyXRqR0BI=")))
    }

    func testRandomClientNoncesArePrintableAndDiffer() throws {
        var first = SCRAM(hash: .sha256, username: "u", password: "p", channelBinding: .unsupported)
        var second = SCRAM(hash: .sha256, username: "u", password: "p", channelBinding: .unsupported)
        let nonce1 = String(saslText(try first.initialResponse()).dropFirst("n,,n=u,r=".count))
        let nonce2 = String(saslText(try second.initialResponse()).dropFirst("n,,n=u,r=".count))
        XCTAssertEqual(nonce1.utf8.count, 32)  // 24 bytes in base64
        XCTAssertNotEqual(nonce1, nonce2)
        XCTAssertTrue(nonce1.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") })
    }

    func testEmptyChallengeBeforeInitialResponseGetsClientFirst() throws {
        var scram = rfc5802Exchange()
        XCTAssertEqual(saslText(try scram.respond(to: [])), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        XCTAssertNoThrow(try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802)))
    }

    func testInvalidUsernameAndPasswordAreReported() {
        var badUser = SCRAM(hash: .sha256, username: "us\u{7}er", password: "p", channelBinding: .unsupported)
        assertSASLError(.invalidUsername("contains the prohibited character U+0007")) { () throws(SASLError) in
            try badUser.initialResponse()
        }
        var badPassword = SCRAM(hash: .sha256, username: "user", password: "", channelBinding: .unsupported)
        assertSASLError(.invalidPassword("is empty")) { () throws(SASLError) in try badPassword.initialResponse() }
    }

    // MARK: - Fixtures

    static let serverFirst5802 = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
    static let serverFinal5802 = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
}

/// The RFC 5802 §5 exchange, before its first message.
func rfc5802Exchange() -> SCRAM {
    SCRAM(hash: .sha1, username: "user", password: "pencil", channelBinding: .unsupported,
          clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
}

/// The RFC 5802 §5 exchange, after the client-final-message.
func rfc5802ExchangeAwaitingServerFinal() throws -> SCRAM {
    var scram = rfc5802Exchange()
    _ = try scram.initialResponse()
    _ = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
    return scram
}

func saslBytes(_ string: String) -> [UInt8] { Array(string.utf8) }
func saslText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Asserts that `body` throws exactly `expected`.
func assertSASLError<T>(
    _ expected: SASLError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws(SASLError) -> T
) {
    do {
        let value = try body()
        XCTFail("expected \(expected), got \(value)", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, file: file, line: line)
    }
}

/// Asserts that `body` throws `.malformedChallenge`, whatever its explanation.
func assertSASLMalformed<T>(
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws(SASLError) -> T
) {
    do {
        let value = try body()
        XCTFail("expected malformedChallenge, got \(value)", file: file, line: line)
    } catch {
        guard case .malformedChallenge = error else {
            return XCTFail("expected malformedChallenge, got \(error)", file: file, line: line)
        }
    }
}
