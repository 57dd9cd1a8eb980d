import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long-running `xmpp-cli` (such as `listen`) in the background: its stdout and stderr
/// read as they grow, signals sent to it, and a bounded wait for its exit.
///
/// It starts from the same isolated environment as `runCLI` (no XMPP_* variables of the
/// developer, an empty home), plus `environment`.
final class BackgroundCLI {
    private let child: ChildProcess
    private let scratch: URL

    var command: String { child.command }
    var isRunning: Bool { child.isRunning }
    var pid: Int32 { child.pid }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        scratch = try makeTemporaryDirectory("xmpp-cli-background")
        child = try ChildProcess(
            try SupportPaths.cliBinary(), arguments,
            environment: backgroundEnvironment.merging(environment) { _, new in new },
            outputIn: scratch)
    }

    deinit {
        child.terminate()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// What it has written to stdout so far.
    var stdout: String { child.output().stdout }
    /// What it has written to stderr so far.
    var stderr: String { child.output().stderr }

    /// The complete lines on stdout so far (a line still being written is left out).
    var stdoutLines: [String] {
        let text = stdout
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        return text[..<lastNewline].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Waits until stderr contains `text` (with `-v`, "listening as" says the listener is
    /// online); throws if the process exits first or `timeout` seconds pass.
    func waitForStderr(containing text: String, timeout: TimeInterval = 20) throws {
        try waitUntil("stderr to contain \"\(text)\"", timeout: timeout) { self.stderr.contains(text) }
    }

    /// Waits until stdout holds at least `count` complete lines and returns them all.
    @discardableResult
    func waitForLines(_ count: Int, timeout: TimeInterval = 20) throws -> [String] {
        var lines: [String] = []
        try waitUntil("\(count) line(s) on stdout", timeout: timeout) {
            lines = self.stdoutLines
            return lines.count >= count
        }
        return lines
    }

    /// Waits until `condition` holds for the stdout so far.
    func waitForOutput(timeout: TimeInterval = 20, _ condition: @escaping (String) -> Bool) throws {
        try waitUntil("the expected stdout", timeout: timeout) { condition(self.stdout) }
    }

    /// Sends `signal` (SIGTERM, SIGINT…) to the process.
    func send(signal: Int32) {
        guard child.isRunning else { return }
        kill(child.pid, signal)
    }

    /// Waits for the process to exit by itself; past `timeout` it is killed and this throws.
    func wait(timeout: TimeInterval = 30) throws -> CLIResult {
        let outcome = try child.wait(timeout: timeout)
        return CLIResult(exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr, command: command)
    }

    private func waitUntil(_ what: String, timeout: TimeInterval, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard child.isRunning else {
                // It may have written the last of it just before leaving.
                if condition() { return }
                let outcome = child.output()
                throw HarnessError.unexpectedOutput(
                    "\(command) exited \(outcome.exitCode) while waiting for \(what); "
                        + "stdout: \(outcome.stdout) stderr: \(outcome.stderr)")
            }
            guard Date() < deadline else {
                let outcome = child.output()
                throw HarnessError.timedOut(
                    "\(command): still waiting for \(what) after \(timeout)s; stdout: \(outcome.stdout) stderr: \(outcome.stderr)")
            }
            usleep(20_000)
        }
    }
}

/// As for `runCLI`: this process's environment without XMPP_* variables, and a home, config
/// and state folder of the test run's own.
private let backgroundEnvironment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("xmpp-cli-tests-home-\(getpid())")
    environment["HOME"] = home.path
    environment["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
    environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
    return environment
}()

/// What the `listen` tests need around the background listener: the receiving accounts of
/// their own on the shared Prosody (listener1, listener2: no other test leaves offline
/// messages there), slixmpp peers that send, query and post to rooms, and readers for the
/// three record formats.
enum ListenHarness {
    static func account(_ name: String, on server: ProsodyServer) throws -> TestAccount {
        let envFile = server.directory.appendingPathComponent("env")
        let values = parseEnvironmentFile(try String(contentsOf: envFile, encoding: .utf8))
        let key = "XMPP_TEST_\(name.uppercased())"
        guard let jid = values["\(key)_JID"], let password = values["\(key)_PASSWORD"] else {
            throw HarnessError.missing("the account \(name) in \(envFile.path) (see Tests/Support/prosody/start)")
        }
        return TestAccount(jid: jid, password: password)
    }

    /// Connection options for `account` on the test server.
    static func connection(_ account: TestAccount, _ server: ProsodyServer) -> [String] {
        ["-j", account.jid, "--server", server.starttlsAddress, "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "20"]
    }

    /// `listen` as `account` in the background, returned once it is online: `-v` makes it
    /// say "listening as" once its initial presence is on the way.
    static func startListener(as account: TestAccount, on server: ProsodyServer, _ options: [String]) throws -> BackgroundCLI {
        let listener = try BackgroundCLI(
            ["listen"] + connection(account, server) + ["-v"] + options, environment: ["XMPP_PASSWORD": account.password])
        try listener.waitForStderr(containing: "listening as")
        return listener
    }

    /// Takes whatever offline messages an earlier failed run left for `account`: a marker
    /// message goes to offline storage after them, and `listen` runs until it has printed
    /// the marker (offline messages come in the order they were stored).
    static func drain(_ account: TestAccount, on server: ProsodyServer) throws {
        let scratch = try makeTemporaryDirectory("xmpp-cli-drain")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let marker = "drained \(UUID().uuidString)"
        try send(from: server.alice, to: account.jid, on: server, body: marker, scratch: scratch)
        let listener = try BackgroundCLI(
            ["listen"] + connection(account, server) + ["--format", "json"], environment: ["XMPP_PASSWORD": account.password])
        try listener.waitForOutput { $0.contains(marker) }
        listener.send(signal: SIGTERM)
        let result = try listener.wait(timeout: 10)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput("draining \(account.jid): \(result.summary)") }
    }

    /// Makes `watcher` receive `contact`'s presence: a subscription request approved by
    /// the contact, through `xmpp-cli presence`.
    static func subscribe(_ watcher: TestAccount, to contact: TestAccount, on server: ProsodyServer, scratch: URL) throws {
        for (account, arguments) in [(watcher, ["subscribe", contact.jid]), (contact, ["approve", watcher.jid])] {
            let result = try runCLI(
                ["presence"] + arguments + connection(account, server), environment: ["XMPP_PASSWORD": account.password])
            guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput("presence \(arguments): \(result.summary)") }
        }
    }

    /// slixmpp (send.py) sends `count` messages and returns once the server has them all.
    static func send(
        from account: TestAccount, to recipient: String, on server: ProsodyServer, body: String, count: Int = 1,
        subject: String? = nil, thread: String? = nil, scratch: URL
    ) throws {
        var arguments = peerConnection(SupportPaths.sendPeer, account, server) + [
            "--to", recipient, "--body", body, "--count", String(count),
        ]
        if let subject { arguments += ["--subject", subject] }
        if let thread { arguments += ["--thread", thread] }
        try runPeer(arguments, account, scratch: scratch, what: "send.py")
    }

    /// slixmpp (send_raw.py) writes `stanzas` to its stream as they are, one per line of a
    /// file ("{to}" in them becomes `recipient`), and returns once the server has them all.
    static func sendRaw(
        from account: TestAccount, to recipient: String, on server: ProsodyServer, stanzas: [String], scratch: URL
    ) throws {
        let file = scratch.appendingPathComponent("raw-\(UUID().uuidString).xml")
        try (stanzas.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let arguments = peerConnection(support("peers/send_raw.py"), account, server) + ["--to", recipient, "--file", file.path]
        try runPeer(arguments, account, scratch: scratch, what: "send_raw.py")
    }

    /// slixmpp (query.py) asks `target` for a ping, disco#info, its version and an unknown
    /// IQ; returns the answers as query.py prints them.
    static func query(as account: TestAccount, target: String, on server: ProsodyServer, scratch: URL) throws -> [String: Any] {
        let outcome = try runPeer(
            peerConnection(support("peers/query.py"), account, server) + ["--to", target], account, scratch: scratch,
            what: "query.py")
        return try object(outcome.stdout)
    }

    /// slixmpp (room_poster.py) joins `room` as `nick`, waits for the occupants `waitFor`, posts
    /// and returns once the room has passed the messages on.
    static func postToRoom(
        as account: TestAccount, room: String, nick: String, waitFor: [String] = [], body: String, on server: ProsodyServer,
        scratch: URL
    ) throws {
        try runPeer(roomArguments(account, room, nick, waitFor, body, server), account, scratch: scratch, what: "room_poster.py")
    }

    /// room_poster.py that posts and then stays in the room (so it and its history last) until the
    /// returned process is stopped.
    static func startRoomResident(
        as account: TestAccount, room: String, nick: String, body: String, on server: ProsodyServer, scratch: URL
    ) throws -> ChildProcess {
        let ready = scratch.appendingPathComponent("room-ready-\(UUID().uuidString)")
        let child = try ChildProcess(
            SupportPaths.python, roomArguments(account, room, nick, [], body, server) + ["--stay", "--ready-file", ready.path],
            environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: ready.path) {
            guard child.isRunning, Date() < deadline else {
                child.terminate()
                throw HarnessError.failedToStart("room_poster.py in \(room): \(child.output().stderr)")
            }
            usleep(20_000)
        }
        return child
    }

    private static func support(_ path: String) -> URL { SupportPaths.support.appendingPathComponent(path) }

    private static func roomArguments(
        _ account: TestAccount, _ room: String, _ nick: String, _ waitFor: [String], _ body: String, _ server: ProsodyServer
    ) -> [String] {
        peerConnection(support("peers/room_poster.py"), account, server) + ["--room", room, "--nick", nick, "--body", body]
            + waitFor.flatMap { ["--wait-for", $0] }
    }

    private static func peerConnection(_ script: URL, _ account: TestAccount, _ server: ProsodyServer) -> [String] {
        [
            script.path, "--jid", account.jid, "--host", server.host, "--port", String(server.starttlsPort),
            "--ca", server.caFile, "--timeout", "20",
        ]
    }

    @discardableResult
    private static func runPeer(_ arguments: [String], _ account: TestAccount, scratch: URL, what: String) throws -> ProcessOutcome {
        let outcome = try runProcess(
            SupportPaths.python, arguments, environment: Peer.peerEnvironment(password: account.password), timeout: 30,
            outputIn: scratch)
        guard outcome.exitCode == 0 else {
            throw HarnessError.unexpectedOutput("\(what) exited \(outcome.exitCode): \(outcome.stderr)")
        }
        return outcome
    }

    // MARK: Reading records

    /// The lines of `text`, which must end with a newline (a record is complete only then).
    static func lines(_ text: String) -> [String] {
        guard text.hasSuffix("\n") else { return text.isEmpty ? [] : [text + " (no final newline)"] }
        return text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// One JSON object (a JSON Lines record, or query.py's answer).
    static func object(_ line: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw HarnessError.unexpectedOutput("not a JSON object: \(line)")
        }
        return object
    }

    /// The keys of a flat JSON object in the order they are written (JSONSerialization
    /// forgets the order).
    static func topLevelKeys(_ line: String) -> [String] {
        var keys: [String] = []
        var scalars = Array(line.unicodeScalars)[...]
        var expectKey = false
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "{", ",": expectKey = true
            case "\"":
                var text = ""
                while let next = scalars.popFirst(), next != "\"" {
                    text.unicodeScalars.append(next)
                    if next == "\\", let escaped = scalars.popFirst() { text.unicodeScalars.append(escaped) }
                }
                if expectKey { keys.append(text) }
                expectKey = false
            default: break
            }
        }
        return keys
    }

    /// An XEP-0082 date-time as records print it.
    static func date(_ value: Any?) throws -> Date {
        guard let text = value as? String, let date = ISO8601DateFormatter().date(from: text) else {
            throw HarnessError.unexpectedOutput("not an XEP-0082 time: \(String(describing: value))")
        }
        return date
    }

    /// Lets time pass until the first whole second after `date`, and returns that second:
    /// from then on, a stamp of the present time (whole seconds) is that second or later, so
    /// it cannot be mistaken for a stamp of `date` or before.
    static func waitForTheSecondAfter(_ date: Date) -> Date {
        let next = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down) + 1)
        while Date() < next { Thread.sleep(forTimeInterval: max(0.001, next.timeIntervalSinceNow)) }
        return next
    }

    /// Characters a terminal or a line reader would act on: C0 and C1 controls but the line
    /// feed, DEL, and the Unicode line and paragraph separators.
    static func rawControls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter {
            $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029)
        }
    }

    /// A stanza as an independent XML parser (Foundation's) reads it: its name, its
    /// attributes (plus `delay.stamp` from a XEP-0203 delay), and its children's text by name.
    struct ParsedStanza {
        var name = ""
        var attributes: [String: String] = [:]
        var texts: [String: String] = [:]
    }

    static func parseXML(_ line: String) throws -> ParsedStanza {
        let reader = StanzaReader()
        let parser = XMLParser(data: Data(line.utf8))
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse() else {
            throw HarnessError.unexpectedOutput("not well-formed XML (\(String(describing: parser.parserError))): \(line)")
        }
        return reader.stanza
    }

    private final class StanzaReader: NSObject, XMLParserDelegate {
        var stanza = ParsedStanza()
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if path.isEmpty {
                stanza.name = name
                stanza.attributes = attributes
            } else if name == "delay" && namespaceURI == "urn:xmpp:delay" {
                stanza.attributes["delay.stamp"] = attributes["stamp"]
            }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path.count == 2 { stanza.texts[name] = text }
            path.removeLast()
            text = ""
        }
    }
}
