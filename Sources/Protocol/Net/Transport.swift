/// A byte stream with deadlines: what the XMPP stream runs over.
///
/// A TCP socket, TLS over a socket, and an in-memory pair in tests all conform, so the
/// stream code above never knows which one it has. Every call takes a deadline and throws
/// `TransportError.timedOut` when it passes.
public protocol Transport: AnyObject {
    /// Reads at most `maxCount` bytes, waiting until at least one is available.
    /// Returns an empty array at end of stream (the peer closed).
    func read(maxCount: Int, deadline: Deadline) throws(TransportError) -> [UInt8]

    /// Writes all of `bytes`, waiting for the socket to drain as needed.
    func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError)

    /// Closes the transport; further calls fail with `.closed`. Idempotent.
    func close()

    /// The descriptor to `poll(2)` for input, or -1 where there is none (in-memory pairs).
    var fileDescriptor: Int32 { get }

    /// Whether a `read` may return data without the descriptor becoming readable (TLS
    /// records already received): poll loops check this first.
    var hasBufferedData: Bool { get }
}

extension Transport {
    public var fileDescriptor: Int32 { -1 }
    public var hasBufferedData: Bool { false }
}

/// Why a transport failed. Each case carries what a user needs to see in a one-line error.
public enum TransportError: Error, Equatable, Sendable {
    /// No answer before the deadline.
    case timedOut
    /// The peer closed or reset the connection.
    case connectionLost(String)
    /// The transport was closed locally.
    case closed
    /// A system call failed (`errno` text included).
    case system(call: String, message: String)
    /// The TLS layer failed: handshake, record layer or certificate verification.
    case tls(TLSFailure)
}

/// A TLS failure, with OpenSSL's reason where there is one.
public enum TLSFailure: Equatable, Sendable {
    /// The server certificate did not verify: the reason from `X509_verify_cert_error_string`.
    case certificateNotTrusted(String)
    /// The handshake failed for another reason (protocol version, alert, ...).
    case handshakeFailed(String)
    /// A TLS record could not be read or written after the handshake.
    case ioFailed(String)
    /// A TLS configuration step failed (CA file unreadable, ...).
    case configuration(String)
}
