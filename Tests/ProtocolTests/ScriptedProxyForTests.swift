import Foundation
import Glibc
import XCTest
import XMPPProtocol

/// A proxy for one connection that plays a script, on a background thread: tests choose
/// each reply, byte by byte, to show what a real proxy will not do on demand (every SOCKS5
/// reply code, a truncated reply, silence, garbage, bytes after the reply).
final class ScriptedProxy: @unchecked Sendable {
    let port: UInt16
    private let listener: LoopbackListener
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var transcript: [UInt8] = []
    private var scriptFailure: String?

    /// Starts listening and, on its own thread, accepts one connection and runs `script` on it.
    init(_ script: @escaping @Sendable (ScriptedPeer) throws -> Void) throws {
        listener = try LoopbackListener()
        port = listener.port
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                let peer = ScriptedPeer(try listener.accept())
                defer { record(peer.received, failure: nil) }
                try script(peer)
            } catch {
                record([], failure: "\(error)")
            }
        }
        thread.start()
    }

    private func record(_ received: [UInt8], failure: String?) {
        lock.lock()
        transcript += received
        if let failure { scriptFailure = failure }
        lock.unlock()
    }

    /// A connection to this proxy, as the connector would make it.
    func connect() throws -> TCPConnection {
        try TCPConnection.connect(to: [.loopbackIPv4], port: port, deadline: .after(seconds: 5))
    }

    /// `proxy`'s handshake to `target` over a new connection to this fake, within `seconds`.
    func open(_ proxy: ProxyConfiguration, to target: ProxyTarget, seconds: Double = 5) throws {
        let tcp = try connect()
        defer { tcp.close() }
        try ProxyHandshake.open(on: tcp, proxy: proxy, to: target, deadline: .after(seconds: seconds))
    }

    /// Everything the client sent, once the script is over; fails the test if the script
    /// did not end in time or stopped on an error of its own.
    func received(file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        guard done.wait(timeout: .now() + 10) == .success else {
            XCTFail("the scripted proxy did not finish", file: file, line: line)
            return []
        }
        lock.lock()
        defer { lock.unlock() }
        if let scriptFailure { XCTFail("the scripted proxy failed: \(scriptFailure)", file: file, line: line) }
        return transcript
    }
}

/// The proxy's end of the connection, recording what the client sent.
final class ScriptedPeer: @unchecked Sendable {
    private let socket: RawSocket
    private(set) var received: [UInt8] = []

    init(_ socket: RawSocket) { self.socket = socket }

    /// Exactly `count` bytes; fails the script if the client sent fewer.
    @discardableResult
    func receive(_ count: Int) throws -> [UInt8] {
        let bytes = socket.receive(count: count)
        received += bytes
        guard bytes.count == count else { throw TestSetupError("expected \(count) bytes from the client, got \(bytes)") }
        return bytes
    }

    /// An HTTP request head, up to and including its empty line.
    @discardableResult
    func receiveHTTPHead() throws -> String {
        var head: [UInt8] = []
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            guard head.count < 64 * 1024 else { throw TestSetupError("no end to the request head") }
            head += try receive(1)
        }
        return String(decoding: head, as: UTF8.self)
    }

    func send(_ bytes: [UInt8]) { socket.send(bytes) }
    func send(_ text: String) { socket.send(Array(text.utf8)) }

    /// Sends `bytes` and the end of the stream in one segment (corked, the FIN rides on the
    /// data), so that the client sees both at once, whenever it looks.
    func sendAndClose(_ bytes: [UInt8]) {
        var one: Int32 = 1
        setsockopt(socket.fd, Int32(IPPROTO_TCP), TCP_CORK, &one, socklen_t(MemoryLayout<Int32>.size))
        socket.send(bytes)
        shutdown(socket.fd, Int32(SHUT_WR))
    }

    /// Whether the client has sent anything that was not received yet: what a client that
    /// pipelines its request behind its greeting would have done, in the same write.
    var hasPendingInput: Bool {
        var entry = pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    /// Waits for the client to close, reading (and recording) anything it still sends: how a
    /// silent proxy stays silent without a sleep.
    func waitForClientToClose() {
        while true {
            let bytes = socket.receive(count: 1)
            guard !bytes.isEmpty else { return }
            received += bytes
        }
    }
}

/// The bytes of `text`, for comparing with what went over the wire.
func wireBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Reads from `connection` until `count` bytes came or it closed.
func readAll(_ count: Int, from connection: TCPConnection) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < count {
        let chunk = try connection.read(maxCount: count - bytes.count, deadline: .after(seconds: 5))
        if chunk.isEmpty { break }
        bytes += chunk
    }
    return bytes
}
