import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// What the presence and roster tests share: the accounts they keep to themselves, running
// `xmpp-cli` as one of them (to completion or in the background), and slixmpp watching
// what the server tells another client.

extension ProsodyServer {
    /// An account that prosody/start registered, by name (dave, erin, ...), read from its
    /// env file.
    func account(_ name: String) throws -> TestAccount {
        let values = parseEnvironmentFile(
            try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8))
        let key = "XMPP_TEST_\(name.uppercased())"
        guard let jid = values["\(key)_JID"], let password = values["\(key)_PASSWORD"] else {
            throw HarnessError.missing("account \(name) (is it in prosody/start's list?)")
        }
        return TestAccount(jid: jid, password: password)
    }

    /// The connection options that log `account` in here.
    func connectionArguments(_ account: TestAccount) -> [String] {
        ["-j", account.jid, "--server", starttlsAddress, "--tls", "starttls", "--ca-file", caFile, "--timeout", "20"]
    }

    /// Runs `xmpp-cli COMMAND... [connection options] ARGUMENTS...` as `account`.
    func run(_ command: [String], as account: TestAccount, _ arguments: [String] = []) throws -> CLIResult {
        try runCLI(
            command + connectionArguments(account) + arguments, environment: ["XMPP_PASSWORD": account.password])
    }

    /// Like `run`, but fails the test unless the command exits 0; returns its stdout.
    @discardableResult
    func succeed(
        _ command: [String], as account: TestAccount, _ arguments: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let result = try run(command, as: account, arguments)
        XCTAssertEqual(result.exitCode, 0, result.summary, file: file, line: line)
        return result.stdout
    }

    /// Starts `xmpp-cli` as `account` without waiting for it, for commands that stay online.
    /// Its environment is as bare as `runCLI`'s: no XMPP_* variable and a home of its own.
    func start(_ command: [String], as account: TestAccount, _ arguments: [String] = [], scratch: URL) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment["HOME"] = scratch.appendingPathComponent("home").path
        environment["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("home/config").path
        environment["XDG_STATE_HOME"] = scratch.appendingPathComponent("home/state").path
        environment["XMPP_PASSWORD"] = account.password
        return try ChildProcess(
            try SupportPaths.cliBinary(), command + connectionArguments(account) + arguments,
            environment: environment, outputIn: scratch)
    }
}

/// One JSON Lines record, as a dictionary.
typealias JSONRecord = [String: Any]

/// Parses JSON Lines, failing the test on any line that is not a JSON object.
func jsonLines(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [JSONRecord] {
    text.split(separator: "\n").compactMap { row in
        let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? JSONRecord
        if object == nil { XCTFail("not a JSON object: \(row)", file: file, line: line) }
        return object
    }
}

/// The bare part of a JID.
func bare(_ jid: String?) -> String? { jid.map { String($0.prefix { $0 != "/" }) } }

/// slixmpp (Tests/Support/peers/watch.py) logged in as another client: online once created,
/// it records each presence and roster push it receives, and pings the resources of
/// `pingContact` that come online.
final class WatchingPeer {
    private let child: ChildProcess
    let account: TestAccount
    /// The full JID the peer is bound to.
    let jid: String

    init(
        as account: TestAccount, on server: ProsodyServer, show: String? = nil, status: String? = nil,
        priority: Int? = nil, pingContact: String? = nil, scratch: URL
    ) throws {
        self.account = account
        let resource = "watch-\(UUID().uuidString.prefix(8))"
        let readyFile = scratch.appendingPathComponent("ready-\(resource)")
        var arguments = [
            SupportPaths.support.appendingPathComponent("peers/watch.py").path, "--jid", account.jid,
            "--host", server.host, "--port", String(server.starttlsPort), "--ca", server.caFile,
            "--timeout", "60", "--ready-file", readyFile.path, "--resource", resource,
        ]
        if let show { arguments += ["--show", show] }
        if let status { arguments += ["--status", status] }
        if let priority { arguments += ["--priority", String(priority)] }
        if let pingContact { arguments += ["--ping-contact", pingContact] }
        child = try ChildProcess(
            SupportPaths.python, arguments, environment: Peer.peerEnvironment(password: account.password),
            outputIn: scratch)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: readyFile.path) {
            guard child.isRunning else {
                throw HarnessError.failedToStart("watch.py as \(account.jid): \(child.output().stderr)")
            }
            guard Date() < deadline else {
                child.terminate()
                throw HarnessError.timedOut("watch.py as \(account.jid) never came online: \(child.output().stderr)")
            }
            usleep(20_000)
        }
        jid = try String(contentsOf: readyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything recorded so far.
    var records: [JSONRecord] { jsonLines(child.output().stdout) }

    /// Waits for a record of `kind` that satisfies `matches` and returns it; throws when
    /// none comes within `timeout` seconds.
    @discardableResult
    func waitFor(
        _ kind: String, timeout: TimeInterval = 10, _ what: String, where matches: (JSONRecord) -> Bool
    ) throws -> JSONRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let record = records.first(where: { $0["kind"] as? String == kind && matches($0) }) { return record }
            guard Date() < deadline else {
                throw HarnessError.timedOut("\(account.jid)'s watcher saw no \(what); it saw \(records)")
            }
            guard child.isRunning else {
                throw HarnessError.unexpectedOutput("watch.py as \(account.jid) ended: \(child.output().stderr)")
            }
            usleep(20_000)
        }
    }

    /// Ends the peer with SIGTERM: it closes its stream cleanly.
    func stop() throws {
        guard child.isRunning else { return }
        kill(child.pid, SIGTERM)
        try child.wait(timeout: 10)
    }

    deinit { try? stop() }
}
