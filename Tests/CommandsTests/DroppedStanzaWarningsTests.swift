import XCTest
import XMPPProtocol

@testable import Commands

final class DroppedStanzaWarningsTests: XCTestCase {
    func testTheFirstTenThenEveryPowerOfTenAreReported() {
        let reported = (1...20_000).filter(DroppedStanzaWarnings.shouldReport)
        XCTAssertEqual(reported, Array(1...10) + [100, 1000, 10_000])
    }

    func testTheLineNamesSenderIdAndReasonOnlyWhenVerbose() {
        let element = XMLElement("message", namespace: "jabber:client", attributes: ["from": "mallory@evil.example/x", "id": "m1"])
        let dropped = DroppedStanza(reason: .tooDeep(limit: 32), qualifiedName: "message", element: element)
        XCTAssertEqual(
            DroppedStanzaWarnings.message(for: dropped, count: 3, verbose: true),
            "dropped a <message> from mallory@evil.example/x (id 'm1'): elements nested deeper than 32 levels (3 so far)")
        XCTAssertEqual(
            DroppedStanzaWarnings.message(for: dropped, count: 3, verbose: false),
            "dropped an incoming stanza that broke a limit (3 so far); -v says whose and why")
        let unknown = DroppedStanza(reason: .tooLarge(limit: 1 << 20), qualifiedName: "iq", element: nil)
        XCTAssertEqual(
            DroppedStanzaWarnings.message(for: unknown, count: 1, verbose: true),
            "dropped a <iq> from an unknown sender: larger than 1048576 bytes (1 so far)")
    }
}
