import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// send.py logged in ahead of time (its `--go-file`): `go()` makes it send at once. A test
/// that must place a message at a point in a listener's run (the idle-timeout tests) then
/// does not also wait for a login, which a loaded machine can make take seconds.
final class ReadySender {
    private let child: ChildProcess
    private let goFile: URL
    private let account: TestAccount

    /// Starts send.py as `account` and returns once it is logged in, ready to send `body`
    /// to `recipient`, `count` times ("{n}" in `body` becomes each one's number).
    init(from account: TestAccount, to recipient: String, body: String, count: Int = 1, on server: ProsodyServer, scratch: URL) throws {
        self.account = account
        let name = UUID().uuidString.prefix(8)
        goFile = scratch.appendingPathComponent("send-go-\(name)")
        let readyFile = scratch.appendingPathComponent("send-ready-\(name)")
        child = try ChildProcess(
            SupportPaths.python,
            [
                SupportPaths.sendPeer.path, "--jid", account.jid, "--host", server.host, "--port", String(server.starttlsPort),
                "--ca", server.caFile, "--timeout", "120", "--to", recipient, "--body", body, "--count", String(count),
                "--go-file", goFile.path, "--ready-file", readyFile.path,
            ],
            environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: readyFile.path) {
            guard child.isRunning else {
                throw HarnessError.failedToStart("send.py as \(account.jid): \(child.output().stderr)")
            }
            guard Date() < deadline else {
                child.terminate()
                throw HarnessError.timedOut("send.py as \(account.jid) never logged in: \(child.output().stderr)")
            }
            usleep(20_000)
        }
    }

    /// Sends the message now (without waiting for the server to have it).
    func go() throws {
        guard FileManager.default.createFile(atPath: goFile.path, contents: nil) else {
            throw HarnessError.failedToStart("cannot create \(goFile.path)")
        }
    }

    /// Waits until send.py is done: the server has every message.
    func finish() throws {
        let outcome = try child.wait(timeout: 30)
        guard outcome.exitCode == 0 else {
            throw HarnessError.unexpectedOutput("send.py as \(account.jid) exited \(outcome.exitCode): \(outcome.stderr)")
        }
    }

    deinit { child.terminate() }
}
