import Foundation
import XCTest

/// Signals in the interactive console: SIGTERM ends it cleanly (exit 0) even half-way
/// through an element, and Ctrl-C, however often, only clears the line.
final class RawConsoleSignalTests: XCTestCase {
    /// The console of `session`: the xmpp-cli whose environment names the session's own
    /// state folder.
    private func consolePID(_ session: ConsoleSession) throws -> Int32 {
        let marker = Data("XDG_STATE_HOME=\(session.stateHome.path)\0".utf8)
        let binary = try SupportPaths.cliBinary().resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries.compactMap({ Int32($0) }) {
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) == binary,
                let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                environment.range(of: marker) != nil
            else { continue }
            return pid
        }
        throw HarnessError.missing("the console process of \(session.stateHome.path)")
    }

    func testSIGTERMEndsTheConsoleCleanly() throws {
        let session = try ConsoleSession(self)
        let typing = session.scratch.appendingPathComponent("typing")
        let run = try session.play(
            [
                session.awaitPrompt,
                .type("<message to='nobody@localhost'><body>half"),
                .expect("<body>half"),
                .touch(typing),
            ],
            whenFileAppears: typing
        ) {
            kill(try consolePID(session), SIGTERM)
        }
        run.assertExitedZero()
        XCTAssertFalse(run.plainTranscript.contains("-> <message"), "the half element was sent: \(run.shown)")
    }

    /// Three Ctrl-C in a row: a second one is not taken for "end now", as it is elsewhere.
    func testRepeatedCtrlCOnlyClearsTheLine() throws {
        let session = try ConsoleSession(self)
        let run = try session.play([
            session.awaitPrompt,
            .type("<presence><status>half"),
            .expect("<status>half"),
            .type("\u{3}\u{3}\u{3}"),
            session.awaitPrompt,
            .type("<presence/>\r"),
            .expect("-> <presence/>"),
            session.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
    }
}
