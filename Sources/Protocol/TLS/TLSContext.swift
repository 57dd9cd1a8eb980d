internal import COpenSSL

/// An `SSL_CTX` set up for the client side of one connection: TLS 1.2 at least, no
/// compression or renegotiation, and the trust store and verification mode asked for.
final class TLSContext {
    let pointer: OpaquePointer

    init(configuration: TLSConfiguration) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            let reason = OpenSSLErrorQueue.drain().message(or: "out of memory")
            throw .tls(.configuration("cannot create a TLS context: \(reason)"))
        }
        pointer = context

        guard xmppcli_SSL_CTX_set_min_proto_version(context, xmppcli_TLS1_2_VERSION()) == 1 else {
            throw .tls(.configuration("cannot require TLS 1.2 or later"))
        }
        _ = xmppcli_SSL_CTX_set_options(
            context, xmppcli_SSL_OP_NO_COMPRESSION() | xmppcli_SSL_OP_NO_RENEGOTIATION())
        // Writes are retried with the same bytes at a possibly different address (a Swift
        // array is only pinned for the duration of one call), and may complete in parts.
        _ = xmppcli_SSL_CTX_set_mode(
            context,
            xmppcli_SSL_MODE_ENABLE_PARTIAL_WRITE() | xmppcli_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())

        // Loaded even with verification off: a mistyped path is a mistake worth reporting.
        if let caFile = configuration.caFile {
            OpenSSLErrorQueue.clear()
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                let reason = OpenSSLErrorQueue.drain().message(or: "no certificate found")
                throw .tls(.configuration("cannot read CA file \(caFile): \(reason)"))
            }
        }
        if configuration.verifyCertificate {
            // A machine without a system store still trusts the CA file; nothing to report.
            _ = SSL_CTX_set_default_verify_paths(context)
            OpenSSLErrorQueue.clear()
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
    }

    deinit { SSL_CTX_free(pointer) }
}
