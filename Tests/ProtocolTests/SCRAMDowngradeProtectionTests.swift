import XCTest
import XMPPProtocol

/// XEP-0474's `h` attribute: the hash of the advertised mechanisms and channel-binding types.
final class SCRAMDowngradeProtectionTests: XCTestCase {
    /// XEP-0474 §6 (example): SHA-1 of
    /// 'SCRAM-SHA-1\x1eSCRAM-SHA-1-PLUS\x1ftls-exporter\x1etls-server-end-point'.
    func testTheXEPExampleHash() {
        let protection = SCRAMDowngradeProtection(
            mechanisms: ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"], channelBindingTypes: ["tls-server-end-point", "tls-exporter"])
        XCTAssertEqual(protection.expectedValue(.sha1), "G6k/rBLDqgOhRRaCuuatSDFkJ08=")
    }

    /// Without XEP-0440 types there is no %x1F: Python's
    /// b64(sha1(b"PLAIN\x1eSCRAM-SHA-1").digest()) = "Y+xk2TW25vKwG9yWicfQlsuiFQs=".
    func testWithoutChannelBindingTypes() {
        let protection = SCRAMDowngradeProtection(mechanisms: ["SCRAM-SHA-1", "PLAIN"], channelBindingTypes: nil)
        XCTAssertEqual(protection.expectedValue(.sha1), "Y+xk2TW25vKwG9yWicfQlsuiFQs=")
    }

    // RFC 5802 §5's exchange, with an `h` appended to the server-first-message.
    private let clientNonce = "fyko+d2lbbFgONRv9qkxdawL"
    private let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"

    private func scram(offered: [String]) -> SCRAM {
        var scram = SCRAM(hash: .sha1, username: "user", password: "pencil", channelBinding: .unsupported, clientNonce: clientNonce)
        scram.downgradeProtection = SCRAMDowngradeProtection(mechanisms: offered, channelBindingTypes: nil)
        return scram
    }

    func testAMatchingHashLetsTheExchangeGoOn() throws {
        var mechanism = scram(offered: ["SCRAM-SHA-1", "PLAIN"])
        _ = try mechanism.initialResponse()
        let final = try mechanism.respond(to: Array((serverFirst + ",h=Y+xk2TW25vKwG9yWicfQlsuiFQs=").utf8))
        XCTAssertTrue(String(decoding: final, as: UTF8.self).hasPrefix("c=biws,r="))
    }

    func testAHashOfAnotherOfferIsADowngrade() throws {
        // The server signed an offer that also had SCRAM-SHA-256, which we never saw.
        let signed = SCRAMDowngradeProtection(mechanisms: ["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"], channelBindingTypes: nil)
        var mechanism = scram(offered: ["SCRAM-SHA-1", "PLAIN"])
        _ = try mechanism.initialResponse()
        XCTAssertThrowsError(try mechanism.respond(to: Array((serverFirst + ",h=" + signed.expectedValue(.sha1)).utf8))) { error in
            guard case .downgradeDetected = error as? SASLError else { return XCTFail("\(error)") }
        }
    }

    func testAServerWithoutTheAttributeIsNotChecked() throws {
        var mechanism = scram(offered: ["SCRAM-SHA-1", "PLAIN"])
        _ = try mechanism.initialResponse()
        XCTAssertNoThrow(try mechanism.respond(to: Array(serverFirst.utf8)))
    }
}
