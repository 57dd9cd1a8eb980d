#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address and TCP port as the socket calls take them: a `sockaddr_in` or
/// `sockaddr_in6` that owns its bytes.
struct SocketAddress {
    let address: IPAddress
    let port: UInt16
    private let storage: sockaddr_storage
    private let length: socklen_t

    init(_ address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
        var storage = sockaddr_storage()
        switch address.family {
        case .ipv4:
            var socket = sockaddr_in()
            socket.sin_family = sa_family_t(AF_INET)
            socket.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &socket.sin_addr) { $0.copyBytes(from: address.bytes) }
            length = Self.store(socket, in: &storage)
        case .ipv6:
            var socket = sockaddr_in6()
            socket.sin6_family = sa_family_t(AF_INET6)
            socket.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &socket.sin6_addr) { $0.copyBytes(from: address.bytes) }
            length = Self.store(socket, in: &storage)
        }
        self.storage = storage
    }

    /// `AF_INET` or `AF_INET6`, for `socket(2)`.
    var family: Int32 { address.family == .ipv4 ? AF_INET : AF_INET6 }

    /// Calls `body` with the address as the `sockaddr` pointer the socket calls take.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { bytes in
            body(bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// "127.0.0.1:5222" or "[::1]:5222".
    var description: String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    private static func store<Socket>(_ socket: Socket, in storage: inout sockaddr_storage) -> socklen_t {
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: socket) { target.copyMemory(from: $0) }
        }
        return socklen_t(MemoryLayout<Socket>.size)
    }
}
