#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP connection on a non-blocking socket, every wait bounded by a `Deadline`.
///
/// The plain transport of an XMPP stream, and what `TLSConnection` runs over once STARTTLS
/// (or direct TLS) begins.
public final class TCPConnection: Transport {
    /// The peer's numeric address, "127.0.0.1:5222" or "[::1]:5222", for progress messages.
    public let remoteAddress: String

    private var descriptor: Int32
    /// Where `read` receives to, kept from one read to the next: a read returns a copy of
    /// what it got, so that a read of a few bytes neither allocates nor zeroes the room.
    private var readRoom: [UInt8] = []

    /// The socket, for callers that `poll(2)` it alongside other descriptors; -1 once closed.
    public var fileDescriptor: Int32 { descriptor }

    init(descriptor: Int32, remoteAddress: String) {
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
    }

    deinit { close() }

    /// Connects to `addresses` on `port` with Happy Eyeballs (RFC 8305, `HappyEyeballs`):
    /// families alternating from the first address's, a new attempt every 250 ms while
    /// earlier ones wait (at once when one fails), the first to connect kept. All attempts
    /// share `deadline`. Host names are resolved before, by `HostResolver`.
    ///
    /// `whileConnecting` runs once, after the first `connect(2)` has sent its SYN and
    /// before the wait for the answer: work that would otherwise follow the connect (making
    /// a TLS context) is done during the round trip instead. `report` hears how each
    /// attempt ended, for `-v`.
    ///
    /// Throws `.timedOut` when the deadline passes, or `.system(call: "connect", ...)` naming
    /// every address tried and why each failed.
    public static func connect(
        to addresses: [IPAddress], port: UInt16, deadline: Deadline, whileConnecting: () -> Void = {},
        report: (ConnectAttempt) -> Void = { _ in }
    ) throws(TransportError) -> TCPConnection {
        var failures: [String] = []
        let outcome = HappyEyeballs.race(
            HappyEyeballs.interleave(addresses).map { SocketAddress($0, port: port) }, deadline: deadline,
            whileConnecting: whileConnecting
        ) { attempt in
            if case .failed(let reason) = attempt.outcome { failures.append("\(reason) to \(attempt.address)") }
            report(attempt)
        }
        switch outcome {
        case .success(let (fd, address)):
            Syscall.disableNagle(fd)
            return TCPConnection(descriptor: fd, remoteAddress: address.description)
        case .failure(.timedOut):
            throw .timedOut
        case .failure(.allFailed):
            throw .system(call: "connect", message: failures.isEmpty ? "no address to connect to" : failures.joined(separator: "; "))
        }
    }

    // MARK: Transport

    public func read(maxCount: Int, deadline: Deadline) throws(TransportError) -> [UInt8] {
        precondition(maxCount > 0, "read(maxCount:) needs room for at least one byte")
        let fd = try openDescriptor()
        if readRoom.count < maxCount { readRoom = [UInt8](repeating: 0, count: maxCount) }
        while true {
            switch readRoom.withUnsafeMutableBytes({ Syscall.receive(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<maxCount])) }) {
            case .success(let count):
                Syscall.acknowledgeQuickly(fd)
                return Array(readRoom[..<count])
            case .failure(.wouldBlock):
                try waitForSocket(fd, until: .readable, deadline: deadline)
            case .failure(let error):
                throw Self.transportError(call: "recv", error)
            }
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { all in
                Result { () throws(TransportError) -> Int in
                    try writeSome(UnsafeRawBufferPointer(rebasing: all[offset...]), deadline: deadline)
                }
            }
            offset += try sent.get()
        }
    }

    /// Sends as much of `bytes` as the socket takes at once, waiting until it takes at least
    /// one byte; returns how many were sent. What `TLSConnection` flushes its records with,
    /// so that a deadline passing mid-record loses nothing.
    func writeSome(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        let fd = try openDescriptor()
        guard !bytes.isEmpty else { return 0 }
        while true {
            switch Syscall.send(fd, bytes) {
            case .success(let count):
                return count
            case .failure(.wouldBlock):
                try waitForSocket(fd, until: .writable, deadline: deadline)
            case .failure(let error):
                throw Self.transportError(call: "send", error)
            }
        }
    }

    /// Whether input, or the end of the stream, is waiting to be read now, without reading
    /// it: how a proxy handshake sees that the proxy sent more than its reply.
    var hasPendingInput: Bool {
        guard descriptor >= 0 else { return false }
        if case .success(let revents) = Syscall.poll(descriptor, events: Int16(POLLIN), timeoutMilliseconds: 0) {
            return revents != 0
        }
        return false
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Syscall.close(descriptor)
        descriptor = -1
    }

    private func openDescriptor() throws(TransportError) -> Int32 {
        guard descriptor >= 0 else { throw .closed }
        return descriptor
    }

    /// The peer going away is `.connectionLost`; anything else is a failed system call.
    private static func transportError(call: String, _ error: Errno) -> TransportError {
        switch error.code {
        case ECONNRESET, EPIPE, ETIMEDOUT, ENOTCONN, ECONNABORTED, EHOSTUNREACH, ENETUNREACH:
            .connectionLost(error.message)
        default:
            .system(call: call, message: error.message)
        }
    }
}
