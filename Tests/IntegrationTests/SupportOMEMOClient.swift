import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `xmpp-cli` as one OMEMO device of `account`: every run gets this device's own data and
/// cache folders (so its store `$XDG_DATA_HOME/xmpp-cli/omemo/JID/` is the test's alone) and
/// config folder, and the connection options for the test server.
struct OMEMOClient {
    let account: TestAccount
    let server: ProsodyServer
    let home: URL

    init(_ account: TestAccount, on server: ProsodyServer, home: URL) {
        self.account = account
        self.server = server
        self.home = home
    }

    var dataHome: URL { home.appendingPathComponent("data") }
    var configHome: URL { home.appendingPathComponent("config") }

    var environment: [String: String] {
        [
            "XMPP_PASSWORD": account.password, "XDG_DATA_HOME": dataHome.path,
            "XDG_CACHE_HOME": home.appendingPathComponent("cache").path, "XDG_CONFIG_HOME": configHome.path,
        ]
    }

    var connection: [String] { ListenHarness.connection(account, server) }

    /// The store of this account: the bare JID percent-encoded ("alice%40localhost").
    var storeDirectory: URL {
        let name = account.jid.lowercased().replacingOccurrences(of: "@", with: "%40")
        return dataHome.appendingPathComponent("xmpp-cli/omemo/\(name)")
    }

    /// `xmpp-cli COMMAND... [connection] ARGUMENTS...`.
    func run(_ command: [String], _ arguments: [String] = [], stdin: String? = nil, timeout: TimeInterval = 60) throws -> CLIResult {
        try runCLI(command + connection + arguments, environment: environment, stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// `send [--omemo] -m BODY RECIPIENT...`.
    func send(_ body: String, to recipients: [String], omemo: Bool = true, _ options: [String] = []) throws -> CLIResult {
        try run(["send"], (omemo ? ["--omemo"] : []) + options + ["-m", body] + recipients)
    }

    /// `send --omemo`, which must succeed.
    func sendEncrypted(_ body: String, to recipient: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try send(body, to: [recipient])
        guard result.exitCode == 0 else {
            XCTFail("send --omemo to \(recipient): \(result.summary)", file: file, line: line)
            throw HarnessError.unexpectedOutput(result.summary)
        }
    }

    /// A message in the clear (the marker after which nothing else can come).
    func sendPlain(_ body: String, to recipient: String) throws {
        let result = try send(body, to: [recipient], omemo: false)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput("plain send to \(recipient): \(result.summary)") }
    }

    /// `omemo fingerprint`: this device's fingerprint (the device made and published first).
    func fingerprint() throws -> String {
        let result = try run(["omemo", "fingerprint"])
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput(result.summary) }
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// `omemo devices --format json JID...`, one entry per line.
    func devices(_ jids: [String]) throws -> [OMEMODeviceLine] {
        let result = try run(["omemo", "devices"], ["--format", "json"] + jids)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput(result.summary) }
        return try ListenHarness.lines(result.stdout).map { line in
            let object = try ListenHarness.object(line)
            guard let jid = object["jid"] as? String, let device = object["device"] as? Int,
                let trust = object["trust"] as? String
            else { throw HarnessError.unexpectedOutput("omemo devices --format json: \(line)") }
            return OMEMODeviceLine(jid: jid, device: device, fingerprint: object["fingerprint"] as? String, trust: trust)
        }
    }

    /// `omemo devices JID...` as text: "JID DEVICE FINGERPRINT TRUST", where the fingerprint
    /// is 8 groups (so holds blanks): the first two words, the last, and the 8 between.
    func devicesText(_ jids: [String]) throws -> [OMEMODeviceLine] {
        let result = try run(["omemo", "devices"], jids)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput(result.summary) }
        return try ListenHarness.lines(result.stdout).map { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count == 11, let device = Int(words[1]) else {
                throw HarnessError.unexpectedOutput("omemo devices: not JID DEVICE FINGERPRINT(8 groups) TRUST: \(line)")
            }
            return OMEMODeviceLine(
                jid: words[0], device: device, fingerprint: words[2..<10].joined(separator: " "), trust: words[10])
        }
    }

    /// `omemo trust|distrust JID FINGERPRINT`.
    func setTrust(_ verb: String, _ jid: String, _ fingerprint: String) throws -> CLIResult {
        try run(["omemo", verb], [jid, fingerprint])
    }

    /// `listen -v OPTIONS` in the background, returned once it says it is online.
    func startListener(_ options: [String]) throws -> BackgroundCLI {
        let listener = try BackgroundCLI(["listen"] + connection + ["-v"] + options, environment: environment)
        try listener.waitForStderr(containing: "listening as", timeout: 30)
        return listener
    }

    /// `listen OPTIONS` to its end (`--count`), which must be exit 0; its JSON records.
    func listen(_ options: [String], timeout: TimeInterval = 30) throws -> [[String: Any]] {
        let result = try run(["listen"], ["--format", "json"] + options, timeout: timeout)
        guard result.exitCode == 0 else { throw HarnessError.unexpectedOutput(result.summary) }
        return try ListenHarness.lines(result.stdout).map(ListenHarness.object)
    }

    /// The device id written in the store's `device` file.
    func storedDeviceID() throws -> Int {
        guard let id = try storedValue("device-id").flatMap({ Int($0) }) else {
            throw HarnessError.unexpectedOutput("no device-id line in \(storeDirectory.path)/device")
        }
        return id
    }

    /// The fingerprint of the store's identity key (its public half without the 05 type
    /// byte), grouped: what `omemo fingerprint` must show, worked out here on our own.
    func storedFingerprint() throws -> String {
        guard let key = try storedValue("identity"), key.count == 66, key.hasPrefix("05") else {
            throw HarnessError.unexpectedOutput("no identity line of 05 + 64 hex digits in \(storeDirectory.path)/device")
        }
        return OMEMOFingerprint.grouped(String(key.dropFirst(2)))
    }

    /// The first word after `key` on the device file's line that starts with it.
    private func storedValue(_ key: String) throws -> String? {
        let text = try String(contentsOf: storeDirectory.appendingPathComponent("device"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.first == Substring(key), words.count >= 2 { return String(words[1]) }
        }
        return nil
    }
}

/// One device as `omemo devices` lists it.
struct OMEMODeviceLine: Equatable, CustomStringConvertible {
    let jid: String
    let device: Int
    let fingerprint: String?
    let trust: String

    var description: String { "\(jid) \(device) \(fingerprint ?? "-") \(trust)" }
}

/// One Prosody per test class (stale device ids stay published on a server, so the OMEMO
/// tests use none that others used): started by the class's first test, stopped by its
/// class tearDown.
final class ClassProsody: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<ProsodyServer, any Error>?
    /// Arguments for prosody/start (`--upload LIMIT`).
    private let extraArguments: [String]

    init(extraArguments: [String] = []) {
        self.extraArguments = extraArguments
    }

    func get() throws -> ProsodyServer {
        lock.lock()
        defer { lock.unlock() }
        if result == nil { result = Result { try ProsodyServer.startOwn(extraArguments: extraArguments) } }
        return try result!.get()
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        if case .success(let server)? = result {
            server.stop()
            // stop also ends the watcher that would have removed the directory at exit.
            try? FileManager.default.removeItem(at: server.directory)
        }
        result = nil
    }
}

/// What the OMEMO tests check in the server's data directory (its offline store, its MAM
/// archive, everything under it), with grep -r as an outsider would.
enum OMEMOServerFiles {
    /// Whether `text` appears in any file under the server's data directory.
    static func contain(_ text: String, on server: ProsodyServer) throws -> Bool {
        let outcome = try runProcess(
            URL(fileURLWithPath: "/bin/grep"), ["-rqF", "--", text, server.directory.path], timeout: 30,
            outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 || outcome.exitCode == 1 else {
            throw HarnessError.unexpectedOutput("grep -r in \(server.directory.path) exited \(outcome.exitCode): \(outcome.stderr)")
        }
        return outcome.exitCode == 0
    }

    /// The fallback body that xmpp-cli puts beside every OMEMO message.
    static let xmppCLIFallback = "I sent you an OMEMO encrypted message"
    /// The omemo peer's fallback body.
    static let peerFallback = "This message is OMEMO encrypted"

    /// None of `secrets` is anywhere on the server, while each of `controls` (text that was
    /// sent in the clear, or a fallback body) is: so grep would have seen a plaintext.
    static func assertOnlyControls(
        secrets: [String], controls: [String], on server: ProsodyServer, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for control in controls {
            XCTAssertTrue(
                try contain(control, on: server),
                "'\(control)' is not in \(server.directory.path): grep would not find a plaintext either", file: file, line: line)
        }
        for secret in secrets {
            XCTAssertFalse(
                try contain(secret, on: server), "the plaintext '\(secret)' is on the server (\(server.directory.path))",
                file: file, line: line)
        }
    }
}

/// Text no other run sends: bodies the tests look for, on the peer and on the server.
func omemoToken(_ label: String) -> String {
    "omemo-\(label)-\(UUID().uuidString.prefix(13).lowercased())"
}

/// Stat of a path, not following a final symlink: its permission bits and type.
func omemoMode(_ url: URL) throws -> (permissions: mode_t, isDirectory: Bool, isRegular: Bool) {
    var status = stat()
    guard lstat(url.path, &status) == 0 else { throw HarnessError.missing("\(url.path): \(String(cString: strerror(errno)))") }
    return (status.st_mode & 0o7777, status.st_mode & S_IFMT == S_IFDIR, status.st_mode & S_IFMT == S_IFREG)
}
