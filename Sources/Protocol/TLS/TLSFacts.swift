internal import COpenSSL
import Glibc

/// What a TLS connection is, for reports (`doctor`): the version, cipher and ALPN agreed,
/// and the chain the server sent, each certificate's names and expiry.
public struct TLSFacts: Sendable, Equatable {
    public var version: String
    public var cipher: String
    public var alpn: String?
    /// Leaf first, as the server sent them.
    public var chain: [CertificateFacts]
    /// Whether the chain was verified (false only with `--insecure`).
    public var verified: Bool
    /// Whether the server stapled an OCSP response; nil when none was asked for.
    public var ocspStapled: Bool?
}

/// One certificate of a chain, readable.
public struct CertificateFacts: Sendable, Equatable {
    public var subject: String
    public var issuer: String
    /// subjectAltName DNS names and IP addresses.
    public var names: [String]
    /// notAfter, as OpenSSL prints it ("Jun  1 12:00:00 2026 GMT").
    public var expires: String
    /// Seconds from now to notAfter; negative once expired.
    public var secondsToExpiry: Int64
}

extension TLSConnection {
    /// The facts of this connection (`verified`: whether the chain was checked).
    public func facts(verified: Bool) -> TLSFacts {
        TLSFacts(
            version: protocolVersion, cipher: cipher, alpn: negotiatedALPN, chain: peerChain, verified: verified,
            ocspStapled: requestedOCSPStatus ? xmppcli_SSL_ocsp_response_length(ssl) > 0 : nil)
    }

    private var peerChain: [CertificateFacts] {
        guard let stack = SSL_get_peer_cert_chain(ssl) else {
            return SSL_get0_peer_certificate(ssl).map { [PeerCertificate($0).facts] } ?? []
        }
        let chain = stack
        return (0..<max(0, OPENSSL_sk_num(chain))).compactMap { index in
            OPENSSL_sk_value(chain, index).map { PeerCertificate(OpaquePointer($0)).facts }
        }
    }
}

extension PeerCertificate {
    var facts: CertificateFacts {
        CertificateFacts(
            subject: subjectText, issuer: issuerText, names: subjectAltNames, expires: expiryText,
            secondsToExpiry: secondsToExpiry)
    }
}
