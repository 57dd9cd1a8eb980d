#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An `errno` value with its `strerror` text, as socket calls report it.
struct Errno: Error, Equatable {
    let code: Int32

    /// The current thread's `errno`.
    static var current: Errno { Errno(code: errno) }

    /// `strerror(3)` text with a lower-case first letter, to sit inside a sentence:
    /// "connection refused".
    var message: String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    static let interrupted = Errno(code: EINTR)
    static let wouldBlock = Errno(code: EAGAIN)
    static let inProgress = Errno(code: EINPROGRESS)
    static let connectionReset = Errno(code: ECONNRESET)
    static let brokenPipe = Errno(code: EPIPE)
}

/// Runs a system call that returns -1 and sets `errno` on failure, retrying it while it
/// fails with `EINTR` (a signal arrived) when `retryOnInterrupt` is set.
func valueOrErrno<Value: FixedWidthInteger>(
    retryOnInterrupt: Bool = true, _ call: () -> Value
) -> Result<Value, Errno> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let error = Errno.current
        if retryOnInterrupt && error == .interrupted { continue }
        return .failure(error)
    }
}

// Thin wrappers over the socket calls the transports make. Each names the C function it wraps.

#if canImport(Glibc)
    private let streamSocketType =
        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        | Int32(SOCK_CLOEXEC.rawValue)
    private let sendFlags = Int32(MSG_NOSIGNAL)
#else
    private let streamSocketType = SOCK_STREAM
    private let sendFlags: Int32 = 0
#endif

enum Syscall {
    /// `socket(2)`: a non-blocking, close-on-exec TCP socket.
    static func tcpSocket(family: Int32) -> Result<Int32, Errno> {
        valueOrErrno { socket(family, streamSocketType, Int32(IPPROTO_TCP)) }
    }

    /// `connect(2)`. Not retried on `EINTR`: the connection then goes on asynchronously,
    /// exactly as after `EINPROGRESS`.
    static func connect(
        _ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t
    ) -> Result<Int32, Errno> {
        valueOrErrno(retryOnInterrupt: false) {
            #if canImport(Glibc)
                Glibc.connect(fd, address, length)
            #else
                Darwin.connect(fd, address, length)
            #endif
        }
    }

    /// `recv(2)`.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno { recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// `send(2)` with `MSG_NOSIGNAL`, so that a peer that went away yields `EPIPE` rather than
    /// a `SIGPIPE` that would kill the process.
    static func send(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno {
            #if canImport(Glibc)
                Glibc.send(fd, buffer.baseAddress, buffer.count, sendFlags)
            #else
                Darwin.send(fd, buffer.baseAddress, buffer.count, sendFlags)
            #endif
        }
    }

    /// `close(2)`. Not retried: on Linux the descriptor is released even when it fails.
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(fd)
        #else
            _ = Darwin.close(fd)
        #endif
    }

    /// `getsockopt(SO_ERROR)`: the outcome of an asynchronous `connect`.
    static func pendingSocketError(_ fd: Int32) -> Result<Int32, Errno> {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return valueOrErrno { getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) }.map { _ in value }
    }

    /// `setsockopt(TCP_NODELAY)`: stanzas are small and interactive, so Nagle's delay only hurts.
    static func disableNagle(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(
            fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// `setsockopt(TCP_QUICKACK)`: acknowledge at once instead of up to 40 ms later. A server
    /// that writes two small TLS records without TCP_NODELAY (a session ticket, then the
    /// stream features) holds the second until our ACK; delaying it costs every login 40 ms.
    /// Linux clears the flag on its own, so it is set again after each read.
    static func acknowledgeQuickly(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// `poll(2)` on one descriptor; returns the `revents`, or 0 when the timeout passed.
    static func poll(_ fd: Int32, events: Int16, timeoutMilliseconds: Int32) -> Result<Int16, Errno> {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return valueOrErrno(retryOnInterrupt: false) {
            #if canImport(Glibc)
                Glibc.poll(&entry, 1, timeoutMilliseconds)
            #else
                Darwin.poll(&entry, 1, timeoutMilliseconds)
            #endif
        }.map { ready in ready == 0 ? 0 : entry.revents }
    }
}
