import Foundation
import XCTest

/// The console printing what the server sends while the user is half-way through a line:
/// the element goes above, the half line is drawn again below it, intact, and what is typed
/// next completes it. A message from bob (through slixmpp) is what arrives.
final class RawConsoleReceivingTests: XCTestCase {
    private struct Received {
        let run: ConsoleRun
        /// The screen once the message was printed and the half line drawn again.
        let screen: [String]
        let bodyRow: Int
    }

    /// Types `half` (the start of a version query with id `id`) on a terminal `columns`
    /// wide, has bob send a message meanwhile, then completes the query and leaves.
    private func receiveWhileTyping(_ console: ConsoleSession, id: String, columns: Int) throws -> Received? {
        let server = console.server
        let body = "arrives mid-line \(UUID().uuidString.prefix(8))"
        let half = "<iq type='get' to='localhost' id='\(id)'><query xmlns='jabber:iq:ver"
        let typing = console.scratch.appendingPathComponent("typing")
        let sent = console.scratch.appendingPathComponent("sent")
        let run = try console.play(
            [
                console.awaitPrompt,
                // Available presence: only then are messages to the bare JID routed here.
                .type("<presence/>\r"),
                .expect("<- <presence"),
                console.awaitPrompt,
                .type(half),
                .screenEndsWith(half),
                .touch(typing),
                .waitFor(sent, timeout: 25),
                .expect(body, timeout: 15),
                .screenEndsWith(half),
                .snapshot("received"),
                .type("sion'/></iq>\r"),
                .expect("-> <iq type='get' to='localhost' id='\(id)'>"),
                .expect("<name>Prosody</name>"),
                console.awaitPrompt,
                .type("\u{4}"),
            ],
            columns: columns, whenFileAppears: typing
        ) {
            try Peer.send(as: server.bob, to: server.alice.jid, on: server, body: body, scratch: console.scratch)
            FileManager.default.createFile(atPath: sent.path, contents: nil)
        }
        run.assertExitedZero()
        let screen = (run.snapshots["received"] ?? []).filter { !$0.isEmpty }
        guard let bodyRow = screen.lastIndex(where: { $0.contains(body) }) else {
            XCTFail("no screen with the message: \(run.shown)")
            return nil
        }
        XCTAssertTrue(screen[..<bodyRow].contains { $0.contains("<- <message") }, "not shown as received: \(screen)")
        return Received(run: run, screen: screen, bodyRow: bodyRow)
    }

    func testElementReceivedWhileTypingLeavesTheLineIntact() throws {
        let console = try ConsoleSession(self)
        let half = "<iq type='get' to='localhost' id='half-typed'><query xmlns='jabber:iq:ver"
        guard let received = try receiveWhileTyping(console, id: "half-typed", columns: 200) else { return }
        let last = received.screen.last ?? ""
        XCTAssertTrue(console.isPrompt(last) && last.hasSuffix("> " + half), "the half line is not intact: \(last)")
        XCTAssertEqual(
            received.screen.filter { $0.contains(half) }.count, 1, "the half line is drawn twice: \(received.run.shown)")
        XCTAssertTrue(
            received.run.screen.contains { $0.contains("<- <iq") && $0.contains("id='half-typed'") && $0.contains("type='result'") },
            "the completed line was not answered: \(received.run.shown)")
    }

    /// A line wider than the terminal takes several rows: all of them are cleared before
    /// the element is printed, so none is left behind above it.
    func testElementReceivedWhileTypingAWrappedLineLeavesNoRowBehind() throws {
        let console = try ConsoleSession(self)
        let id = "wrapped-line-longer-than-the-terminal"
        let half = "<iq type='get' to='localhost' id='\(id)'><query xmlns='jabber:iq:ver"
        guard let received = try receiveWhileTyping(console, id: id, columns: 60) else { return }
        let screen = received.screen
        guard let promptRow = screen.lastIndex(where: console.isPrompt), promptRow > received.bodyRow else {
            return XCTFail("no prompt below the message: \(received.run.shown)")
        }
        // The rows from the prompt on hold the half line; spaces at the wraps are not shown.
        XCTAssertEqual(
            screen[promptRow...].joined().replacingOccurrences(of: " ", with: "").drop { $0 != ">" },
            ("> " + half).replacingOccurrences(of: " ", with: "")[...], "the half line is not intact: \(screen)")
        XCTAssertEqual(
            screen.filter { $0.contains("> <iq type='get' to='localhost'") }.count, 1,
            "a row of the half line was left behind: \(received.run.shown)")
    }
}
