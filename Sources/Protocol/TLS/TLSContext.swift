internal import COpenSSL
import Glibc

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

        try Self.applyPolicy(configuration, to: context)
        // Writes are retried with the same bytes at a possibly different address (a Swift
        // array is only pinned for the duration of one call), and may complete in parts.
        _ = xmppcli_SSL_CTX_set_mode(
            context,
            xmppcli_SSL_MODE_ENABLE_PARTIAL_WRITE() | xmppcli_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
    }

    /// What every TLS connection of the program has, whoever made its `SSL_CTX` (this class,
    /// or libcurl for HTTP upload): TLS 1.2 at least, no compression or renegotiation, and
    /// the trust asked for (the system store and the CA file, or nothing with `--insecure`).
    static func applyPolicy(_ configuration: TLSConfiguration, to context: OpaquePointer) throws(TransportError) {
        guard xmppcli_SSL_CTX_set_min_proto_version(context, xmppcli_TLS1_2_VERSION()) == 1 else {
            throw .tls(.configuration("cannot require TLS 1.2 or later"))
        }
        _ = xmppcli_SSL_CTX_set_options(
            context, xmppcli_SSL_OP_NO_COMPRESSION() | xmppcli_SSL_OP_NO_RENEGOTIATION())

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
            SystemTrustStore.load(into: context)
            OpenSSLErrorQueue.clear()
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
    }

    deinit { SSL_CTX_free(pointer) }
}

/// The system's trusted CAs, loaded the cheap way where the system allows it.
///
/// `SSL_CTX_set_default_verify_paths` parses the whole bundle file (about 140 certificates,
/// some 30 ms) before every connection. A hashed certificate directory (`c_rehash`, as
/// Debian's `/etc/ssl/certs`) is looked up lazily instead: only the issuers the chain needs
/// are read. The bundle is still loaded where there is no such directory, and OpenSSL's
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` are honoured.
enum SystemTrustStore {
    static func load(into context: OpaquePointer) {
        let directory = environment(String(cString: X509_get_default_cert_dir_env()))
            ?? String(cString: X509_get_default_cert_dir())
        let defaultFile = String(cString: X509_get_default_cert_file())
        let file = environment(String(cString: X509_get_default_cert_file_env())) ?? defaultFile
        guard hasHashedCertificates(directory) else {
            _ = SSL_CTX_load_verify_locations(context, file, nil)
            return
        }
        _ = SSL_CTX_load_verify_locations(context, nil, directory)
        // The distribution's bundle is made from the same certificates as the directory
        // (update-ca-certificates writes both), so it only needs reading when it is another file.
        if canonicalPath(file) != canonicalPath(defaultFile) {
            _ = SSL_CTX_load_verify_locations(context, file, nil)
        }
    }

    private static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    /// Whether `path` holds at least one `HHHHHHHH.N` link, the names OpenSSL looks up.
    static func hasHashedCertificates(_ path: String) -> Bool {
        guard let directory = opendir(path) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isHashName(name) { return true }
        }
        return false
    }

    static func isHashName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, !parts[1].isEmpty else { return false }
        return parts[0].allSatisfy(\.isHexDigit) && parts[1].allSatisfy(\.isNumber)
    }
}
