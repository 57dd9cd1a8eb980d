import Foundation
import XCTest

/// The console's history file never keeps an element that carries a credential; the element
/// is sent all the same.
final class RawConsoleHistorySecretsTests: XCTestCase {
    func testRoomJoinWithAPasswordIsSentButNotRemembered() throws {
        let console = try ConsoleSession(self)
        let secret = "hunter2-\(UUID().uuidString.prefix(6))"
        let room = "history-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost"
        let join = "<presence to='\(room)/alice'><x xmlns='http://jabber.org/protocol/muc'><password>\(secret)</password></x></presence>"
        let run = try console.play([
            console.awaitPrompt,
            .type(join + "\r"),
            .expect("-> <presence to='\(room)/alice'>"),
            // The room's answer, with status 110 (this is you): the join reached the room.
            .expect("from='\(room)/alice'"),
            .expect("<status code='110'/>"),
            console.awaitPrompt,
            .type("<iq type='get' to='localhost' id='kept'><query xmlns='jabber:iq:version'/></iq>\r"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        let history = console.stateHome.appendingPathComponent("xmpp-cli/history")
        // libedit writes spaces as \040.
        let saved = try String(contentsOf: history, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(saved.contains("id='kept'"), "the ordinary element is not in the history: \(saved)")
        XCTAssertFalse(saved.contains(secret), "the room password is in the history: \(saved)")
        XCTAssertFalse(saved.contains(room), "the join is in the history: \(saved)")
    }
}
