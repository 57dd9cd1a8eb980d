import Foundation
import XCTest

/// `xmpp-cli raw` on a terminal: the interactive XML console, logged in to Prosody as alice
/// and driven through a pseudo-terminal by Tests/Support/pty/drive-console.py, which types
/// keystrokes, waits for what should appear, and renders the screen.
final class RawConsoleTests: XCTestCase {
    private let version = "<query xmlns='jabber:iq:version'/>"

    // Sending and answers

    /// An element typed over two lines: the continuation prompt appears for the second, the
    /// element is sent once complete and Prosody's answer is shown.
    func testMultiLineIQIsSentAndItsAnswerShown() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([
            console.awaitPrompt,
            .type("<iq type='get' to='localhost' id='multi'>\r"),
            .expect("...> "),
            .type("\(version)</iq>\r"),
            .expect("-> <iq type='get' to='localhost' id='multi'>"),
            .expect("<- <iq"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        let screen = run.screen
        guard let first = screen.firstIndex(where: { $0.hasSuffix("> <iq type='get' to='localhost' id='multi'>") }) else {
            return XCTFail("the first line is not on screen: \(run.shown)")
        }
        XCTAssertTrue(console.isPrompt(screen[first]), "no prompt before the first line: \(screen[first])")
        XCTAssertEqual(
            screen[first + 1].trimmingCharacters(in: .whitespaces), "...> \(version)</iq>",
            "the second line is not after a continuation prompt: \(run.shown)")
        // Each typed line shows once: the terminal does not echo it besides the editor.
        XCTAssertEqual(screen.filter { $0.contains("\(version)</iq>") }.count, 1, run.shown)
        let answer = screen.firstIndex { $0.contains("<- <iq") && $0.contains("id='multi'") && $0.contains("type='result'") }
        XCTAssertNotNil(answer, "no answer shown: \(run.shown)")
    }

    func testPingPrintsTheRoundTripTime() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([
            console.awaitPrompt,
            .type("/ping\r"),
            .expect("pong from localhost in "),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        let milliseconds = run.plainTranscript.firstMatch(of: /pong from localhost in (\d+(\.\d+)?) ms/).flatMap { Double($0.1) }
        XCTAssertNotNil(milliseconds, "no round-trip time: \(run.shown)")
        XCTAssertGreaterThan(milliseconds ?? 0, 0, run.shown)
        XCTAssertLessThan(milliseconds ?? .infinity, 20_000, run.shown)
    }

    func testTabCompletesElementNamesAndNamespacesUsed() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([
            console.awaitPrompt,
            .type("<iq type='get' to='localhost' id='learn'>\(version)</iq>\r"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("<pres\t"),
            .expect("<presence"),
            .type("/>\r"),
            .expect("-> <presence/>"),
            console.awaitPrompt,
            .type("<iq type='get' to='localhost' id='completed'><query xmlns='jabber:iq:vers\t"),
            .expect("jabber:iq:version"),
            .type("'/></iq>\r"),
            .expect("-> <iq type='get' to='localhost' id='completed'>"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        XCTAssertTrue(
            run.screen.contains { $0.contains("<- <iq") && $0.contains("id='completed'") && $0.contains("type='result'") },
            run.shown)
    }

    /// A malformed element is not sent; the position given counts from its own first line,
    /// whatever was typed before it, and the console goes on.
    func testMalformedElementIsNotSentAndItsPositionIsItsOwn() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([
            console.awaitPrompt,
            .type("<presence/>\r"),
            .expect("-> <presence/>"),
            console.awaitPrompt,
            .type("<message to='nobody@localhost'>\r"),
            .expect("...> "),
            .type("<body>x</bod></message>\r"),
            .expect("not sent: "),
            console.awaitPrompt,
            .type("<presence/>\r"),
            .expect("-> <presence/>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        let note = run.plainTranscript.split(separator: "\n").first { $0.contains("not sent: ") } ?? ""
        XCTAssertTrue(note.contains("not sent: line 2, column 14: "), String(note))
        let sent = run.plainTranscript.split(separator: "\n").filter { $0.contains(" -> ") }
        XCTAssertEqual(sent.map { String($0.drop { $0 != "<" }) }, ["<presence/>", "<presence/>"], run.shown)
    }

    // History

    /// The element is kept in $XDG_STATE_HOME/xmpp-cli/history, private to the user, and a
    /// later console recalls it with the up arrow.
    func testHistoryIsPrivateAndRecalledNextTime() throws {
        let console = try ConsoleSession(self)
        let first = try console.play([
            console.awaitPrompt,
            .type("<iq type='get' to='localhost' id='remembered'>\r"),
            .expect("...> "),
            .type("\(version)</iq>\r"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        first.assertExitedZero()
        let history = console.stateHome.appendingPathComponent("xmpp-cli/history")
        let attributes = try FileManager.default.attributesOfItem(atPath: history.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "history mode")
        // libedit writes spaces as \040.
        let saved = try String(contentsOf: history, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(
            saved.contains("<iq type='get' to='localhost' id='remembered'> \(version)</iq>"),
            "the element is not in the history: \(saved)")

        let second = try console.play([
            console.awaitPrompt,
            .type("\u{1B}[A"),
            .expect("id='remembered'"),
            .type("\r"),
            .expect("-> <iq type='get' to='localhost' id='remembered'>"),
            .expect("<name>Prosody</name>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        second.assertExitedZero()
    }

    // Looks

    func testColourOnTerminalAndNoneWithNoColor() throws {
        let steps: (ConsoleSession) -> [ConsoleStep] = {
            [
                $0.awaitPrompt, .type("<presence/>\r"), .expect("-> <presence/>"), .expect("<- <presence"),
                $0.awaitPrompt, .type("\u{4}"),
            ]
        }
        let console = try ConsoleSession(self)
        let coloured = try console.play(steps(console))
        coloured.assertExitedZero()
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[36m"), "received elements are not coloured: \(coloured.shown)")
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[33m"), "sent elements are not coloured: \(coloured.shown)")
        // Timestamps and the direction, coloured or not.
        let plain = coloured.plainTranscript
        XCTAssertNotNil(plain.firstMatch(of: /\d\d:\d\d:\d\d -> <presence\/>/), plain)
        XCTAssertNotNil(plain.firstMatch(of: /\d\d:\d\d:\d\d <- <features/), plain)

        let monochrome = try console.play(steps(console), environment: ["NO_COLOR": "1"])
        monochrome.assertExitedZero()
        XCTAssertNil(
            monochrome.transcript.firstMatch(of: /\x1B\[[0-9;]*m/), "colour despite NO_COLOR: \(monochrome.shown)")
        XCTAssertNotNil(monochrome.transcript.firstMatch(of: /\d\d:\d\d:\d\d -> <presence\/>/), monochrome.shown)
    }

    // Keys and commands

    /// Ctrl-C forgets the half-typed element: Enter then sends nothing, and the next element
    /// starts afresh rather than inside the forgotten one.
    func testCtrlCClearsTheLineBeingTyped() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([
            console.awaitPrompt,
            .type("<message to='nobody@localhost'><body>half"),
            .expect("<body>half"),
            .type("\u{3}"),
            console.awaitPrompt,
            .type("\r"),
            console.awaitPrompt,
            .type("<presence/>\r"),
            .expect("-> <presence/>"),
            console.awaitPrompt,
            .type("\u{4}"),
        ])
        run.assertExitedZero()
        let sent = run.plainTranscript.split(separator: "\n").filter { $0.contains(" -> ") }
        XCTAssertEqual(sent.map { String($0.drop { $0 != "<" }) }, ["<presence/>"], run.shown)
        XCTAssertFalse(run.plainTranscript.contains("not sent"), run.shown)
        XCTAssertFalse(run.screen.contains { $0.hasSuffix("...> <presence/>") }, "still inside the message: \(run.shown)")
    }

    /// Ctrl-D leaves with 0, and nothing redraws the prompt after it.
    func testCtrlDExitsZeroAndLeavesNoPromptBehind() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([console.awaitPrompt, .type("\u{4}")])
        run.assertExitedZero()
        let last = run.screen.last { !$0.isEmpty } ?? ""
        XCTAssertFalse(console.isPrompt(last), "a prompt is left on screen: \(run.shown)")
    }

    func testQuitCommandExitsZero() throws {
        let console = try ConsoleSession(self)
        let run = try console.play([console.awaitPrompt, .type("/help\r"), .expect("/ping"), console.awaitPrompt, .type("/quit\r")])
        run.assertExitedZero()
    }
}

/// One step of a drive-console.py script.
struct ConsoleStep: Encodable {
    var expect: String?
    var regex: Bool?
    var type: String?
    var snapshot: String?
    var touch: String?
    var awaitFile: String?
    var screenEnd: String?
    var timeout: Double?

    enum CodingKeys: String, CodingKey {
        case expect, regex, type, snapshot, touch, timeout
        case awaitFile = "await"
        case screenEnd = "screen-ends-with"
    }

    static func expect(_ text: String, regex: Bool = false, timeout: Double? = nil) -> ConsoleStep {
        ConsoleStep(expect: text, regex: regex ? true : nil, timeout: timeout)
    }
    static func screenEndsWith(_ text: String) -> ConsoleStep { ConsoleStep(screenEnd: text) }
    static func type(_ keys: String) -> ConsoleStep { ConsoleStep(type: keys) }
    static func snapshot(_ name: String) -> ConsoleStep { ConsoleStep(snapshot: name) }
    static func touch(_ file: URL) -> ConsoleStep { ConsoleStep(touch: file.path) }
    static func waitFor(_ file: URL, timeout: Double) -> ConsoleStep { ConsoleStep(awaitFile: file.path, timeout: timeout) }
}

/// What drive-console.py reports about one run.
struct ConsoleRun: Decodable {
    let exit: Int32?
    let failure: String?
    let transcript: String
    let snapshots: [String: [String]]
    let screen: [String]

    /// The transcript without control sequences, as a person reads it.
    var plainTranscript: String {
        // Carriage returns go first, by code unit: "\r\n" is a single Character to a Swift regex.
        transcript.replacingOccurrences(of: "\r", with: "").replacing(/\x1B\[[0-9;?]*[ -\/]*[@-~]|\x07/, with: "")
    }

    /// For failure messages.
    var shown: String { "\n" + screen.joined(separator: "\n") }

    func assertExitedZero(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(failure, "the script stopped: \(failure ?? "")\(shown)", file: file, line: line)
        XCTAssertEqual(exit, 0, "the console did not exit 0:\(shown)", file: file, line: line)
    }
}

/// The console as alice on the test Prosody, with a home and state folder of its own.
struct ConsoleSession {
    private static let driver = SupportPaths.support.appendingPathComponent("pty/drive-console.py")

    let server: ProsodyServer
    let scratch: URL
    var stateHome: URL { scratch.appendingPathComponent("state") }

    init(_ test: XCTestCase) throws {
        server = try ProsodyServer.shared
        scratch = try test.makeScratchDirectory()
    }

    /// The main prompt, `alice@localhost/RESOURCE> `, at the start of a line.
    var promptPattern: String { "^" + NSRegularExpression.escapedPattern(for: server.alice.jid) + "/[^\\s>]+> " }
    var awaitPrompt: ConsoleStep { .expect(promptPattern, regex: true) }

    func isPrompt(_ line: String) -> Bool {
        (try? Regex(promptPattern)).map { line.firstMatch(of: $0) != nil } ?? false
    }

    /// Plays `steps`; when `signal` appears (a `touch` step), runs `action` while the
    /// console waits, so the test can act from outside.
    func play(
        _ steps: [ConsoleStep], environment extra: [String: String] = [:], columns: Int = 200,
        whenFileAppears signal: URL? = nil,
        action: () throws -> Void = {}
    ) throws -> ConsoleRun {
        let script = scratch.appendingPathComponent("script-\(UUID().uuidString.prefix(8)).json")
        try JSONEncoder().encode(steps).write(to: script)
        let command = [
            try SupportPaths.cliBinary().path, "raw", "-j", server.alice.jid, "--server", server.starttlsAddress,
            "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "20",
        ]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") && $0.key != "NO_COLOR" }
        environment["HOME"] = scratch.path
        environment["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        environment["XDG_STATE_HOME"] = stateHome.path
        environment["TERM"] = "xterm"
        environment["XMPP_PASSWORD"] = server.alice.password
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment.merge(extra) { _, new in new }
        let child = try ChildProcess(
            SupportPaths.python, [Self.driver.path, "--script", script.path, "--timeout", "30", "--columns", String(columns), "--"]
                + command,
            environment: environment, outputIn: scratch)
        if let signal {
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: signal.path) && child.isRunning && Date() < deadline {
                usleep(20_000)
            }
            if FileManager.default.fileExists(atPath: signal.path) { try action() }
        }
        let outcome = try child.wait(timeout: 45)
        guard let report = try? JSONDecoder().decode(ConsoleRun.self, from: outcome.stdoutData) else {
            throw HarnessError.unexpectedOutput("drive-console.py exited \(outcome.exitCode): \(outcome.stderr)")
        }
        return report
    }
}
