import XCTest
import XMPPProtocol

/// Values that hold a password never show it when printed, interpolated, reflected or
/// dumped: `print(settings)` in a debugging session or an error message must stay safe.
final class SecretRedactionTests: XCTestCase {
    private let password = "Correct-Horse-9"

    /// Every way Swift turns a value into text.
    private func renderings(_ value: Any) -> [String: String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [
            "String(describing:)": String(describing: value),
            "String(reflecting:)": String(reflecting: value),
            "interpolation": "\(value)",
            "dump": dumped,
            "inside an array": String(describing: [value]),
            "inside an optional": String(reflecting: Optional(value)),
        ]
    }

    private func assertRedacted(_ value: Any, shows visible: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        for (way, text) in renderings(value) {
            XCTAssertFalse(text.contains(password), "\(way) shows the password: \(text)", file: file, line: line)
            for part in visible {
                XCTAssertTrue(text.contains(part), "\(way) does not show \(part): \(text)", file: file, line: line)
            }
        }
    }

    func testConnectionSettingsHideThePassword() throws {
        let settings = ConnectionSettings(jid: try JID("alice@example.org"), password: password, server: "xmpp.example.org")
        assertRedacted(settings, shows: ["alice@example.org", "xmpp.example.org", "redacted"])
    }

    func testPLAINHidesThePassword() {
        assertRedacted(PLAIN(username: "alice", password: password), shows: ["PLAIN"])
    }

    /// Before and during the exchange: the prepared password is part of its state then.
    func testSCRAMHidesThePasswordAtEveryStep() throws {
        var scram = SCRAM(hash: .sha1, username: "user", password: password, channelBinding: .unsupported,
                          clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        assertRedacted(scram, shows: ["SCRAM-SHA-1"])
        _ = try scram.initialResponse()
        assertRedacted(scram, shows: ["SCRAM-SHA-1"])
        _ = try scram.respond(to: saslBytes(SASLSCRAMTests.serverFirst5802))
        assertRedacted(scram, shows: ["SCRAM-SHA-1"])
    }

    func testChosenMechanismHidesThePassword() throws {
        for offered in [["PLAIN"], ["SCRAM-SHA-256"]] {
            let mechanism = try SASLMechanismChoice.select(
                offered: offered, username: "alice", password: password, channelBindings: [],
                serverChannelBindingTypes: nil, allowPlain: true)
            assertRedacted(mechanism)
        }
    }
}
