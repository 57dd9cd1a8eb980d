import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A proxy for the CLI to go through: microsocks (Debian) for SOCKS5, or
/// Tests/Support/http-connect-proxy for HTTP CONNECT, on a free loopback port; stopped when
/// this goes.
final class TestProxy {
    let port: Int
    let scratch: URL
    private let child: ChildProcess

    /// microsocks, with `-u USER -P PASS` when `credentials` are given.
    static func microsocks(credentials: (user: String, password: String)? = nil) throws -> TestProxy {
        let microsocks = URL(fileURLWithPath: "/usr/bin/microsocks")
        guard FileManager.default.isExecutableFile(atPath: microsocks.path) else {
            throw HarnessError.failedToStart("/usr/bin/microsocks is missing: run scripts/install-deps")
        }
        let port = try closedPort()
        var arguments = ["-i", "127.0.0.1", "-p", String(port)]
        if let credentials { arguments += ["-u", credentials.user, "-P", credentials.password] }
        return try TestProxy(microsocks, arguments: { _ in arguments }, port: { _, _ in port })
    }

    /// Tests/Support/http-connect-proxy; its log (one line per request) is `log()`.
    static func httpConnect(credentials: (user: String, password: String)? = nil) throws -> TestProxy {
        let script = SupportPaths.support.appendingPathComponent("http-connect-proxy").path
        return try TestProxy(SupportPaths.python, arguments: { scratch in
            [script, "--port-file", scratch.appendingPathComponent("port").path, "--log", scratch.appendingPathComponent("log").path]
                + (credentials.map { ["--user", $0.user, "--password", $0.password] } ?? [])
        }, port: { child, scratch in
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let text = try? String(contentsOf: scratch.appendingPathComponent("port"), encoding: .utf8),
                    let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    return port
                }
                guard child.isRunning else { throw HarnessError.failedToStart("http-connect-proxy: \(child.output().stderr)") }
                usleep(20_000)
            }
            throw HarnessError.timedOut("http-connect-proxy wrote no port")
        })
    }

    /// The requests the HTTP proxy logged.
    func log() throws -> String {
        (try? String(contentsOf: scratch.appendingPathComponent("log"), encoding: .utf8)) ?? ""
    }

    private init(
        _ executable: URL, arguments: (URL) -> [String], port: (ChildProcess, URL) throws -> Int
    ) throws {
        scratch = try makeTemporaryDirectory("xmpp-cli-proxy")
        child = try ChildProcess(executable, arguments(scratch), outputIn: scratch)
        do {
            self.port = try port(child, scratch)
            try waitUntilAccepting()
        } catch {
            child.terminate()
            throw error
        }
    }

    deinit {
        child.terminate()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Until a TCP connect to the port succeeds (the proxy listens), for at most 10 s.
    private func waitUntilAccepting() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            guard child.isRunning else { throw HarnessError.failedToStart("proxy: \(child.output().stderr)") }
            usleep(20_000)
        }
        throw HarnessError.timedOut("the proxy on port \(port) does not accept")
    }
}
