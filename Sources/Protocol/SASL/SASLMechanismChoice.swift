/// Picks the SASL mechanism to use from the server's offer.
///
/// Order: SCRAM-SHA-512-PLUS > -256-PLUS > -1-PLUS > SCRAM-SHA-512 > -256 > -1 > PLAIN. Any
/// -PLUS beats any plain SCRAM, because channel binding is what defeats a man in the middle
/// holding a certificate we trust.
public enum SASLMechanismChoice {
    /// The SCRAM hashes we implement, strongest first.
    private static let scramHashes: [HashAlgorithm] = [.sha512, .sha256, .sha1]
    /// The channel binding every -PLUS server supports without saying so (RFC 5802 §6).
    static let defaultBindingType = "tls-unique"

    /// - Parameters:
    ///   - offered: the `<mechanism/>` names from the stream features.
    ///   - channelBindings: the bindings the TLS layer can compute for this connection (e.g.
    ///     tls-exporter on TLS 1.3, tls-unique on TLS 1.2), preferred first; empty
    ///     without TLS or when channel binding is turned off.
    ///   - serverChannelBindingTypes: the types the server advertises via XEP-0440, or nil when
    ///     it advertises none. Then only `tls-unique` is used, the one type RFC 5802 makes every
    ///     -PLUS server support: a server that does not say what it supports may know no other
    ///     (ejabberd before 23.10 checks only tls-unique, and on TLS 1.3 cannot check it at all),
    ///     and binding with a type it lacks would fail every login. On TLS 1.3 such a server gets
    ///     plain SCRAM, still inside TLS verified against the domain.
    ///   - allowPlain: whether PLAIN may be used at all. The caller passes true only over TLS
    ///     whose certificate was verified: PLAIN sends the password itself, so over an
    ///     unverified connection whoever answered (a man in the middle) would read it. Even
    ///     then PLAIN is chosen only when the server offers no SCRAM mechanism of any kind,
    ///     so that a SCRAM-capable server never receives the password itself.
    /// - Returns: a fresh mechanism; its SASLprep errors surface from `initialResponse()`.
    /// - Throws: `.plainNotAllowed` when PLAIN would have been chosen but `allowPlain` is
    ///   false, `.noUsableMechanism` when nothing offered is usable at all.
    public static func select(
        offered: [String], username: String, password: String,
        channelBindings: [ChannelBindingData], serverChannelBindingTypes: [String]?,
        allowPlain: Bool
    ) throws(SASLError) -> any SASLMechanism {
        let names = Set(offered.map { $0.trimmingXMLWhitespace().uppercased() })

        let sharedBinding = channelBindings.first { binding in
            serverChannelBindingTypes?.contains(binding.type) ?? (binding.type == defaultBindingType)
        }
        if let sharedBinding {
            for hash in scramHashes where names.contains(SCRAM.mechanismName(hash: hash, plus: true)) {
                return SCRAM(hash: hash, username: username, password: password, channelBinding: .bound(sharedBinding))
            }
        }

        // Flag "y" tells a server that offered no -PLUS mechanism that we could have bound; a
        // server that does support -PLUS then refuses, which exposes a stripped offer. When the
        // server offers -PLUS but we share no binding type with it, "n" is the honest flag.
        let serverOffersPlus = names.contains { $0.hasSuffix("-PLUS") }
        let flag: SCRAMChannelBinding =
            !channelBindings.isEmpty && !serverOffersPlus ? .supportedButNotOffered : .unsupported
        for hash in scramHashes where names.contains(SCRAM.mechanismName(hash: hash, plus: false)) {
            return SCRAM(hash: hash, username: username, password: password, channelBinding: flag)
        }

        let offersAnySCRAM = names.contains { $0.hasPrefix("SCRAM-") }
        if !offersAnySCRAM, names.contains("PLAIN") {
            guard allowPlain else { throw .plainNotAllowed }
            return PLAIN(username: username, password: password)
        }
        throw .noUsableMechanism(offered: offered)
    }
}
