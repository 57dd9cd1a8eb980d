import XCTest
import XMPPProtocol

/// SASL PLAIN (RFC 4616).
final class SASLPLAINTests: XCTestCase {
    func testMessageWithoutAuthzid() throws {
        var plain = PLAIN(username: "tim", password: "tanstaaftanstaaf")
        XCTAssertEqual(plain.name, "PLAIN")
        XCTAssertEqual(try plain.initialResponse(), saslBytes("\0tim\0tanstaaftanstaaf"))  // RFC 4616 §4
        XCTAssertNoThrow(try plain.verifySuccess([]))
    }

    func testMessageWithAuthzid() throws {
        var plain = PLAIN(username: "Kurt", password: "xipj3plmq", authzid: "Ursel")
        XCTAssertEqual(try plain.initialResponse(), saslBytes("Ursel\0Kurt\0xipj3plmq"))  // RFC 4616 §4
    }

    func testCredentialsAreUTF8AndPrepared() throws {
        var plain = PLAIN(username: "jürgen", password: "pe\u{301}n\u{A0}cil")
        XCTAssertEqual(try plain.initialResponse(), [0] + saslBytes("jürgen") + [0] + saslBytes("p\u{E9}n cil"))
    }

    func testNULInCredentialsIsRejected() {
        var badPassword = PLAIN(username: "tim", password: "a\0b")
        assertSASLError(.invalidPassword("contains the prohibited character U+0000")) { () throws(SASLError) in
            try badPassword.initialResponse()
        }
        var badUser = PLAIN(username: "t\0im", password: "x")
        assertSASLError(.invalidUsername("contains the prohibited character U+0000")) { () throws(SASLError) in
            try badUser.initialResponse()
        }
        var badAuthzid = PLAIN(username: "tim", password: "x", authzid: "a\0b")
        assertSASLError(.invalidUsername("contains NUL in the authorization identity")) { () throws(SASLError) in
            try badAuthzid.initialResponse()
        }
    }

    func testEmptyChallengeGetsTheMessageOnce() throws {
        var plain = PLAIN(username: "tim", password: "x")
        XCTAssertEqual(try plain.respond(to: []), saslBytes("\0tim\0x"))
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in try plain.respond(to: []) }
    }

    func testChallengesAreUnexpected() throws {
        var plain = PLAIN(username: "tim", password: "x")
        _ = try plain.initialResponse()
        assertSASLError(.unexpectedChallenge) { () throws(SASLError) in try plain.respond(to: saslBytes("more")) }
    }

    func testSuccessBeforeSendingIsRejected() {
        var plain = PLAIN(username: "tim", password: "x")
        assertSASLError(.successWithoutVerification) { () throws(SASLError) in try plain.verifySuccess([]) }
    }
}
