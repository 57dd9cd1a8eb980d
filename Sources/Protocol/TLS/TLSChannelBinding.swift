internal import COpenSSL

extension TLSConnection {
    /// The channel-binding data this connection offers for SCRAM-*-PLUS, best first.
    ///
    /// - TLS 1.3: `tls-exporter` (RFC 9266): 32 bytes exported with the label
    ///   "EXPORTER-Channel-Binding" and no context.
    /// - TLS 1.2: `tls-unique` (RFC 5929 §3.1), then `tls-server-end-point` (RFC 5929 §4.1),
    ///   then `tls-exporter`. `tls-unique` comes first because it is the type RFC 5802 §6
    ///   requires of every server that binds at all, so it is the one to use with a server
    ///   that does not list its types (XEP-0440). It and the exporter are offered only when
    ///   the extended master secret was negotiated: without it neither is unique to the
    ///   connection (RFC 7627, the triple handshake; RFC 9266 §4.2).
    ///
    /// Empty before the handshake completed or when nothing could be computed.
    public func channelBindings() -> [ChannelBindingData] {
        guard SSL_is_init_finished(ssl) == 1 else { return [] }
        var bindings: [ChannelBindingData] = []
        if isTLS13 {
            if let exporter = exporterBinding() { bindings.append(ChannelBindingData(type: "tls-exporter", data: exporter)) }
        } else {
            let extendedMasterSecret = xmppcli_SSL_get_extms_support(ssl) == 1
            if extendedMasterSecret, let unique = uniqueBinding() {
                bindings.append(ChannelBindingData(type: "tls-unique", data: unique))
            }
            if let endPoint = serverEndPointBinding() { bindings.append(ChannelBindingData(type: "tls-server-end-point", data: endPoint)) }
            if extendedMasterSecret, let exporter = exporterBinding() {
                bindings.append(ChannelBindingData(type: "tls-exporter", data: exporter))
            }
        }
        return bindings
    }

    /// The first Finished message of the handshake: ours after a full handshake, the
    /// server's after a resumption (RFC 5929 §3.1). Defined for TLS 1.2 and older only.
    private func uniqueBinding() -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        let length =
            SSL_session_reused(ssl) == 1
            ? SSL_get_peer_finished(ssl, &output, output.count) : SSL_get_finished(ssl, &output, output.count)
        guard length > 0, length <= output.count else { return nil }
        return Array(output.prefix(length))
    }

    private func exporterBinding() -> [UInt8]? {
        let label = "EXPORTER-Channel-Binding"
        var output = [UInt8](repeating: 0, count: 32)
        OpenSSLErrorQueue.clear()
        let status = SSL_export_keying_material(
            ssl, &output, output.count, label, label.utf8.count, nil, 0, 0)
        OpenSSLErrorQueue.clear()
        return status == 1 ? output : nil
    }

    /// The hash of the server's DER certificate with the hash its signature uses, MD5 and
    /// SHA-1 replaced by SHA-256. Nil for signature algorithms without a single hash
    /// (Ed25519), for which RFC 5929 defines no value.
    private func serverEndPointBinding() -> [UInt8]? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        var digestNID: Int32 = NID_undef
        var keyNID: Int32 = NID_undef
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard X509_get_signature_info(certificate, &digestNID, &keyNID, nil, nil) == 1,
            digestNID != NID_undef
        else { return nil }
        if digestNID == NID_md5 || digestNID == NID_sha1 { digestNID = NID_sha256 }
        guard let digest = EVP_get_digestbyname(OBJ_nid2sn(digestNID)) else { return nil }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, digest, &output, &length) == 1 else { return nil }
        return Array(output.prefix(Int(length)))
    }
}

/// What the TLS layer tells SASL: the channel binding it can compute for this connection.
public struct ChannelBindingData: Sendable, Equatable {
    /// The channel-binding type name (RFC 5056 registry): `tls-exporter` (TLS 1.3, RFC 9266),
    /// `tls-server-end-point` (RFC 5929 §4) or `tls-unique` (RFC 5929 §3).
    public var type: String
    /// The binding bytes for that type.
    public var data: [UInt8]

    public init(type: String, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}
