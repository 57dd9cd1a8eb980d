import Glibc

/// A failure in test scaffolding (a socket or subprocess that would not start).
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A listening TCP socket on the loopback interface, for tests to connect to.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16

    /// Listens on 127.0.0.1 (or ::1) on a port the kernel picks.
    init(ipv6: Bool = false, backlog: Int32 = 8) throws {
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        do {
            try bindLoopback(fd, ipv6: ipv6, port: 0)
        } catch {
            Glibc.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            Glibc.close(fd)
            throw TestSetupError("listen: \(String(cString: strerror(errno)))")
        }
        port = boundPort(fd)
    }

    deinit { Glibc.close(fd) }

    /// Waits up to `timeout` seconds for a connection and accepts it.
    func accept(timeout: Double = 5) throws -> RawSocket {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(timeout * 1000)) == 1 else { throw TestSetupError("no connection to accept") }
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { throw TestSetupError("accept: \(String(cString: strerror(errno)))") }
        return RawSocket(fd: client)
    }
}

/// The server's end of an accepted connection: blocking calls with receive timeouts.
final class RawSocket: @unchecked Sendable {
    private(set) var fd: Int32

    init(fd: Int32) {
        self.fd = fd
        setBlockingTimeouts(fd, seconds: 5)
    }

    deinit { close() }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Reads until `count` bytes arrived, the peer closed, or the receive timeout passed.
    func receive(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count < count {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, count - result.count), 0) }
            if received <= 0 { break }
            result.append(contentsOf: buffer[..<received])
        }
        return result
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}

/// Bounds every blocking send and receive on `fd`, so that a test never hangs on its peer.
func setBlockingTimeouts(_ fd: Int32, seconds: Int) {
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
}

/// Binds `fd` to the loopback address of its family.
func bindLoopback(_ fd: Int32, ipv6: Bool, port: UInt16) throws {
    let status: Int32
    if ipv6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_addr = in6addr_loopback
        status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    } else {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
    guard status == 0 else { throw TestSetupError("bind: \(String(cString: strerror(errno)))") }
}

func boundPort(_ fd: Int32) -> UInt16 {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    // sin_port and sin6_port sit at the same offset, right after the family.
    return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
}

/// A loopback port with nothing listening on it: bound, then released.
func closedLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Glibc.close(fd) }
    try bindLoopback(fd, ipv6: false, port: 0)
    return boundPort(fd)
}
