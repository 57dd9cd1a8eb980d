import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `listen --since` and `listen --state`: what the server archived (XEP-0313: the account's
/// archive, and with --room each room's) printed before going live, with no gap and no
/// duplicate. Each test has a Prosody of its own (`startOwn`: mod_mam and mod_muc_mam), so
/// every archive starts empty and holds only what the test put there; listener1 listens,
/// alice and bob (slixmpp) send and post.
final class ListenArchiveTests: XCTestCase {
    private var server: ProsodyServer!
    private var receiver: TestAccount!
    private var scratch: URL!
    private var started: Date!

    override func setUpWithError() throws {
        started = Date()
        let own = try ProsodyServer.startOwn()
        addTeardownBlock { own.stop() }
        server = own
        receiver = try ListenHarness.account("listener1", on: own)
        scratch = try makeScratchDirectory()
    }

    // MARK: Helpers

    /// The listener's environment: its password, and a data folder of the test's own (where
    /// a --state NAME without "/" is kept).
    private var environment: [String: String] {
        ["XMPP_PASSWORD": receiver.password, "XDG_DATA_HOME": dataHome.path]
    }

    private var dataHome: URL { scratch.appendingPathComponent("data") }

    /// `listen -v` as the receiver in the background, returned at once.
    private func launch(_ options: [String]) throws -> BackgroundCLI {
        try BackgroundCLI(["listen"] + ListenHarness.connection(receiver, server) + ["-v"] + options, environment: environment)
    }

    /// `listen -v` as the receiver in the background, returned once it says it is online.
    private func startListener(_ options: [String]) throws -> BackgroundCLI {
        let listener = try launch(options)
        try listener.waitForStderr(containing: "listening as")
        return listener
    }

    /// `listen` as the receiver, run to its end.
    private func listen(_ options: [String], timeout: TimeInterval = 60) throws -> CLIResult {
        try runCLI(["listen"] + ListenHarness.connection(receiver, server) + options, environment: environment, timeout: timeout)
    }

    /// slixmpp sends `count` messages ("{n}": each one's number) to the receiver and returns
    /// once the server has them all (and so has archived them).
    private func send(_ body: String, count: Int = 1, from sender: TestAccount? = nil) throws {
        try Peer.send(as: sender ?? server.alice, to: receiver.jid, on: server, body: body, count: count, scratch: scratch)
    }

    /// Waits for a listener that exits by itself (--count) and returns its JSON records.
    private func records(of listener: BackgroundCLI, timeout: TimeInterval = 60, line: UInt = #line) throws -> [[String: Any]] {
        let result = try listener.wait(timeout: timeout)
        XCTAssertEqual(result.exitCode, 0, result.summary, line: line)
        return try records(result.stdout)
    }

    private func records(_ output: String) throws -> [[String: Any]] {
        try ListenHarness.lines(output).map(ListenHarness.object)
    }

    private func bodies(_ records: [[String: Any]]) -> [String] {
        records.map { $0["body"] as? String ?? "<no body>" }
    }

    private func archiveIDs(_ records: [[String: Any]]) -> [String] {
        records.map { $0["archive_id"] as? String ?? "" }
    }

    /// How many different archive ids `records` have (a record without one adds none).
    private func distinctArchiveIDs(_ records: [[String: Any]]) -> Int {
        Set(archiveIDs(records).filter { !$0.isEmpty }).count
    }

    /// SIGTERM, then the clean exit 0 a signal gives.
    @discardableResult
    private func stop(_ listener: BackgroundCLI, line: UInt = #line) throws -> CLIResult {
        listener.send(signal: SIGTERM)
        let result = try listener.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.summary, line: line)
        return result
    }

    /// A record that came from the archive: marked so, with the archive's id, delayed, and
    /// with a stamp.
    private func assertArchived(_ record: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(record["archived"] as? Bool, true, "not marked archived: \(record)", file: file, line: line)
        XCTAssertEqual(record["delayed"] as? Bool, true, "not delayed: \(record)", file: file, line: line)
        XCTAssertFalse((record["archive_id"] as? String ?? "").isEmpty, "no archive_id: \(record)", file: file, line: line)
        XCTAssertNoThrow(try ListenHarness.date(record["stamp"]), "\(record)", file: file, line: line)
    }

    /// Polls for `condition` until `timeout`; fails with the listener's output if it exits
    /// first or the time passes.
    private func waitUntil(
        _ what: String, listener: BackgroundCLI? = nil, timeout: TimeInterval = 20, _ condition: () -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if let listener, !listener.isRunning, !condition() {
                throw HarnessError.unexpectedOutput(
                    "\(listener.command) exited while waiting for \(what); stdout: \(listener.stdout) stderr: \(listener.stderr)")
            }
            guard Date() < deadline else {
                throw HarnessError.timedOut("\(what) after \(timeout)s; stderr: \(listener?.stderr ?? "")")
            }
            usleep(20_000)
        }
    }

    private func waitForFile(_ url: URL, listener: BackgroundCLI? = nil, timeout: TimeInterval = 20) throws {
        try waitUntil("\(url.path) to exist", listener: listener, timeout: timeout) {
            FileManager.default.fileExists(atPath: url.path)
        }
    }

    private func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func rfc3339(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private func newRoom() -> String { "archive-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost" }

    /// A first run on a missing state file, stopped once it has written the file: the file
    /// then holds the archive's end, and the messages sent after are the ones to catch up on.
    private func makeStateFile(_ state: URL, _ extraOptions: [String] = []) throws {
        let first = try startListener(["--state", state.path, "--format", "json"] + extraOptions)
        try waitForFile(state, listener: first)
        let result = try stop(first)
        XCTAssertEqual(result.stdout, "", "a first run printed old messages")
    }

    // MARK: --state

    /// The main use: messages sent while no listener runs are printed by the next run, each
    /// once, in order, marked archived with their archive id; the run then goes on live. The
    /// state file is private (0600), and a third run prints none of them again, only what is
    /// new. (The account's archive is empty when the file is made: its end is its start.)
    func testStateCatchesUpOnWhatCameWhileDownThenOnlyOnWhatIsNew() throws {
        let state = scratch.appendingPathComponent("listen.state")
        try makeStateFile(state)
        try send("while down {n}", count: 3)

        let second = try startListener(["--state", state.path, "--format", "json", "--count", "4"])
        try second.waitForLines(3)
        try send("live one")
        let caughtUp = try records(of: second)
        XCTAssertEqual(bodies(caughtUp), ["while down 1", "while down 2", "while down 3", "live one"])
        caughtUp.prefix(3).forEach { assertArchived($0) }
        XCTAssertEqual(distinctArchiveIDs(caughtUp), 4, "archive ids not distinct: \(caughtUp)")
        XCTAssertEqual(try mode(state), 0o600)

        let third = try startListener(["--state", state.path, "--format", "json", "--count", "1"])
        try send("live two")
        XCTAssertEqual(bodies(try records(of: third)), ["live two"])
    }

    /// A missing state file means "from now": what the account received before is not
    /// printed (from the archive or from offline storage), and the file is written at once,
    /// before any message comes, private.
    func testFirstRunWithoutAStateFilePrintsNothingOld() throws {
        try send("old")
        let state = scratch.appendingPathComponent("fresh.state")
        let listener = try startListener(["--state", state.path, "--format", "json", "--count", "1"])
        try waitForFile(state, listener: listener)
        XCTAssertEqual(try mode(state), 0o600)
        try send("new")
        XCTAssertEqual(bodies(try records(of: listener)), ["new"])
    }

    /// The file written at start holds the archive's end: a listener killed (SIGKILL, no
    /// chance to save anything) before any message arrived still catches up next time, on
    /// what came after it started and on nothing older.
    func testListenerKilledBeforeAnyMessageStillCatchesUpNextTime() throws {
        try send("old")
        let state = scratch.appendingPathComponent("killed.state")
        let first = try startListener(["--state", state.path, "--format", "json"])
        try waitForFile(state, listener: first)
        kill(first.pid, SIGKILL)
        XCTAssertTrue(first.exits(within: 10))
        XCTAssertEqual(first.stdout, "", "the first run printed an old message")

        try send("while down")
        let second = try startListener(["--state", state.path, "--format", "json", "--count", "2"])
        try second.waitForLines(1)
        try send("live")
        let caughtUp = try records(of: second)
        XCTAssertEqual(bodies(caughtUp), ["while down", "live"])
        if let first = caughtUp.first { assertArchived(first) }
    }

    /// A name without "/" is kept in $XDG_DATA_HOME/xmpp-cli/listen/NAME, the file 0600 in a
    /// folder 0700.
    func testStateNameWithoutSlashIsKeptInTheDataFolder() throws {
        let folder = dataHome.appendingPathComponent("xmpp-cli/listen")
        let file = folder.appendingPathComponent("named-listener")
        let listener = try startListener(["--state", "named-listener"])
        try waitForFile(file, listener: listener)
        XCTAssertEqual(try mode(file), 0o600)
        XCTAssertEqual(try mode(folder), 0o700)
        try stop(listener)
    }

    /// `--count` ends a run after N records, archived ones included, and the position saved
    /// is that of the Nth: the next run starts right after it.
    func testPositionSurvivesCount() throws {
        let state = scratch.appendingPathComponent("count.state")
        try makeStateFile(state)
        try send("counted {n}", count: 3)

        let first = try listen(["--state", state.path, "--format", "json", "--count", "2"])
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertEqual(bodies(try records(first.stdout)), ["counted 1", "counted 2"])

        let second = try startListener(["--state", state.path, "--format", "json", "--count", "2"])
        try second.waitForLines(1)
        try send("counted live")
        XCTAssertEqual(bodies(try records(of: second)), ["counted 3", "counted live"])
    }

    /// With --state and --since, --since is for the archives the file has no position for:
    /// the first run (no file) starts from --since, the second from the saved position.
    func testSinceAppliesOnlyWhereTheStateFileHasNoPosition() throws {
        try send("before the first run")
        let state = scratch.appendingPathComponent("since.state")
        let first = try listen(["--state", state.path, "--since", "1h", "--format", "json", "--count", "1"])
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertEqual(bodies(try records(first.stdout)), ["before the first run"])

        try send("between the runs")
        let second = try listen(["--state", state.path, "--since", "1h", "--format", "json", "--count", "1"])
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertEqual(bodies(try records(second.stdout)), ["between the runs"])
    }

    /// A kill between handling a record and saving its position repeats that record at most:
    /// --exec blocks on "job 3" (after noting it), the listener is SIGKILLed there, and the
    /// next run handles the rest. Every job is handled, "job 3" at most twice, every other
    /// one once; archived ones have XMPP_ARCHIVED=1 and all have XMPP_ARCHIVE_ID.
    func testKillBetweenHandlingAndSavingRepeatsAtMostThatRecord() throws {
        let state = scratch.appendingPathComponent("exec.state")
        try makeStateFile(state)
        try send("job {n}", count: 5)

        let handled = scratch.appendingPathComponent("handled")
        let blocked = scratch.appendingPathComponent("blocked")
        let pidFile = scratch.appendingPathComponent("blocked.pid")
        let note = #"body=$(cat); printf '%s %s %s\n' "${XMPP_ARCHIVED:-live}" "${XMPP_ARCHIVE_ID:-none}" "$body" >> '\#(handled.path)'"#
        // The sleep is what gets killed, not a wait of the test's.
        let block = #"; if [ "$body" = 'job 3' ]; then echo $$ > '\#(pidFile.path)'; : > '\#(blocked.path)'; sleep 60; fi"#

        let blocking = try launch(["--state", state.path, "--exec", note + block])
        try waitForFile(blocked, listener: blocking, timeout: 30)
        let shell = try ProcessGroups.waitForPID(in: pidFile)
        kill(blocking.pid, SIGKILL)
        // The command's own process group outlives the listener: end it too.
        for pid in ProcessGroups.living(startedAs: shell) { kill(pid, SIGKILL) }
        ProcessGroups.assertGone(startedAs: shell)
        XCTAssertTrue(blocking.exits(within: 10), "SIGKILL did not end the listener")

        func entries() -> [HandledMessage] {
            let text = (try? String(contentsOf: handled, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(HandledMessage.init)
        }
        let firstRun = entries()
        XCTAssertEqual(firstRun.map(\.body), ["job 1", "job 2", "job 3"])

        let resumed = try startListener(["--state", state.path, "--exec", note])
        try waitUntil("job 5 to be handled", listener: resumed) { entries().contains { $0.body == "job 5" } }
        try send("job 6")
        try waitUntil("job 6 to be handled", listener: resumed) { entries().contains { $0.body == "job 6" } }
        try stop(resumed)

        let all = entries()
        let secondRun = all.dropFirst(firstRun.count).map(\.body)
        XCTAssertTrue(
            [["job 3", "job 4", "job 5", "job 6"], ["job 4", "job 5", "job 6"]].contains(secondRun),
            "the second run handled \(secondRun)")
        for number in 1...6 {
            let times = all.filter { $0.body == "job \(number)" }.count
            if number == 3 {
                XCTAssertTrue((1...2).contains(times), "job 3 handled \(times) times")
            } else {
                XCTAssertEqual(times, 1, "job \(number) handled \(times) times: \(all.map(\.body))")
            }
        }
        for entry in all where entry.body != "job 6" {
            XCTAssertEqual(entry.archived, "1", "\(entry.body) not XMPP_ARCHIVED=1")
        }
        XCTAssertFalse(all.contains { $0.id == "none" || $0.id.isEmpty }, "no XMPP_ARCHIVE_ID: \(all)")
        XCTAssertEqual(Set(all.filter { $0.body == "job 3" }.map(\.id)).count, 1, "job 3 under two archive ids")
    }

    /// A state file that is not in the format is a configuration error (78) naming the file.
    func testCorruptStateFileIsExit78NamingIt() throws {
        let state = scratch.appendingPathComponent("corrupt.state")
        try Data([0xFF, 0xFE, 0x00] + Array("not a listen state {{{\n".utf8)).write(to: state)
        let result = try listen(["--state", state.path, "--count", "1", "--duration", "10"])
        assertFailure(result, exitCode: 78, secrets: [receiver.password])
        XCTAssertTrue(result.stderr.contains(state.path), result.summary)
    }

    /// Two listeners on one state file would each overwrite the other's positions: the
    /// second is refused (78, "in use") and the first goes on.
    func testSecondListenerOnTheSameStateFileIsRefused() throws {
        let state = scratch.appendingPathComponent("shared.state")
        let first = try startListener(["--state", state.path, "--format", "json", "--count", "1"])
        try waitForFile(state, listener: first)
        let second = try listen(["--state", state.path, "--count", "1", "--duration", "10"])
        assertFailure(second, exitCode: 78, secrets: [receiver.password])
        XCTAssertTrue(second.stderr.contains("in use"), second.summary)
        XCTAssertTrue(first.isRunning, "the first listener ended: \(first.stderr)")
        try send("for the first listener")
        XCTAssertEqual(bodies(try records(of: first)), ["for the first listener"])
    }

    // MARK: --since

    /// `--since 1h` prints what was archived in the last hour (not what the account sent
    /// itself), then goes on live; `--since 1h30m` (a combined duration) prints the same; in
    /// text an archived record says "(archived)" after the sender.
    func testSinceADurationPrintsWhatWasArchivedSince() throws {
        try send("earlier 1")
        try Peer.send(as: receiver, to: server.alice.jid, on: server, body: "sent by the listener's account", scratch: scratch)
        try send("earlier 2")
        let listened = Date()

        let listener = try startListener(["--since", "1h", "--format", "json", "--count", "3"])
        try listener.waitForLines(2)
        try send("live")
        let printed = try records(of: listener)
        XCTAssertEqual(bodies(printed), ["earlier 1", "earlier 2", "live"])
        for record in printed.prefix(2) {
            assertArchived(record)
            XCTAssertEqual(bareJID(record["from"] as? String), server.alice.jid, "\(record)")
            let stamp = try ListenHarness.date(record["stamp"])
            // Stamps have whole seconds: the time the server archived it, before the listener.
            XCTAssertTrue(stamp >= started.addingTimeInterval(-1.5) && stamp <= listened, "stamp \(stamp): \(record)")
        }
        XCTAssertEqual(distinctArchiveIDs(printed), 3, "archive ids missing or repeated: \(printed)")

        let combined = try listen(["--since", "1h30m", "--format", "json", "--count", "3"])
        XCTAssertEqual(combined.exitCode, 0, combined.summary)
        XCTAssertEqual(bodies(try records(combined.stdout)), ["earlier 1", "earlier 2", "live"])

        let text = try listen(["--since", "1h", "--count", "1"])
        XCTAssertEqual(text.exitCode, 0, text.summary)
        XCTAssertNotNil(
            text.stdout.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ alice@localhost/[^ ]+ \(archived\).*: earlier 1\n$"#,
                options: .regularExpression),
            text.stdout)
    }

    /// `--since` an RFC 3339 time prints what was archived from then on, not what was before.
    func testSinceATimePrintsOnlyWhatCameAfterIt() throws {
        try send("before the cut")
        // A whole second after the first message was archived (the server compares whole seconds).
        let cut = ListenHarness.waitForTheSecondAfter(Date())
        try send("after the cut")

        let listener = try startListener(["--since", rfc3339(cut), "--format", "json", "--count", "2"])
        try listener.waitForLines(1)
        try send("live")
        let printed = try records(of: listener)
        XCTAssertEqual(bodies(printed), ["after the cut", "live"])
        guard let first = printed.first else { return }
        assertArchived(first)
        XCTAssertGreaterThanOrEqual(try ListenHarness.date(first["stamp"]), cut, "\(first)")
    }

    /// Live records (with --since) carry the id the server archived them under, and are not
    /// marked archived: `--since` the first one's id prints the later ones, with those ids.
    /// (The second live message is sent once the first is printed, so the catch-up is over:
    /// it can only arrive live.)
    func testLiveRecordsCarryTheirArchiveID() throws {
        try send("archived before")
        let listener = try startListener(["--since", "1h", "--format", "json", "--count", "3"])
        try listener.waitForLines(1)
        try send("live 1")
        try listener.waitForLines(2)
        try send("live 2")
        let printed = try records(of: listener)
        XCTAssertEqual(bodies(printed), ["archived before", "live 1", "live 2"])
        guard printed.count == 3 else { return }
        assertArchived(printed[0])
        XCTAssertFalse(archiveIDs(printed).contains(""), "a record without archive_id: \(printed)")
        XCTAssertNil(printed[2]["archived"], "a live record has an archived key: \(printed[2])")
        XCTAssertEqual(printed[2]["delayed"] as? Bool, false, "\(printed[2])")

        let after = try listen(["--since", archiveIDs(printed)[0], "--format", "json", "--count", "2"])
        XCTAssertEqual(after.exitCode, 0, after.summary)
        let later = try records(after.stdout)
        XCTAssertEqual(bodies(later), ["live 1", "live 2"])
        XCTAssertEqual(archiveIDs(later), Array(archiveIDs(printed).dropFirst()), "live archive_ids are not the archive's")
        later.forEach { assertArchived($0) }
    }

    /// An archive id the server does not know: exit 1 with the server's item-not-found, not
    /// a usage error (it could be an id, so it is not parsed as a time).
    func testSinceAnUnknownArchiveIDIsExit1() throws {
        try send("something archived")
        let result = try listen(["--since", "no-such-archive-id", "--count", "1", "--duration", "10"])
        assertFailure(result, exitCode: 1, secrets: [receiver.password])
        XCTAssertTrue(result.stderr.contains("item-not-found"), result.summary)
    }

    /// --exec gets XMPP_ARCHIVE_ID for every message and XMPP_ARCHIVED=1 for the archived
    /// ones only.
    func testExecGetsTheArchiveIDAndArchivedForArchivedRecords() throws {
        try send("archived before")
        let log = scratch.appendingPathComponent("exec.log")
        let command = #"printf '%s|%s|%s\n' "${XMPP_ARCHIVED-unset}" "${XMPP_ARCHIVE_ID-unset}" "$(cat)" >> '\#(log.path)'"#
        let listener = try startListener(["--since", "1h", "--exec", command, "--count", "3"])
        func entries() -> [[String]] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map {
                $0.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            }
        }
        try waitUntil("the archived message to be handled", listener: listener) { entries().count >= 1 }
        try send("live 1")
        try waitUntil("live 1 to be handled", listener: listener) { entries().count >= 2 }
        try send("live 2")
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)

        let handled = entries()
        XCTAssertEqual(handled.map { $0.last ?? "" }, ["archived before", "live 1", "live 2"])
        guard handled.count == 3, handled.allSatisfy({ $0.count == 3 }) else { return }
        XCTAssertEqual(handled[0][0], "1", "XMPP_ARCHIVED for an archived record")
        XCTAssertEqual(handled[2][0], "unset", "XMPP_ARCHIVED set for a live record")
        let ids = handled.map { $0[1] }
        XCTAssertFalse(ids.contains("unset") || ids.contains(""), "XMPP_ARCHIVE_ID missing: \(handled)")
        XCTAssertEqual(Set(ids).count, 3)
    }

    /// A catch-up longer than two pages (120 archived messages; Prosody gives 50 a page)
    /// while bob sends 30 more live, from the moment the first archived record is printed:
    /// every message exactly once, the archive in order, then the live ones in order.
    func testMessagesArrivingDuringTheCatchUpArePrintedOnceInOrder() throws {
        try send("backlog {n}", count: 120)
        let burst = try ReadySender(from: server.bob, to: receiver.jid, body: "live {n}", count: 30, on: server, scratch: scratch)
        let listener = try launch(["--since", rfc3339(started.addingTimeInterval(-1)), "--format", "json", "--count", "150"])
        try listener.waitForLines(1, timeout: 30)
        try burst.go()
        let printed = try records(of: listener, timeout: 90)
        try burst.finish()

        let expected = (1...120).map { "backlog \($0)" } + (1...30).map { "live \($0)" }
        XCTAssertEqual(bodies(printed), expected)
        XCTAssertTrue(printed.prefix(120).allSatisfy { $0["archived"] as? Bool == true }, "a backlog record not archived")
        XCTAssertEqual(distinctArchiveIDs(printed), 150, "archive ids missing or repeated")
    }

    // MARK: Rooms

    /// `--room --since`: what the room archived before is printed once each, archived, with
    /// room and nick like a live room record, then the live room message; no MUC history
    /// (which would repeat the old messages).
    func testRoomArchiveIsPrintedOnceThenLiveRoomMessages() throws {
        let room = newRoom()
        let resident = try ListenHarness.startRoomResident(
            as: server.alice, room: room, nick: "resident", body: "room before 1", on: server, scratch: scratch)
        defer { resident.terminate() }
        try ListenHarness.postToRoom(as: server.bob, room: room, nick: "poster", body: "room before 2", on: server, scratch: scratch)

        let listener = try startListener(["--room", room, "--nick", "watcher", "--since", "1h", "--format", "json", "--count", "3"])
        try listener.waitForLines(2)
        try ListenHarness.postToRoom(
            as: server.bob, room: room, nick: "poster", waitFor: ["watcher"], body: "room live", on: server, scratch: scratch)
        let printed = try records(of: listener)
        XCTAssertEqual(bodies(printed), ["room before 1", "room before 2", "room live"])
        XCTAssertEqual(printed.map { $0["nick"] as? String ?? "" }, ["resident", "poster", "poster"])
        XCTAssertEqual(Set(printed.map { $0["room"] as? String ?? "" }), [room])
        XCTAssertEqual(Set(printed.map { $0["type"] as? String ?? "" }), ["groupchat"])
        printed.prefix(2).forEach { assertArchived($0) }
        XCTAssertEqual(distinctArchiveIDs(printed), 3, "archive ids missing or repeated: \(printed)")
    }

    /// `--state` keeps a position per room: a second run prints only what the room got
    /// while it was down, then live; the first run (no file) printed nothing of the room's
    /// past.
    func testRoomPositionSurvivesARestart() throws {
        let room = newRoom()
        let resident = try ListenHarness.startRoomResident(
            as: server.alice, room: room, nick: "resident", body: "room old", on: server, scratch: scratch)
        defer { resident.terminate() }
        let state = scratch.appendingPathComponent("room.state")
        let options = ["--state", state.path, "--room", room, "--nick", "watcher", "--format", "json"]

        let first = try startListener(options + ["--count", "1"])
        try waitForFile(state, listener: first)
        try ListenHarness.postToRoom(
            as: server.bob, room: room, nick: "poster", waitFor: ["watcher"], body: "room first live", on: server, scratch: scratch)
        XCTAssertEqual(bodies(try records(of: first)), ["room first live"])

        try ListenHarness.postToRoom(as: server.bob, room: room, nick: "poster", body: "room while down", on: server, scratch: scratch)
        let second = try startListener(options + ["--count", "2"])
        try second.waitForLines(1)
        try ListenHarness.postToRoom(
            as: server.bob, room: room, nick: "poster", waitFor: ["watcher"], body: "room second live", on: server, scratch: scratch)
        let printed = try records(of: second)
        XCTAssertEqual(bodies(printed), ["room while down", "room second live"])
        guard let caughtUp = printed.first else { return }
        assertArchived(caughtUp)
        XCTAssertEqual(caughtUp["room"] as? String, room)
        XCTAssertEqual(caughtUp["nick"] as? String, "poster")
    }
}

/// What `listen --since` refuses: an archive id with rooms (a usage error, checked before
/// connecting, so the shared server does), and a server that keeps no archive (a Prosody of
/// its own without mod_mam and mod_muc_mam).
final class ListenArchiveRefusalTests: XCTestCase {
    /// An archive id belongs to one archive: with --room there are several (64).
    func testSinceAnIDWithRoomIsAUsageError() throws {
        let server = try ProsodyServer.shared
        let account = try ListenHarness.account("listener2", on: server)
        let room = "archive-\(UUID().uuidString.prefix(8).lowercased())@conference.localhost"
        let result = try runCLI(
            ["listen"] + ListenHarness.connection(account, server)
                + ["--since", "aWM3u0meJRC1_BgI6rOb-DAc", "--room", room, "--count", "1", "--duration", "10"],
            environment: ["XMPP_PASSWORD": account.password], timeout: 60)
        assertFailure(result, exitCode: 64, secrets: [account.password])
    }

    /// A server that keeps no archive cannot catch anyone up: --since and --state exit 1 with
    /// one line that says so.
    func testServerWithoutArchiveRefusesSinceAndState() throws {
        let plain = try ProsodyServer.startOwn(extraArguments: ["--no-mam"])
        defer { plain.stop() }
        let scratch = try makeScratchDirectory()
        let account = try ListenHarness.account("listener1", on: plain)
        for options in [["--since", "1h"], ["--state", scratch.appendingPathComponent("no-mam.state").path]] {
            let result = try runCLI(
                ["listen"] + ListenHarness.connection(account, plain) + options + ["--count", "1", "--duration", "10"],
                environment: ["XMPP_PASSWORD": account.password, "XDG_DATA_HOME": scratch.appendingPathComponent("data").path],
                timeout: 60)
            assertFailure(result, exitCode: 1, secrets: [account.password])
            XCTAssertTrue(result.stderr.contains("archive"), result.summary)
        }
    }
}

/// One line of the kill test's --exec log: "XMPP_ARCHIVED XMPP_ARCHIVE_ID body".
private struct HandledMessage: CustomStringConvertible {
    let archived: String
    let id: String
    let body: String

    init(_ line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
        archived = fields.first ?? ""
        id = fields.count > 1 ? fields[1] : ""
        body = fields.count > 2 ? fields[2] : ""
    }

    var description: String { "\(body) [archived: \(archived), id: \(id)]" }
}
