import Foundation

/// One message as Tests/Support/peers/corrections.py saw it: receive.py's fields plus what a
/// correction (XEP-0308) or a retraction (XEP-0424) carries, and the stanza-id (XEP-0359)
/// the room (groupchat) or the account's archive gave it.
struct CorrectionMessage: Decodable, Equatable {
    let from: String?
    let to: String?
    let type: String?
    let id: String?
    let body: String?
    let originID: String?
    /// Came from offline storage or room history (carried a XEP-0203 delay), not live.
    let delayed: Bool
    /// The id of `<replace xmlns='urn:xmpp:message-correct:0'/>`.
    let replaceID: String?
    /// The id of `<retract xmlns='urn:xmpp:message-retract:1'/>`.
    let retractID: String?
    /// The `for` of `<fallback xmlns='urn:xmpp:fallback:0'/>`.
    let fallbackFor: String?
    /// `<store xmlns='urn:xmpp:hints'/>` is there.
    let storeHint: Bool
    /// The id of the `<stanza-id xmlns='urn:xmpp:sid:0'/>` by the room (groupchat) or by the
    /// receiving account.
    let stanzaID: String?

    enum CodingKeys: String, CodingKey {
        case from, to, type, id, body, delayed
        case originID = "origin_id"
        case replaceID = "replace_id"
        case retractID = "retract_id"
        case fallbackFor = "fallback_for"
        case storeHint = "store_hint"
        case stanzaID = "stanza_id"
    }
}

/// A running corrections.py as `account`, in `room` as `nick` if given: online (and in the
/// room) once created; `messages()` waits until it has `count` live messages with a body.
final class CorrectionsPeer {
    private let child: ChildProcess
    private let timeout: TimeInterval
    private let account: TestAccount

    init(
        as account: TestAccount, on server: ProsodyServer, count: Int, room: String? = nil, nick: String? = nil,
        timeout: TimeInterval = 30, scratch: URL
    ) throws {
        self.account = account
        self.timeout = timeout
        let readyFile = scratch.appendingPathComponent("corrections-ready-\(UUID().uuidString)")
        var arguments = [
            SupportPaths.support.appendingPathComponent("peers/corrections.py").path, "--jid", account.jid,
            "--host", server.host, "--port", String(server.starttlsPort), "--ca", server.caFile,
            "--count", String(count), "--timeout", String(timeout), "--ready-file", readyFile.path,
            "--resource", "corrections-\(UUID().uuidString.prefix(8))",
        ]
        if let room { arguments += ["--room", room, "--nick", nick ?? String(account.jid.prefix { $0 != "@" })] }
        child = try ChildProcess(
            SupportPaths.python, arguments, environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(min(timeout, 20))
        while !FileManager.default.fileExists(atPath: readyFile.path) {
            guard child.isRunning else {
                let outcome = child.output()
                throw HarnessError.failedToStart("corrections.py as \(account.jid) exited \(outcome.exitCode): \(outcome.stderr)")
            }
            guard Date() < deadline else {
                child.terminate()
                throw HarnessError.timedOut("corrections.py as \(account.jid) never came online: \(child.output().stderr)")
            }
            usleep(20_000)
        }
    }

    /// Waits for the peer to have its messages and returns the live ones (offline leftovers
    /// of earlier tests are dropped); throws if they do not all come in time.
    func messages() throws -> [CorrectionMessage] {
        let outcome = try child.wait(timeout: timeout + 10)
        let all = try Self.decode(outcome.stdoutData)
        guard outcome.exitCode == 0 else {
            throw HarnessError.unexpectedOutput(
                "corrections.py as \(account.jid) exited \(outcome.exitCode) (\(outcome.stderr)); it got: \(all)")
        }
        return all.filter { !$0.delayed }
    }

    /// Stops the peer and returns whatever it received, live or not.
    func stop() throws -> [CorrectionMessage] {
        child.terminate()
        return try Self.decode(child.output().stdoutData)
    }

    private static func decode(_ data: Data) throws -> [CorrectionMessage] {
        try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(CorrectionMessage.self, from: Data($0))
        }
    }
}
