/// How a SCRAM exchange uses TLS channel binding (RFC 5802 §6): the GS2 header flag.
public enum SCRAMChannelBinding: Sendable, Equatable {
    /// Flag `n`: no channel binding (no TLS binding available, or none shared with a server
    /// that offers -PLUS).
    case unsupported
    /// Flag `y`: the client could bind but the server offered no -PLUS mechanism. A server that
    /// does support -PLUS then fails the exchange, which exposes a stripped mechanism list.
    case supportedButNotOffered
    /// Flag `p=<type>`: bind to this TLS channel; the mechanism name gets `-PLUS`.
    case bound(ChannelBindingData)
}

/// SCRAM client (RFC 5802, RFC 7677): SCRAM-SHA-1, -SHA-256 and -SHA-512, each optionally -PLUS.
///
/// The exchange is client-first, server-first, client-final, server-final. The server's final
/// message carries its signature, which proves it knows the password (or a derivation of it);
/// `verifySuccess` throws unless that signature was checked, whether it arrived as a last
/// challenge or in `<success/>`. Its descriptions show the step it is at, never the
/// password or anything derived from it.
public struct SCRAM: SASLMechanism, Sendable, SecretHolding {
    /// The largest iteration count accepted from a server; RFC 7677 asks for at least 4096,
    /// and servers use up to a few hundred thousand.
    public static let maximumIterationCount = 1_000_000

    public let name: String
    private let hash: HashAlgorithm
    private let username: String
    private let password: String
    private let channelBinding: SCRAMChannelBinding
    private let clientNonce: String
    private var state = State.initial
    /// The salt and iteration count of this exchange, once the server has sent them.
    public private(set) var keyParameters: SCRAMKeyParameters?
    /// Whether the keys of this exchange came from `deriveAhead`.
    public private(set) var derivedKeysAhead = false
    /// The salted password derived by `deriveAhead`, and from what; wiped once used.
    private var derivedAhead: (parameters: SCRAMKeyParameters, saltedPassword: [UInt8])?
    /// What the server advertised, to check against its XEP-0474 `h` attribute; nil where
    /// the caller has nothing to compare.
    public var downgradeProtection: SCRAMDowngradeProtection?
    /// SCRAM's `Hi()`: PBKDF2 with the mechanism's hash. A stored function only so that a
    /// test can make it fail as a FIPS-mode OpenSSL does.
    var deriveSaltedPassword: @Sendable (
        _ hash: HashAlgorithm, _ password: [UInt8], _ salt: [UInt8], _ iterations: Int
    ) throws(CryptoError) -> [UInt8] = { hash, password, salt, iterations throws(CryptoError) in
        try Digest.pbkdf2(hash, password: password, salt: salt, iterations: iterations, length: hash.digestLength)
    }

    private enum State: Sendable {
        case initial
        case awaitingServerFirst(clientFirstBare: String, preparedPassword: String)
        case awaitingServerFinal(expectedServerSignature: [UInt8])
        case verified(serverSignature: [UInt8])
        case failed
    }

    /// - Parameters:
    ///   - hash: `.sha1`, `.sha256` or `.sha512`.
    ///   - clientNonce: printable ASCII without commas; nil draws 24 random bytes, base64-encoded.
    ///     A fixed nonce is for test vectors only.
    public init(
        hash: HashAlgorithm, username: String, password: String,
        channelBinding: SCRAMChannelBinding, clientNonce: String? = nil
    ) {
        let nonce = clientNonce ?? Base64.encode(Digest.randomBytes(24))
        precondition(!nonce.isEmpty && nonce.utf8.allSatisfy(SCRAMServerMessage.isPrintable),
                     "SCRAM client nonce must be printable ASCII without commas")
        if case .bound(let binding) = channelBinding {
            precondition(!binding.type.isEmpty && binding.type.utf8.allSatisfy(Self.isChannelBindingNameByte),
                         "channel-binding type must be letters, digits, '.' and '-'")
        }
        self.hash = hash
        self.username = username
        self.password = password
        self.channelBinding = channelBinding
        self.clientNonce = nonce
        self.name = Self.mechanismName(hash: hash, plus: { if case .bound = channelBinding { true } else { false } }())
    }

    /// The channel-binding type of a -PLUS mechanism (`tls-exporter`...), nil otherwise.
    public var channelBindingType: String? {
        if case .bound(let binding) = channelBinding { binding.type } else { nil }
    }

    /// `SCRAM-SHA-256`, `SCRAM-SHA-256-PLUS`, ...
    public static func mechanismName(hash: HashAlgorithm, plus: Bool) -> String {
        let base = switch hash {
        case .sha1: "SCRAM-SHA-1"
        case .sha256: "SCRAM-SHA-256"
        case .sha384: "SCRAM-SHA-384"
        case .sha512: "SCRAM-SHA-512"
        }
        return plus ? base + "-PLUS" : base
    }

    public mutating func initialResponse() throws(SASLError) -> [UInt8] {
        guard case .initial = state else { throw fail(.unexpectedChallenge) }
        let preparedUsername: String
        let preparedPassword: String
        do { preparedUsername = try SASLprep.prepare(username) } catch { throw fail(.invalidUsername(error.reason)) }
        do { preparedPassword = try SASLprep.prepare(password) } catch { throw fail(.invalidPassword(error.reason)) }
        let clientFirstBare = "n=\(Self.escapeUsername(preparedUsername)),r=\(clientNonce)"
        state = .awaitingServerFirst(clientFirstBare: clientFirstBare, preparedPassword: preparedPassword)
        return Array((gs2Header + clientFirstBare).utf8)
    }

    /// Derives the salted password now for the salt and iteration count the server is
    /// expected to send (those of the last login), so that the key derivation, the costly
    /// part of SCRAM, runs while the server-first-message is on its way rather than after
    /// it. The answer to a server that sends anything else is derived as usual. Call it once
    /// the first message has been sent.
    public mutating func deriveAhead(_ expected: SCRAMKeyParameters) {
        guard case .awaitingServerFirst(_, let preparedPassword) = state, derivedAhead == nil,
            (1...Self.maximumIterationCount).contains(expected.iterations), !expected.salt.isEmpty
        else { return }
        var passwordBytes = Array(preparedPassword.utf8)
        defer { KeyMaterial.wipe(&passwordBytes) }
        // A refusal (a FIPS-mode OpenSSL) is left to be reported by the derivation proper.
        guard let salted = try? deriveSaltedPassword(hash, passwordBytes, expected.salt, expected.iterations) else { return }
        derivedAhead = (expected, salted)
    }

    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        switch state {
        case .initial:
            // A server that did not get an initial response asks for it with an empty challenge.
            guard challenge.isEmpty else { throw fail(.unexpectedChallenge) }
            return try initialResponse()
        case .awaitingServerFirst(let clientFirstBare, let preparedPassword):
            do {
                return try clientFinal(to: challenge, clientFirstBare: clientFirstBare, password: preparedPassword)
            } catch { throw fail(error) }
        case .awaitingServerFinal(let expected):
            // Some servers send the server-final-message as a challenge, then an empty <success/>.
            do { try verifyServerFinal(challenge, expected: expected) } catch { throw fail(error) }
            state = .verified(serverSignature: expected)
            return []
        case .verified, .failed:
            throw fail(.unexpectedChallenge)
        }
    }

    public mutating func verifySuccess(_ additionalData: [UInt8]) throws(SASLError) {
        switch state {
        case .awaitingServerFinal(let expected):
            guard !additionalData.isEmpty else { throw fail(.successWithoutVerification) }
            do { try verifyServerFinal(additionalData, expected: expected) } catch { throw fail(error) }
            state = .verified(serverSignature: expected)
        case .verified(let signature):
            // Already verified from a challenge; a repeated server-final must still be right.
            if !additionalData.isEmpty {
                do { try verifyServerFinal(additionalData, expected: signature) } catch { throw fail(error) }
            }
        case .initial, .awaitingServerFirst, .failed:
            throw fail(.successWithoutVerification)
        }
    }

    // MARK: - Steps

    private var gs2Header: String {
        switch channelBinding {
        case .unsupported: "n,,"
        case .supportedButNotOffered: "y,,"
        case .bound(let binding): "p=\(binding.type),,"
        }
    }

    /// The `c=` input: the GS2 header, followed by the binding data only for flag `p`.
    private var channelBindingInput: [UInt8] {
        if case .bound(let binding) = channelBinding { return Array(gs2Header.utf8) + binding.data }
        return Array(gs2Header.utf8)
    }

    /// Computes the proof and the server signature to expect (RFC 5802 §3). The salted
    /// password and the keys derived from it are wiped as soon as they have served (see
    /// `KeyMaterial` for what Swift leaves out of reach); only the expected server signature,
    /// which the server sends in the clear anyway, is kept.
    private mutating func clientFinal(
        to challenge: [UInt8], clientFirstBare: String, password: String
    ) throws(SASLError) -> [UInt8] {
        let serverFirst = try SCRAMServerMessage.parseFirst(challenge, clientNonce: clientNonce)
        try downgradeProtection?.verify(serverFirst.downgradeHash, hash: hash)
        let clientFinalWithoutProof = "c=\(Base64.encode(channelBindingInput)),r=\(serverFirst.nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst.text),\(clientFinalWithoutProof)".utf8)

        let parameters = SCRAMKeyParameters(salt: serverFirst.salt, iterations: serverFirst.iterations)
        keyParameters = parameters
        var passwordBytes = Array(password.utf8)
        defer { KeyMaterial.wipe(&passwordBytes) }
        var saltedPassword: [UInt8]
        var ahead = derivedAhead
        derivedAhead = nil
        defer { if ahead != nil { KeyMaterial.wipe(&ahead!.saltedPassword) } }
        do {
            if let ahead, ahead.parameters == parameters {
                saltedPassword = ahead.saltedPassword
                derivedKeysAhead = true
            } else {
                saltedPassword = try deriveSaltedPassword(hash, passwordBytes, serverFirst.salt, serverFirst.iterations)
            }
        } catch {
            throw .keyDerivationFailed(
                "\(error.operation) with \(serverFirst.iterations) iterations and a salt of \(serverFirst.salt.count) bytes "
                    + "was refused (\(error.reason))")
        }
        defer { KeyMaterial.wipe(&saltedPassword) }
        var clientKey = Digest.hmac(hash, key: saltedPassword, data: Array("Client Key".utf8))
        defer { KeyMaterial.wipe(&clientKey) }
        var storedKey = Digest.hash(hash, clientKey)
        defer { KeyMaterial.wipe(&storedKey) }
        var clientSignature = Digest.hmac(hash, key: storedKey, data: authMessage)
        defer { KeyMaterial.wipe(&clientSignature) }
        let clientProof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        var serverKey = Digest.hmac(hash, key: saltedPassword, data: Array("Server Key".utf8))
        defer { KeyMaterial.wipe(&serverKey) }
        let serverSignature = Digest.hmac(hash, key: serverKey, data: authMessage)

        state = .awaitingServerFinal(expectedServerSignature: serverSignature)
        return Array("\(clientFinalWithoutProof),p=\(Base64.encode(clientProof))".utf8)
    }

    private func verifyServerFinal(_ message: [UInt8], expected: [UInt8]) throws(SASLError) {
        switch try SCRAMServerMessage.parseFinal(message) {
        case .error(let reason):
            throw .serverError(reason)
        case .verifier(let signature):
            guard Digest.constantTimeEquals(signature, expected) else { throw .invalidServerSignature }
        }
    }

    /// Marks the exchange as spent, so that no later call can succeed, and returns `error`.
    private mutating func fail(_ error: SASLError) -> SASLError {
        state = .failed
        return error
    }

    /// RFC 5802 §5.1 `saslname`: `=` becomes `=3D` and `,` becomes `=2C`.
    static func escapeUsername(_ username: String) -> String {
        // By scalar, not Character: a combining mark after "=" must not hide it.
        var escaped = String.UnicodeScalarView()
        for scalar in username.unicodeScalars {
            switch scalar {
            case "=": escaped.append(contentsOf: "=3D".unicodeScalars)
            case ",": escaped.append(contentsOf: "=2C".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// RFC 5056 `cb-name` characters: letters, digits, `.` and `-`.
    private static func isChannelBindingNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"): true
        default: false
        }
    }
}

/// What SCRAM's key derivation takes from the server (its server-first-message): the
/// account's salt and the iteration count. Not secret (the server tells anyone who asks
/// for the account), and remembered so the next login can derive its keys ahead.
public struct SCRAMKeyParameters: Sendable, Equatable {
    public var salt: [UInt8]
    public var iterations: Int

    public init(salt: [UInt8], iterations: Int) {
        self.salt = salt
        self.iterations = iterations
    }
}

extension SCRAM {
    /// The mechanism's hash, as `HashAlgorithm.name` spells it.
    public var hashName: String { hash.name }

    public var visibleFields: KeyValuePairs<String, Any> {
        let step = switch state {
        case .initial: "initial"
        case .awaitingServerFirst: "awaiting server-first-message"
        case .awaitingServerFinal: "awaiting server-final-message"
        case .verified: "verified"
        case .failed: "failed"
        }
        return [
            "name": name, "username": username, "password": Redacted(),
            "channelBinding": channelBindingType ?? "none", "step": step,
        ]
    }
}
