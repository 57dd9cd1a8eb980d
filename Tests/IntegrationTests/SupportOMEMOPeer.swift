import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The independent OMEMO peer (Tests/Support/omemo/omemo_peer.py: slixmpp with slixmpp-omemo,
/// legacy OMEMO only, blind trust) as the other end of the OMEMO tests: started in the
/// background with a store directory of the test's, driven through its JSON-lines interface
/// (commands on stdin, events on stdout), with a deadline on every wait.
final class OMEMOPeer {
    /// The virtualenv Python that scripts/install-omemo-peer makes (`make test` runs it).
    static let python = SupportPaths.packageRoot.appendingPathComponent(".build/omemo-venv/bin/python")
    static let script = SupportPaths.support.appendingPathComponent("omemo/omemo_peer.py")

    /// Fails (never skips) when the peer is not installed.
    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw HarnessError.missing(
                "the OMEMO peer's virtualenv \(python.path): run scripts/install-omemo-peer (make test does)")
        }
    }

    let account: TestAccount
    let store: URL
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let stderrURL: URL
    private var events: [OMEMOPeerEvent] = []
    private let stream = PeerStream()
    private var taken = Set<Int>()
    /// The `ready` event's values, once it came.
    private(set) var fullJID = ""
    private(set) var device = 0
    /// 64 lowercase hex digits, as the peer prints it.
    private(set) var fingerprint = ""
    /// The fingerprint as xmpp-cli shows it: 8 groups of 8 digits.
    var groupedFingerprint: String { OMEMOFingerprint.grouped(fingerprint) }

    /// Starts the peer as `account` on `server`, its state in `store` (kept between runs),
    /// and returns once it printed `ready`: logged in, initial presence sent, its device list
    /// and bundle published.
    static func start(
        _ account: TestAccount, on server: ProsodyServer, store: URL, scratch: URL, lifetime: TimeInterval = 150
    ) throws -> OMEMOPeer {
        let peer = try OMEMOPeer(account, server: server, store: store, scratch: scratch, lifetime: lifetime)
        try peer.waitForReady()
        return peer
    }

    private init(_ account: TestAccount, server: ProsodyServer, store: URL, scratch: URL, lifetime: TimeInterval) throws {
        try Self.requireInstalled()
        Self.ignoreSIGPIPE
        self.account = account
        self.store = store
        let name = "omemo-peer-\(account.jid.prefix { $0 != "@" })-\(UUID().uuidString.prefix(8))"
        stderrURL = scratch.appendingPathComponent("\(name).stderr")
        let passwordFile = scratch.appendingPathComponent("\(name).password")
        guard FileManager.default.createFile(atPath: passwordFile.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        else { throw HarnessError.failedToStart("cannot create the OMEMO peer's files in \(scratch.path)") }
        // Written into the file made 0600 above: never readable by others, not even for a moment.
        let passwordHandle = try FileHandle(forWritingTo: passwordFile)
        try passwordHandle.write(contentsOf: Data((account.password + "\n").utf8))
        try passwordHandle.close()
        process.executableURL = Self.python
        process.arguments = [
            Self.script.path, "--jid", account.jid, "--password-file", passwordFile.path, "--host", server.host,
            "--port", String(server.starttlsPort), "--ca", server.caFile, "--store", store.path,
            "--timeout", String(Int(lifetime)),
        ]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let stream = self.stream
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stream.changed.lock()
            if data.isEmpty {
                handle.readabilityHandler = nil
                stream.ended = true
            } else {
                stream.pending.append(data)
            }
            stream.changed.broadcast()
            stream.changed.unlock()
        }
        process.terminationHandler = { _ in
            stream.changed.lock()
            stream.changed.broadcast()
            stream.changed.unlock()
        }
        do {
            try process.run()
        } catch {
            throw HarnessError.failedToStart("omemo_peer.py as \(account.jid): \(error)")
        }
    }

    deinit { terminate() }

    /// A write to a peer that has gone must be an error, not the end of the test process.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    var isRunning: Bool { process.isRunning }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    private var who: String { "the OMEMO peer \(account.jid) (store \(store.lastPathComponent))" }

    private func waitForReady(timeout: TimeInterval = 40) throws {
        let ready = try expect("ready", timeout: timeout) { $0.event == "ready" || ($0.event == "error" && $0["cmd"] == nil) }
        guard ready.event == "ready", let jid = ready["jid"] as? String, let device = ready["device"] as? Int,
            let fingerprint = ready["fingerprint"] as? String
        else { throw HarnessError.failedToStart("\(who): \(ready.line); stderr: \(stderr)") }
        (fullJID, self.device, self.fingerprint) = (jid, device, fingerprint)
    }

    // MARK: Events

    /// Every event so far, in the order printed.
    func allEvents() -> [OMEMOPeerEvent] {
        stream.changed.lock()
        defer { stream.changed.unlock() }
        splitEvents()
        return events
    }

    /// The message events so far, key-transport messages (no payload) left out.
    func receivedMessages() -> [OMEMOPeerEvent] {
        allEvents().filter { $0.event == "message" && !$0.keyTransport }
    }

    /// Waits for the first event not taken by an earlier `expect` that matches, takes and
    /// returns it; throws when the peer exits or `timeout` passes first.
    @discardableResult
    func expect(_ what: String, timeout: TimeInterval = 20, _ matches: (OMEMOPeerEvent) -> Bool) throws -> OMEMOPeerEvent {
        let deadline = Date().addingTimeInterval(timeout)
        stream.changed.lock()
        defer { stream.changed.unlock() }
        while true {
            splitEvents()
            if let index = events.indices.first(where: { !taken.contains($0) && matches(events[$0]) }) {
                taken.insert(index)
                return events[index]
            }
            if !process.isRunning && stream.ended {
                throw HarnessError.unexpectedOutput(
                    "\(who) exited \(process.terminationStatus) while waiting for \(what); events: \(eventLines()); stderr: \(stderr)")
            }
            guard stream.changed.wait(until: deadline) || Date() < deadline else {
                throw HarnessError.timedOut("\(who): no \(what) after \(timeout)s; events: \(eventLines()); stderr: \(stderr)")
            }
        }
    }

    /// The next message (with a payload) from `sender`'s bare JID.
    @discardableResult
    func nextMessage(from sender: String, timeout: TimeInterval = 20) throws -> OMEMOPeerEvent {
        try expect("a message from \(sender)", timeout: timeout) {
            $0.event == "message" && !$0.keyTransport && $0.fromBare == sender
        }
    }

    /// Waits for the plain (unencrypted) message `marker` from `sender`, then takes and
    /// returns the other messages (with a payload) from `sender` that no `expect` took yet.
    /// Messages from one sender arrive in order, so whatever it sent before the marker is in
    /// there.
    func messages(from sender: String, before marker: String, timeout: TimeInterval = 20) throws -> [OMEMOPeerEvent] {
        try expect("the marker \(marker)", timeout: timeout) {
            $0.event == "message" && $0.fromBare == sender && $0.body == marker
        }
        let left = events.indices.filter {
            !taken.contains($0) && events[$0].event == "message" && !events[$0].keyTransport && events[$0].fromBare == sender
        }
        taken.formUnion(left)
        return left.map { events[$0] }
    }

    private func eventLines() -> String { events.map(\.line).joined(separator: " | ") }

    /// Turns the complete lines of `pending` into events; called with `changed` locked.
    private func splitEvents() {
        while let newline = stream.pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: stream.pending[stream.pending.startIndex..<newline], as: UTF8.self)
            stream.pending = Data(stream.pending[stream.pending.index(after: newline)...])
            events.append(OMEMOPeerEvent(line: line))
        }
    }

    /// Waits until the peer has exited, or `deadline` passes; whether it exited.
    private func waitForExit(until deadline: Date) -> Bool {
        stream.changed.lock()
        defer { stream.changed.unlock() }
        while process.isRunning {
            guard stream.changed.wait(until: deadline) || Date() < deadline else { return !process.isRunning }
        }
        return true
    }

    // MARK: Commands

    /// Writes one command (a JSON object) to the peer's stdin.
    func command(_ fields: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        do {
            try input.fileHandleForWriting.write(contentsOf: data + Data("\n".utf8))
        } catch {
            throw HarnessError.unexpectedOutput("\(who) does not take commands (\(error)); stderr: \(stderr)")
        }
    }

    /// Sends `body` to `recipient`, encrypted; returns once the peer says it sent it.
    func send(_ body: String, to recipient: String) throws {
        try command(["cmd": "send", "to": recipient, "body": body])
        let answer = try expect("the answer to send") { $0.event == "sent" || ($0.event == "error" && $0["cmd"] as? String == "send") }
        guard answer.event == "sent", answer["to"] as? String == recipient else {
            throw HarnessError.unexpectedOutput("\(who): send to \(recipient) answered \(answer.line)")
        }
    }

    /// Sends `body` to `recipient`, who is offline, and returns once the server has stored
    /// it: a query the server answers after it handled everything the peer sent before.
    func sendToOffline(_ body: String, to recipient: String) throws {
        try send(body, to: recipient)
        _ = try devices(of: account.jid)
    }

    /// The devices of `jid` as the peer sees them on the server: (device id, fingerprint).
    func devices(of jid: String) throws -> [(device: Int, fingerprint: String)] {
        try command(["cmd": "devices", "jid": jid])
        let answer = try expect("the answer to devices") { $0.event == "devices" || ($0.event == "error" && $0["cmd"] as? String == "devices") }
        guard answer.event == "devices", let list = answer["devices"] as? [[String: Any]] else {
            throw HarnessError.unexpectedOutput("\(who): devices of \(jid) answered \(answer.line)")
        }
        return list.compactMap { entry in
            guard let device = entry["device"] as? Int, let fingerprint = entry["fingerprint"] as? String else { return nil }
            return (device, fingerprint)
        }
    }

    /// Disconnects and waits for exit 0.
    func quit(timeout: TimeInterval = 20) throws {
        guard process.isRunning else {
            throw HarnessError.unexpectedOutput("\(who) had exited (\(process.terminationStatus)) before quit; stderr: \(stderr)")
        }
        try command(["cmd": "quit"])
        guard waitForExit(until: Date().addingTimeInterval(timeout)) else {
            terminate()
            throw HarnessError.timedOut("\(who) still running \(timeout)s after quit; stderr: \(stderr)")
        }
        guard process.terminationStatus == 0 else {
            throw HarnessError.unexpectedOutput("\(who) exited \(process.terminationStatus) after quit; stderr: \(stderr)")
        }
    }

    /// SIGTERM, a short grace period, then SIGKILL.
    func terminate() {
        try? input.fileHandleForWriting.close()
        guard process.isRunning else { return }
        process.terminate()
        if !waitForExit(until: Date().addingTimeInterval(3)) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// One JSON line the peer printed.
struct OMEMOPeerEvent {
    let line: String
    let fields: [String: Any]
    private let typed: Typed

    init(line: String) {
        self.line = line
        fields = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["event": "unparseable"]
        typed = (try? JSONDecoder().decode(Typed.self, from: Data(line.utf8))) ?? Typed()
    }

    subscript(key: String) -> Any? {
        guard let value = fields[key], !(value is NSNull) else { return nil }
        return value
    }

    var event: String { self["event"] as? String ?? "" }
    var fromBare: String? { bareJID(self["from"] as? String) }
    var body: String? { self["body"] as? String }
    var error: String? { self["error"] as? String }
    var type: String? { self["type"] as? String }
    var senderDevice: Int? { typed.senderDevice }
    /// JSON true or false; nil when absent, null or not a boolean.
    var encrypted: Bool? { typed.encrypted }
    var delayed: Bool? { typed.delayed }
    var keyTransport: Bool { typed.keyTransport ?? false }

    /// The typed fields, each read on its own (a boolean must be a JSON boolean, which
    /// JSONSerialization does not tell from a number).
    private struct Typed: Decodable {
        var encrypted: Bool?
        var delayed: Bool?
        var keyTransport: Bool?
        var senderDevice: Int?

        enum CodingKeys: String, CodingKey {
            case encrypted, delayed
            case keyTransport = "key_transport"
            case senderDevice = "sender_device"
        }

        init() {}

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            encrypted = try? container.decodeIfPresent(Bool.self, forKey: .encrypted)
            delayed = try? container.decodeIfPresent(Bool.self, forKey: .delayed)
            keyTransport = try? container.decodeIfPresent(Bool.self, forKey: .keyTransport)
            senderDevice = try? container.decodeIfPresent(Int.self, forKey: .senderDevice)
        }
    }
}

enum OMEMOFingerprint {
    /// 64 hex digits as 8 space-separated groups of 8, lowercase (Conversations' way).
    static func grouped(_ hex: String) -> String {
        let digits = Array(hex.lowercased())
        return stride(from: 0, to: digits.count, by: 8).map { String(digits[$0..<min($0 + 8, digits.count)]) }.joined(separator: " ")
    }

    /// Whether `text` is 8 groups of 8 lowercase hex digits separated by single spaces.
    static func isGrouped(_ text: String) -> Bool {
        text.range(of: #"^[0-9a-f]{8}( [0-9a-f]{8}){7}$"#, options: .regularExpression) != nil
    }
}

/// The peer's stdout as it arrives, and the condition every wait waits on: signalled when
/// the peer writes or exits. `pending` and `ended` are guarded by `changed`.
private final class PeerStream: @unchecked Sendable {
    let changed = NSCondition()
    var pending = Data()
    /// stdout reached its end: everything the peer printed is in `pending`.
    var ended = false
}
