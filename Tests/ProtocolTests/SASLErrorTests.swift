import XCTest
import XMPPProtocol

/// The one-line descriptions of SASL errors.
final class SASLErrorTests: XCTestCase {
    /// The server's text is quoted as it came; Commands escapes it where it writes it.
    func testServerTextIsQuotedAsItCame() {
        let description = SASLError.serverError("bad\u{1B}[2Jthing\n").description
        XCTAssertEqual(description, "the server reported a SCRAM error: bad\u{1B}[2Jthing\n")
        let offered = SASLError.noUsableMechanism(offered: ["X-\u{7}BELL", "DIGEST-MD5"]).description
        XCTAssertEqual(offered, "no usable SASL mechanism among those offered: X-\u{7}BELL, DIGEST-MD5")
    }

    func testDescriptionsNameTheProblem() {
        XCTAssertEqual(SASLError.noUsableMechanism(offered: []).description, "the server offers no SASL mechanism")
        XCTAssertEqual(
            SASLError.iterationCountOutOfRange(0).description,
            "the server asked for 0 SCRAM iterations (accepted: 1...1000000)")
        XCTAssertEqual(SASLError.invalidPassword("is empty").description, "the password cannot be used: it is empty")
    }
}
