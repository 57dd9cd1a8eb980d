import Foundation
import Glibc
import XCTest
import XMPPProtocol

/// Where the real proxies of the tests are: Debian's microsocks, and the HTTP CONNECT proxy
/// in Tests/Support. A missing one is a failure, never a skip.
enum ProxyPeerPaths {
    static let support = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Support")
    static let freePorts = support.appendingPathComponent("free-ports")
    static let httpConnectProxy = support.appendingPathComponent("http-connect-proxy")
    /// Debian's Python, as the other test tools use.
    static let python = URL(fileURLWithPath: "/usr/bin/python3")
    static let microsocks = URL(fileURLWithPath: "/usr/bin/microsocks")
}

/// A proxy process started by a test, stopped when the value goes away.
final class ProxyProcess {
    let port: UInt16
    let scratch: URL
    private let process: Process

    /// microsocks on a free loopback port, with `-u USER -P PASS` when `credentials` are given.
    static func microsocks(credentials: (user: String, password: String)? = nil) throws -> ProxyProcess {
        let port = try freePort()
        var arguments = ["-i", "127.0.0.1", "-p", "\(port)"]
        if let credentials { arguments += ["-u", credentials.user, "-P", credentials.password] }
        let proxy = try ProxyProcess(executable: ProxyPeerPaths.microsocks, arguments: arguments, port: { _ in port })
        try proxy.waitUntilAccepting()
        return proxy
    }

    /// Tests/Support/http-connect-proxy, logging to `log` in its scratch folder.
    static func httpConnect(credentials: (user: String, password: String)? = nil) throws -> ProxyProcess {
        var arguments = [ProxyPeerPaths.httpConnectProxy.path, "--port-file", "port", "--log", "log"]
        if let credentials { arguments += ["--user", credentials.user, "--password", credentials.password] }
        return try ProxyProcess(executable: ProxyPeerPaths.python, arguments: arguments) { process in
            try process.waitForPortFile()
        }
    }

    private init(executable: URL, arguments: [String], port: (ProxyProcess.Starting) throws -> UInt16) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestSetupError("\(executable.path) is missing: run scripts/install-deps")
        }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xmpp-cli-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = scratch
        let stderr = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        do {
            self.port = try port(Starting(process: process, scratch: scratch))
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The process while it starts: whether it still runs, and what it said.
    struct Starting {
        let process: Process
        let scratch: URL

        func checkRunning() throws {
            guard process.isRunning else {
                let said = (try? String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
                throw TestSetupError("\(process.executableURL?.lastPathComponent ?? "proxy") exited: \(said)")
            }
        }

        /// The port the process wrote once it listens.
        func waitForPortFile() throws -> UInt16 {
            let file = scratch.appendingPathComponent("port")
            let deadline = Deadline.after(seconds: 10)
            while !deadline.hasPassed {
                if let text = try? String(contentsOf: file, encoding: .utf8),
                    let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    return port
                }
                try checkRunning()
                usleep(10_000)  // between looks at the file, which appears when it listens
            }
            throw TestSetupError("no port file from \(process.executableURL?.lastPathComponent ?? "proxy")")
        }
    }

    /// microsocks says nothing when it listens: connect until it accepts (or it exits,
    /// having found the port taken).
    private func waitUntilAccepting() throws {
        let starting = Starting(process: process, scratch: scratch)
        let deadline = Deadline.after(seconds: 10)
        while !deadline.hasPassed {
            try starting.checkRunning()
            if let probe = try? TCPConnection.connect(to: [.loopbackIPv4], port: port, deadline: .after(seconds: 1)) {
                probe.close()
                return
            }
            usleep(10_000)  // between connection attempts
        }
        throw TestSetupError("microsocks did not listen on port \(port)")
    }

    /// The lines the HTTP CONNECT proxy logged.
    var logLines: [String] {
        let text = (try? String(contentsOf: scratch.appendingPathComponent("log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    private static func freePort() throws -> UInt16 {
        let process = Process()
        process.executableURL = ProxyPeerPaths.python
        process.arguments = [ProxyPeerPaths.freePorts.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let port = UInt16(text) else { throw TestSetupError("free-ports: \(text)") }
        return port
    }
}

/// What the tunnel leads to: one connection on a loopback port, on 127.0.0.1 and on ::1
/// where there is one (so "localhost" reaches it whichever address the proxy picks). It
/// waits for the client's message, as an XMPP server waits for the stream header, then
/// answers.
final class TunnelTarget: @unchecked Sendable {
    static let clientMessage = wireBytes("<stream:stream to='example.org'>")
    static let serverMessage = wireBytes("<stream:stream from='example.org' id='1'>")

    let port: UInt16
    private let listeners: [Int32]
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var got: [UInt8] = []

    init() throws {
        let v4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try bindLoopback(v4, ipv6: false, port: 0)
        port = boundPort(v4)
        var listeners = [v4]
        let v6 = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(v6, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        if (try? bindLoopback(v6, ipv6: true, port: port)) != nil { listeners.append(v6) } else { Glibc.close(v6) }
        for fd in listeners where listen(fd, 4) != 0 { throw TestSetupError("listen: \(String(cString: strerror(errno)))") }
        self.listeners = listeners
        Thread { [self] in
            defer { done.signal() }
            var entries = self.listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&entries, nfds_t(entries.count), 10_000) > 0,
                let ready = entries.first(where: { $0.revents != 0 })
            else { return }
            let client = RawSocket(fd: accept(ready.fd, nil, nil))
            let received = client.receive(count: Self.clientMessage.count)
            lock.lock()
            got = received
            lock.unlock()
            client.send(Self.serverMessage)
            _ = client.receive(count: 1)  // until the client closes
        }.start()
    }

    deinit { listeners.forEach { Glibc.close($0) } }

    /// What the client sent through the tunnel, once the connection is over.
    func received() -> [UInt8] {
        _ = done.wait(timeout: .now() + 10)
        lock.lock()
        defer { lock.unlock() }
        return got
    }
}

/// Opens a tunnel through `proxy` (listening on 127.0.0.1:`proxyPort`) to `target` and
/// proves bytes flow both ways: the client's message reaches `tunnelTarget`, its answer
/// comes back.
func assertTunnel(
    through proxy: ProxyConfiguration, port proxyPort: UInt16, to target: ProxyTarget, reaching tunnelTarget: TunnelTarget,
    file: StaticString = #filePath, line: UInt = #line
) throws {
    let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: proxyPort, deadline: .after(seconds: 5))
    try ProxyHandshake.open(on: tcp, proxy: proxy, to: target, deadline: .after(seconds: 5))
    try tcp.write(TunnelTarget.clientMessage, deadline: .after(seconds: 5))
    XCTAssertEqual(try readAll(TunnelTarget.serverMessage.count, from: tcp), TunnelTarget.serverMessage, file: file, line: line)
    tcp.close()
    XCTAssertEqual(tunnelTarget.received(), TunnelTarget.clientMessage, file: file, line: line)
}
