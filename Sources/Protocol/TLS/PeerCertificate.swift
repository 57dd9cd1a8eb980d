internal import COpenSSL

/// Readable facts about the server's certificate, for `-v` and for error messages.
///
/// Borrows the `X509` of a live `SSL` object: use it at once, never store it.
struct PeerCertificate {
    private let certificate: OpaquePointer

    init(_ certificate: OpaquePointer) {
        self.certificate = certificate
    }

    /// "subject CN=example.org; issuer CN=R11,O=Let's Encrypt,C=US; names example.org,
    /// *.example.org; expires Jun  1 12:00:00 2026 GMT".
    var summary: String {
        let names = subjectAltNames
        return [
            "subject " + Self.text(of: X509_get_subject_name(certificate)),
            "issuer " + Self.text(of: X509_get_issuer_name(certificate)),
            "names " + (names.isEmpty ? "none" : names.joined(separator: ", ")),
            "expires " + Self.text(of: X509_get0_notAfter(certificate)),
        ].joined(separator: "; ")
    }

    var subjectText: String { Self.text(of: X509_get_subject_name(certificate)) }
    var issuerText: String { Self.text(of: X509_get_issuer_name(certificate)) }
    var expiryText: String { Self.text(of: X509_get0_notAfter(certificate)) }

    /// Seconds from now to notAfter (negative once past), by `ASN1_TIME_diff`.
    var secondsToExpiry: Int64 {
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard ASN1_TIME_diff(&days, &seconds, nil, X509_get0_notAfter(certificate)) == 1 else { return 0 }
        return Int64(days) * 86_400 + Int64(seconds)
    }

    /// The subjectAltName DNS names and IP addresses: what the server name is checked against.
    var subjectAltNames: [String] {
        guard let extensionValue = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else {
            return []
        }
        let names = OpaquePointer(extensionValue)
        defer { GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<max(0, OPENSSL_sk_num(names)) {
            guard let entry = OPENSSL_sk_value(names, index) else { continue }
            let name = entry.assumingMemoryBound(to: GENERAL_NAME.self).pointee
            switch name.type {
            case GEN_DNS:
                result.append(Self.text(ofIA5: name.d.dNSName))
            case GEN_IPADD:
                result.append(Self.ipAddressText(name.d.iPAddress))
            default:
                continue
            }
        }
        return result
    }

    private static func text(ofIA5 string: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return "" }
        let bytes = UnsafeBufferPointer(start: data, count: Int(max(0, ASN1_STRING_length(string))))
        // Shown to a user: keep it to printable ASCII whatever the certificate holds.
        return String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }

    private static func ipAddressText(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return "" }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(max(0, ASN1_STRING_length(string)))))
        if bytes.count == 4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        guard bytes.count == 16 else { return "(invalid IP address)" }
        return stride(from: 0, to: 16, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    private static func text(of name: OpaquePointer?) -> String {
        withMemoryBIO { bio in
            _ = X509_NAME_print_ex(bio, name, 0, xmppcli_XN_FLAG_RFC2253())
        }
    }

    private static func text(of time: UnsafePointer<ASN1_TIME>?) -> String {
        guard let time else { return "unknown" }
        return withMemoryBIO { bio in _ = ASN1_TIME_print(bio, time) }
    }

    /// Runs `write` on a fresh memory BIO and returns what it wrote.
    private static func withMemoryBIO(_ write: (OpaquePointer) -> Void) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        write(bio)
        let count = Int(BIO_ctrl_pending(bio))
        guard count > 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = BIO_read(bio, &bytes, Int32(clamping: count))
        return String(decoding: bytes.prefix(max(0, Int(read))), as: UTF8.self)
    }
}

extension TLSConnection {
    /// The server certificate's subject, issuer, names and expiry on one line, for `-v`.
    public var peerCertificateSummary: String {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return "no certificate" }
        return PeerCertificate(certificate).summary
    }
}
