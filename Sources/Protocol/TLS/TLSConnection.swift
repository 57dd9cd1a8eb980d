internal import COpenSSL

/// TLS (OpenSSL) over a `TCPConnection`: STARTTLS upgrades and direct TLS (XEP-0368).
///
/// OpenSSL works on two memory BIOs and the socket I/O stays in `TCPConnection`, so the
/// deadlines, `EINTR` handling and `MSG_NOSIGNAL` sends are the TCP transport's own, and
/// OpenSSL is handed one whole record at a time (see `TLSRecordBuffer`), which makes
/// `hasBufferedData` exact.
public final class TLSConnection: Transport {
    private let tcp: TCPConnection
    /// The `SSL` object; it owns both BIOs.
    let ssl: OpaquePointer
    /// Records from the peer, given to OpenSSL one at a time.
    private let networkInput: OpaquePointer
    /// Records OpenSSL produced, waiting to be sent.
    private let networkOutput: OpaquePointer
    private var received = TLSRecordBuffer()
    /// Where `read` decrypts to, kept from one read to the next: a read returns a copy of
    /// what it got, so that a read of a few bytes neither allocates nor zeroes 64 KiB.
    private var readRoom: [UInt8] = []
    /// Bytes taken from `networkOutput` that the socket has not accepted yet (a deadline
    /// passed mid-send); sent first next time.
    private var unsent: [UInt8] = []
    private let serverName: String
    private let verifiesCertificate: Bool
    private var state = State.handshaking

    private enum State {
        case handshaking, established, failed, closed
    }

    private init(tcp: TCPConnection, context: TLSContext, configuration: TLSConfiguration) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw .tls(.configuration(OpenSSLErrorQueue.drain().message(or: "cannot create a TLS session")))
        }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .tls(.configuration("cannot create TLS buffers"))
        }
        SSL_set_bio(ssl, input, output)
        self.ssl = ssl
        self.networkInput = input
        self.networkOutput = output
        self.tcp = tcp
        self.serverName = configuration.serverName
        self.verifiesCertificate = configuration.verifyCertificate
        self.requestedOCSPStatus = configuration.requestsOCSPStatus
        try expectIdentity(configuration.serverName)
        try offerALPN(configuration.alpn)
        if configuration.requestsOCSPStatus { _ = xmppcli_SSL_request_ocsp_status(ssl) }
    }

    /// Whether the server was asked to staple an OCSP response.
    let requestedOCSPStatus: Bool

    deinit {
        tcp.close()
        SSL_free(ssl)
    }

    /// Performs the TLS handshake over `tcp`, which the returned connection then owns (and
    /// closes, also when the handshake fails).
    ///
    /// Requires TLS 1.2 or later, sends `serverName` as SNI, offers `alpn`, and unless
    /// `verifyCertificate` is off verifies the chain against the system store plus `caFile`
    /// and the name as an RFC 6125 DNS-ID: subjectAltName only (never the subject CN), a
    /// wildcard only as the whole left-most label. Returns only once all of that succeeded,
    /// so nothing can be sent to an unverified server.
    ///
    /// Throws `.tls(.certificateNotTrusted(reason))`, `.tls(.handshakeFailed(reason))`,
    /// `.tls(.configuration(reason))` (e.g. an unreadable CA file), `.connectionLost` or
    /// `.timedOut`.
    public static func handshake(
        over tcp: TCPConnection, configuration: TLSConfiguration, deadline: Deadline
    ) throws(TransportError) -> TLSConnection {
        try handshake(
            over: tcp, context: Result { () throws(TransportError) in try TLSContext(configuration: configuration) },
            configuration: configuration, deadline: deadline)
    }

    /// The same with a context made beforehand from `configuration` (or the reason it could
    /// not be made): `Connector` makes it while the TCP handshake is under way.
    static func handshake(
        over tcp: TCPConnection, context prepared: Result<TLSContext, TransportError>,
        configuration: TLSConfiguration, deadline: Deadline
    ) throws(TransportError) -> TLSConnection {
        let context: TLSContext
        do {
            context = try prepared.get()
        } catch {
            tcp.close()
            throw error
        }
        let connection: TLSConnection
        do {
            connection = try TLSConnection(tcp: tcp, context: context, configuration: configuration)
        } catch {
            tcp.close()
            throw error
        }
        try connection.performHandshake(deadline: deadline)
        return connection
    }

    // MARK: Session set-up

    /// SNI and the name (or IP address) the certificate must carry.
    private func expectIdentity(_ name: String) throws(TransportError) {
        guard !name.isEmpty, !name.utf8.contains(0) else {
            throw .tls(.configuration("invalid TLS server name \"\(name)\""))
        }
        // Certificates and SNI carry internationalized names as A-labels ("xn--...").
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw .tls(.configuration("the TLS server name \"\(name)\" must be ASCII (IDNA A-labels)"))
        }
        let parameters = SSL_get0_param(ssl)
        X509_VERIFY_PARAM_set_hostflags(
            parameters,
            UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        OpenSSLErrorQueue.clear()
        // An IP literal is checked against iPAddress entries, and never sent as SNI (RFC 6066).
        if X509_VERIFY_PARAM_set1_ip_asc(parameters, name) == 1 { return }
        OpenSSLErrorQueue.clear()
        guard X509_VERIFY_PARAM_set1_host(parameters, name, 0) == 1,
            xmppcli_SSL_set_tlsext_host_name(ssl, name) == 1
        else {
            let reason = OpenSSLErrorQueue.drain().message(or: "rejected by OpenSSL")
            throw .tls(.configuration("invalid TLS server name \"\(name)\": \(reason)"))
        }
    }

    private func offerALPN(_ protocols: [String]) throws(TransportError) {
        guard !protocols.isEmpty else { return }
        var wire: [UInt8] = []
        for name in protocols {
            guard (1...255).contains(name.utf8.count) else {
                throw .tls(.configuration("invalid ALPN protocol name \"\(name)\""))
            }
            wire.append(UInt8(name.utf8.count))
            wire.append(contentsOf: name.utf8)
        }
        // Unlike most of OpenSSL, 0 means success here.
        guard SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0 else {
            throw .tls(.configuration("cannot set ALPN protocols"))
        }
    }

    /// The round trips the handshake cost, as the protocol defines them: one for TLS 1.3
    /// or a resumed TLS 1.2 session, two for a full TLS 1.2 handshake (the client sends
    /// nothing early). Counted by version rather than by reads, since a server's flight
    /// may arrive in several reads.
    public var handshakeRoundTrips: Int {
        SSL_version(ssl) >= TLS1_3_VERSION || SSL_session_reused(ssl) == 1 ? 1 : 2
    }

    private func performHandshake(deadline: Deadline) throws(TransportError) {
        SSL_set_connect_state(ssl)
        let ssl = self.ssl
        switch try run(.handshake, deadline: deadline, { SSL_connect(ssl) }) {
        case .completed:
            break
        case .closedByPeer:
            state = .failed
            throw .connectionLost("the server closed the TLS session during the handshake")
        }
        // SSL_VERIFY_PEER already failed the handshake otherwise; checked again so that a
        // change in OpenSSL's behaviour can never let an unverified session through.
        if verifiesCertificate {
            let result = SSL_get_verify_result(ssl)
            guard result == X509_V_OK, SSL_get0_peer_certificate(ssl) != nil else {
                state = .failed
                throw .tls(.certificateNotTrusted(verificationFailureReason(result)))
            }
        }
        state = .established
    }

    // MARK: Transport

    public func read(maxCount: Int, deadline: Deadline) throws(TransportError) -> [UInt8] {
        precondition(maxCount > 0, "read(maxCount:) needs room for at least one byte")
        try checkUsable()
        let capacity = min(maxCount, Int(Int32.max))
        if readRoom.count < capacity { readRoom = [UInt8](repeating: 0, count: capacity) }
        let ssl = self.ssl
        let outcome = try run(.data, deadline: deadline) {
            readRoom.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(capacity)) }
        }
        switch outcome {
        case .completed(let count):
            return Array(readRoom[..<count])
        case .closedByPeer:
            return []
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError) {
        try checkUsable()
        let ssl = self.ssl
        var offset = 0
        while offset < bytes.count {
            // One record's worth at a time, so that what waits in memory stays small.
            let count = min(bytes.count - offset, 16 * 1024)
            let outcome = try run(.data, deadline: deadline) {
                bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(count)) }
            }
            guard case .completed(let written) = outcome else {
                throw .connectionLost("the server closed the TLS session")
            }
            offset += written
        }
        try flush(deadline: deadline)
    }

    /// Sends close_notify without waiting for the server's, then closes the socket.
    public func close() {
        guard state != .closed else { return }
        if state == .established {
            OpenSSLErrorQueue.clear()
            _ = SSL_shutdown(ssl)
            try? flush(deadline: .now())
            OpenSSLErrorQueue.clear()
        }
        state = .closed
        tcp.close()
    }

    private func checkUsable() throws(TransportError) {
        switch state {
        case .established: return
        case .closed: throw .closed
        case .handshaking, .failed: throw .tls(.ioFailed("the TLS session has failed"))
        }
    }

    // MARK: Connection details

    /// The socket, for `poll(2)` loops; -1 once closed. Check `hasBufferedData` first.
    public var fileDescriptor: Int32 { tcp.fileDescriptor }

    /// Whether a `read` can return data without the socket becoming readable: decrypted
    /// bytes inside OpenSSL, or a whole record received but not decrypted yet. Poll loops
    /// must drain these before polling the descriptor. (Such a record may also turn out to
    /// carry no data, a TLS 1.3 session ticket: a loop that must not block then reads with
    /// a near deadline.)
    public var hasBufferedData: Bool {
        SSL_pending(ssl) > 0 || BIO_ctrl_pending(networkInput) > 0 || received.hasCompleteChunk
    }

    /// "TLSv1.3", "TLSv1.2".
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// OpenSSL's name of the cipher suite: "TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES128-GCM-SHA256".
    public var cipher: String {
        guard let suite = SSL_get_current_cipher(ssl) else { return "none" }
        return String(cString: SSL_CIPHER_get_name(suite))
    }

    public var isTLS13: Bool { SSL_version(ssl) == xmppcli_TLS1_3_VERSION() }

    /// The protocol the server chose from `TLSConfiguration.alpn`, if it chose one.
    public var negotiatedALPN: String? {
        var name: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &name, &length)
        guard let name, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }

    // MARK: Driving OpenSSL

    private enum Phase {
        case handshake, data
    }

    private enum Outcome {
        /// The call's positive result (bytes read or written; 1 for the handshake).
        case completed(Int)
        /// The peer sent close_notify.
        case closedByPeer
    }

    /// Calls `operation` until it completes, sending what OpenSSL produced after each call
    /// and feeding it the next record from the network whenever it needs one.
    private func run(
        _ phase: Phase, deadline: Deadline, _ operation: () -> Int32
    ) throws(TransportError) -> Outcome {
        while true {
            OpenSSLErrorQueue.clear()
            let result = operation()
            let status = SSL_get_error(ssl, result)
            if result > 0 {
                try flush(deadline: deadline)
                return .completed(Int(result))
            }
            switch status {
            case SSL_ERROR_WANT_READ:
                try flush(deadline: deadline)
                try receiveRecord(phase, deadline: deadline)
            case SSL_ERROR_WANT_WRITE:
                try flush(deadline: deadline)
            case SSL_ERROR_ZERO_RETURN:
                try? flush(deadline: deadline)
                return .closedByPeer
            default:
                let queue = OpenSSLErrorQueue.drain()
                state = .failed
                // The alert OpenSSL queued tells the server why; its failure changes nothing.
                try? flush(deadline: deadline)
                throw failure(phase, status: status, queue: queue)
            }
        }
    }

    private func failure(_ phase: Phase, status: Int32, queue: OpenSSLErrorQueue) -> TransportError {
        let reason = queue.message(or: "OpenSSL error \(status)")
        switch phase {
        case .data:
            return .tls(.ioFailed(reason))
        case .handshake:
            let result = SSL_get_verify_result(ssl)
            if verifiesCertificate && result != X509_V_OK {
                return .tls(.certificateNotTrusted(verificationFailureReason(result)))
            }
            return .tls(.handshakeFailed(reason))
        }
    }

    /// "certificate verify failed: hostname mismatch (server name: example.org; certificate
    /// names: other.example)".
    private func verificationFailureReason(_ result: Int) -> String {
        let detail =
            result == X509_V_OK
            ? "no certificate" : String(cString: X509_verify_cert_error_string(result))
        var context = "server name: \(serverName)"
        if result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH,
            let certificate = receivedLeafCertificate()
        {
            let names = PeerCertificate(certificate).subjectAltNames
            context += "; certificate names: " + (names.isEmpty ? "none" : names.joined(separator: ", "))
        }
        return "certificate verify failed: \(detail) (\(context))"
    }

    /// The server's certificate, also after it failed verification: OpenSSL only records
    /// the verified peer certificate, but keeps the chain as received (leaf first).
    private func receivedLeafCertificate() -> OpaquePointer? {
        if let verified = SSL_get0_peer_certificate(ssl) { return verified }
        guard let chain = SSL_get_peer_cert_chain(ssl), OPENSSL_sk_num(chain) > 0 else { return nil }
        return OPENSSL_sk_value(chain, 0).map(OpaquePointer.init)
    }

    /// Sends every byte OpenSSL has produced.
    private func flush(deadline: Deadline) throws(TransportError) {
        let pending = Int(BIO_ctrl_pending(networkOutput))
        if pending > 0 {
            var produced = [UInt8](repeating: 0, count: pending)
            let count = BIO_read(networkOutput, &produced, Int32(clamping: pending))
            unsent.append(contentsOf: produced.prefix(max(0, Int(count))))
        }
        while !unsent.isEmpty {
            let tcp = self.tcp
            let sent = unsent.withUnsafeBytes { bytes in
                Result { () throws(TransportError) -> Int in try tcp.writeSome(bytes, deadline: deadline) }
            }
            unsent.removeFirst(try sent.get())
        }
    }

    /// Waits for the next whole record from the network and hands it to OpenSSL.
    private func receiveRecord(_ phase: Phase, deadline: Deadline) throws(TransportError) {
        while !received.hasCompleteChunk {
            let bytes = try tcp.read(maxCount: 17 * 1024, deadline: deadline)
            guard !bytes.isEmpty else {
                state = .failed
                switch phase {
                case .handshake:
                    throw .connectionLost("the server closed the connection during the TLS handshake")
                case .data:
                    throw .connectionLost("the server closed the connection without ending the TLS session")
                }
            }
            received.append(bytes)
        }
        if let record = received.takeChunk() {
            _ = record.withUnsafeBytes { BIO_write(networkInput, $0.baseAddress, Int32($0.count)) }
        }
    }
}
