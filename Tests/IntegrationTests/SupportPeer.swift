import Foundation

/// One message as the slixmpp peer (Tests/Support/peers/receive.py) saw it.
struct ReceivedMessage: Decodable, Equatable {
    let from: String?
    let to: String?
    let type: String?
    let id: String?
    let body: String?
    let subject: String?
    let thread: String?
    let originID: String?
    /// The URL of a XEP-0066 out-of-band element (a file's).
    let oobURL: String?
    /// Came from offline storage (carried a XEP-0203 delay), not live.
    let delayed: Bool

    enum CodingKeys: String, CodingKey {
        case from, to, type, id, body, subject, thread, delayed
        case originID = "origin_id"
        case oobURL = "oob_url"
    }
}

/// slixmpp, an independent XMPP client, as the other end of a conversation.
enum Peer {
    /// Logs `account` in to `server` and returns once it is online and would receive
    /// messages; it then waits for `count` live messages with a body.
    static func receive(
        as account: TestAccount, on server: ProsodyServer, count: Int = 1,
        directTLS: Bool = false, timeout: TimeInterval = 30, scratch: URL
    ) throws -> ReceivingPeer {
        try ReceivingPeer(
            account: account, server: server, count: count, directTLS: directTLS,
            timeout: timeout, scratch: scratch)
    }

    /// Sends `count` messages ("{n}" in `body` becomes each one's number) from `account`
    /// to `recipient`, and returns once the server has handled them all.
    static func send(
        as account: TestAccount, to recipient: String, on server: ProsodyServer,
        body: String, count: Int = 1, scratch: URL
    ) throws {
        let outcome = try runProcess(
            SupportPaths.python,
            [
                SupportPaths.sendPeer.path, "--jid", account.jid, "--host", server.host,
                "--port", String(server.starttlsPort), "--ca", server.caFile, "--to", recipient,
                "--body", body, "--count", String(count), "--timeout", "30",
            ],
            environment: peerEnvironment(password: account.password), timeout: 40,
            outputIn: scratch)
        guard outcome.exitCode == 0 else {
            throw HarnessError.unexpectedOutput("send.py exited \(outcome.exitCode): \(outcome.stderr)")
        }
    }

    static func peerEnvironment(password: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XMPP_PASSWORD"] = password
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }
}

/// A running receive.py: online once created; `messages()` waits for it to finish.
final class ReceivingPeer {
    private let child: ChildProcess
    private let timeout: TimeInterval

    fileprivate init(
        account: TestAccount, server: ProsodyServer, count: Int, directTLS: Bool,
        timeout: TimeInterval, scratch: URL
    ) throws {
        self.timeout = timeout
        let readyFile = scratch.appendingPathComponent("ready-\(UUID().uuidString)")
        var arguments = [
            SupportPaths.receivePeer.path, "--jid", account.jid, "--host", server.host,
            "--port", String(directTLS ? server.directTLSPort : server.starttlsPort),
            "--ca", server.caFile, "--count", String(count), "--timeout", String(timeout),
            "--ready-file", readyFile.path, "--resource", "peer-\(UUID().uuidString.prefix(8))",
        ]
        if directTLS { arguments.append("--direct-tls") }
        child = try ChildProcess(
            SupportPaths.python, arguments,
            environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(min(timeout, 20))
        while !FileManager.default.fileExists(atPath: readyFile.path) {
            guard child.isRunning else {
                let outcome = child.output()
                throw HarnessError.failedToStart(
                    "receive.py as \(account.jid) exited \(outcome.exitCode): \(outcome.stderr)")
            }
            guard Date() < deadline else {
                child.terminate()
                throw HarnessError.timedOut("receive.py as \(account.jid) never came online: \(child.output().stderr)")
            }
            usleep(20_000)
        }
    }

    /// Waits for the peer to have its messages and returns the live ones (offline leftovers
    /// from earlier tests are dropped); throws if they do not all come in time.
    func messages() throws -> [ReceivedMessage] {
        let outcome = try child.wait(timeout: timeout + 10)
        let all = try Self.decode(outcome.stdoutData)
        guard outcome.exitCode == 0 else {
            throw HarnessError.unexpectedOutput(
                "receive.py exited \(outcome.exitCode) (\(outcome.stderr)); it got: \(all)")
        }
        return all.filter { !$0.delayed }
    }

    /// Stops the peer and returns whatever it received, live or not.
    func stop() throws -> [ReceivedMessage] {
        child.terminate()
        return try Self.decode(child.output().stdoutData)
    }

    private static func decode(_ data: Data) throws -> [ReceivedMessage] {
        try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(ReceivedMessage.self, from: Data($0))
        }
    }
}
