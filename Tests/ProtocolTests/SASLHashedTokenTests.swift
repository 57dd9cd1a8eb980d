import XCTest
import XMPPProtocol

/// The HT-SHA-256-* mechanisms of FAST (XEP-0484). XEP-0484 and the HT draft give no test
/// vectors; these were computed independently with Python's hmac:
///   token = b"secret-token:fast-test"
///   b64(b"alice\0" + hmac.new(token, b"Initiator", "sha256").digest())
///     = "YWxpY2UAJVfsR8yStiKXWVYfvCfqZoOagj+B0dZqDSFNQIbW8V4="
///   b64(hmac.new(token, b"Responder", "sha256").digest())
///     = "q7Eu2q6UeNdCotp8608TMke5jqg6g6LfB8z4HVDN85M="
///   cb = bytes(range(32))
///   hmac.new(token, b"Initiator" + cb, "sha256").hexdigest()
///     = "7f35fb97f8cd4e0c28a20e5f239958a5931a1e48896fc9cff9d23f56156a63c1"
///   hmac.new(token, b"Responder" + cb, "sha256").hexdigest()
///     = "86047d8f7f803ac83b97797c4fe8300d445991abe15745e8ba1cea700b5892fc"
final class SASLHashedTokenTests: XCTestCase {
    private let token = "secret-token:fast-test"
    private let exporter = ChannelBindingData(type: "tls-exporter", data: Array(0..<32))

    func testNoneSendsTheInitiatorHMACAndVerifiesTheResponder() throws {
        var mechanism = try XCTUnwrap(HashedToken(mechanism: "HT-SHA-256-NONE", username: "alice", token: token, channelBindings: []))
        XCTAssertEqual(mechanism.name, "HT-SHA-256-NONE")
        XCTAssertEqual(Base64.encode(try mechanism.initialResponse()), "YWxpY2UAJVfsR8yStiKXWVYfvCfqZoOagj+B0dZqDSFNQIbW8V4=")
        XCTAssertNoThrow(try mechanism.verifySuccess(try XCTUnwrap(Base64.decode("q7Eu2q6UeNdCotp8608TMke5jqg6g6LfB8z4HVDN85M="))))
    }

    func testExporterHashesTheChannelBindingIn() throws {
        var mechanism = try XCTUnwrap(
            HashedToken(mechanism: "HT-SHA-256-EXPR", username: "alice", token: token, channelBindings: [exporter]))
        let response = try mechanism.initialResponse()
        XCTAssertEqual(Array(response.prefix(6)), Array("alice\0".utf8))
        XCTAssertEqual(hex(Array(response.dropFirst(6))), "7f35fb97f8cd4e0c28a20e5f239958a5931a1e48896fc9cff9d23f56156a63c1")
        XCTAssertNoThrow(try mechanism.verifySuccess(bytes(hex: "86047d8f7f803ac83b97797c4fe8300d445991abe15745e8ba1cea700b5892fc")))
    }

    func testWrongResponderIsRefused() throws {
        var mechanism = try XCTUnwrap(HashedToken(mechanism: "HT-SHA-256-NONE", username: "alice", token: token, channelBindings: []))
        _ = try mechanism.initialResponse()
        var wrong = try XCTUnwrap(Base64.decode("q7Eu2q6UeNdCotp8608TMke5jqg6g6LfB8z4HVDN85M="))
        wrong[0] ^= 1
        XCTAssertThrowsError(try mechanism.verifySuccess(wrong)) { XCTAssertEqual($0 as? SASLError, .invalidTokenProof) }
    }

    func testSuccessWithoutResponderIsRefused() throws {
        var mechanism = try XCTUnwrap(HashedToken(mechanism: "HT-SHA-256-NONE", username: "alice", token: token, channelBindings: []))
        _ = try mechanism.initialResponse()
        XCTAssertThrowsError(try mechanism.verifySuccess([])) { XCTAssertEqual($0 as? SASLError, .successWithoutVerification) }
    }

    func testAnyChallengeIsRefused() throws {
        var mechanism = try XCTUnwrap(HashedToken(mechanism: "HT-SHA-256-NONE", username: "alice", token: token, channelBindings: []))
        _ = try mechanism.initialResponse()
        XCTAssertThrowsError(try mechanism.respond(to: [1, 2])) { XCTAssertEqual($0 as? SASLError, .unexpectedChallenge) }
    }

    func testABindingTheConnectionLacksOrAnotherFamilyGivesNoMechanism() {
        XCTAssertNil(HashedToken(mechanism: "HT-SHA-256-EXPR", username: "alice", token: token, channelBindings: []))
        XCTAssertNil(HashedToken(mechanism: "HT-SHA-256-ENDP", username: "alice", token: token, channelBindings: [exporter]))
        XCTAssertNil(HashedToken(mechanism: "SCRAM-SHA-1", username: "alice", token: token, channelBindings: []))
        XCTAssertNil(HashedToken(mechanism: "HT-SHA-512-NONE", username: "alice", token: token, channelBindings: []))
    }

    func testPreferredTakesTheStrongestBindingAvailable() {
        let offered = ["HT-SHA-256-NONE", "HT-SHA-256-EXPR"]
        XCTAssertEqual(HashedToken.preferred(offered: offered, channelBindings: [exporter]), "HT-SHA-256-EXPR")
        XCTAssertEqual(HashedToken.preferred(offered: offered, channelBindings: []), "HT-SHA-256-NONE")
        XCTAssertNil(HashedToken.preferred(offered: ["HT-SHA-256-EXPR"], channelBindings: []))
        XCTAssertNil(HashedToken.preferred(offered: [], channelBindings: [exporter]))
    }

    func testDescriptionsHideTheToken() throws {
        let mechanism = try XCTUnwrap(HashedToken(mechanism: "HT-SHA-256-NONE", username: "alice", token: token, channelBindings: []))
        let fastToken = FASTToken(secret: token, mechanism: "HT-SHA-256-NONE", expiry: "2026-12-22T13:58:58Z")
        var dumped = ""
        dump(mechanism, to: &dumped)
        dump(fastToken, to: &dumped)
        for text in ["\(mechanism)", String(reflecting: mechanism), "\(fastToken)", String(reflecting: fastToken), dumped] {
            XCTAssertFalse(text.contains("secret-token"), text)
        }
        XCTAssertTrue("\(fastToken)".contains("<redacted>"))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    private func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }
}
