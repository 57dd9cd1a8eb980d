import Foundation
import XCTest

/// `send --receipt` (XEP-0184) against Prosody: slixmpp answers receipt requests on its own
/// (its xep_0184 plugin), an account that is offline cannot.
final class SendReceiptTests: XCTestCase {
    func testReceiptFromAnOnlineRecipientExits0() throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody(["--receipt", "-m", "please confirm", server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(try bob.messages().map(\.body), ["please confirm"])
    }

    /// bob answers, carol is offline (her message goes to offline storage, which sends no
    /// receipt): exit 1 once --timeout has passed, naming carol and only carol.
    func testMissingReceiptExits1NamingTheRecipient() throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let started = Date()
        let result = try sendAsAliceToProsody(
            ["--receipt", "-m", "anyone there?", server.bob.jid, server.carol.jid], timeout: 3)
        let elapsed = Date().timeIntervalSince(started)
        assertFailure(result, exitCode: 1, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains(server.carol.jid), "carol is not named: \(result.summary)")
        XCTAssertFalse(result.stderr.contains(server.bob.jid), "bob did answer: \(result.summary)")
        XCTAssertGreaterThanOrEqual(elapsed, 3, "gave up before --timeout")
        XCTAssertLessThan(elapsed, 10, "waited far longer than --timeout")
        XCTAssertEqual(try bob.messages().map(\.body), ["anyone there?"])
    }
}
