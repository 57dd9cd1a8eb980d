internal import COpenSSL

/// The hash functions SCRAM and other checksums are built on.
public enum HashAlgorithm: Sendable, CaseIterable {
    case sha1, sha256, sha384, sha512

    /// Output size in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The name as RFCs write it: `SHA-1`, `SHA-256`...
    public var name: String {
        switch self {
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        case .sha384: "SHA-384"
        case .sha512: "SHA-512"
        }
    }

    /// OpenSSL's static descriptor for the algorithm (never freed: it is a built-in table).
    var evpMD: OpaquePointer {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// Why libcrypto refused an operation: for example a FIPS-mode OpenSSL, whose PBKDF2 can refuse
/// salts shorter than 16 bytes or fewer than 1000 iterations, parameters a server chooses.
public struct CryptoError: Error, Equatable, Sendable {
    /// What was asked, e.g. `PBKDF2-HMAC-SHA-256`.
    public let operation: String
    /// OpenSSL's reason ("invalid iteration count"), or ours for an argument it cannot take.
    public let reason: String
}

extension CryptoError: CustomStringConvertible {
    public var description: String { "\(operation) failed: \(reason)" }
}

/// Hashes, HMACs, PBKDF2 and random bytes: the only door to libcrypto for these.
///
/// Hashes and HMACs work on whole in-memory buffers and cannot fail for valid arguments; a
/// failure there would mean a broken library and stops the program with the function's name.
/// PBKDF2 takes its parameters from the server, and OpenSSL's policy (its FIPS provider)
/// may refuse them: that is a thrown `CryptoError`.
public enum Digest {
    /// `H(data)`, via `EVP_Digest`.
    public static func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        var outputLength: UInt32 = 0
        let status = withNonNullPointer(data) { dataPointer in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(dataPointer, data.count, out.baseAddress, &outputLength, algorithm.evpMD, nil)
            }
        }
        precondition(status == 1 && Int(outputLength) == algorithm.digestLength, "EVP_Digest failed")
        return output
    }

    /// `HMAC(key, data)`, via OpenSSL's one-shot `HMAC`.
    public static func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        var outputLength: UInt32 = 0
        let result = withNonNullPointer(key) { keyPointer in
            withNonNullPointer(data) { dataPointer in
                output.withUnsafeMutableBufferPointer { out in
                    HMAC(algorithm.evpMD, keyPointer, Int32(clamping: key.count), dataPointer, data.count,
                         out.baseAddress, &outputLength)
                }
            }
        }
        precondition(result != nil && Int(outputLength) == algorithm.digestLength, "HMAC failed")
        return output
    }

    /// PBKDF2 with HMAC-`algorithm` (RFC 8018), via `PKCS5_PBKDF2_HMAC`. SCRAM's `Hi()` is this
    /// with `length` equal to the digest length.
    ///
    /// The iteration count goes to OpenSSL as it is, so that its own policy decides (the
    /// default provider refuses 0; the FIPS provider also low counts and short salts); callers
    /// that take it from the network range-check it first, which bounds the CPU time.
    ///
    /// - Throws: `CryptoError` when OpenSSL refuses, or when `iterations` or `length` do not fit
    ///   the `Int32` OpenSSL takes (or `length` is not positive).
    public static func pbkdf2(
        _ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8], iterations: Int, length: Int
    ) throws(CryptoError) -> [UInt8] {
        let operation = "PBKDF2-HMAC-\(algorithm.name)"
        guard let iterationCount = Int32(exactly: iterations) else {
            throw CryptoError(operation: operation, reason: "the iteration count \(iterations) is out of range")
        }
        guard length >= 1, let outputLength = Int32(exactly: length) else {
            throw CryptoError(operation: operation, reason: "the key length \(length) is out of range")
        }
        var output = [UInt8](repeating: 0, count: length)
        OpenSSLErrorQueue.clear()
        let status = withNonNullPointer(password) { passwordPointer in
            withNonNullPointer(salt) { saltPointer in
                output.withUnsafeMutableBufferPointer { out in
                    passwordPointer.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) {
                        PKCS5_PBKDF2_HMAC(
                            $0, Int32(clamping: password.count), saltPointer, Int32(clamping: salt.count),
                            iterationCount, algorithm.evpMD, outputLength, out.baseAddress)
                    }
                }
            }
        }
        guard status == 1 else {
            KeyMaterial.wipe(&output)
            throw CryptoError(operation: operation, reason: OpenSSLErrorQueue.drain().message(or: "OpenSSL refused the parameters"))
        }
        return output
    }

    /// `count` cryptographically secure random bytes from `RAND_bytes`; should OpenSSL's
    /// generator be unavailable, the system generator (getrandom) fills in rather than failing.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(clamping: count)) }
        if status != 1 || count > Int(Int32.max) {
            ERR_clear_error()
            var generator = SystemRandomNumberGenerator()
            for index in output.indices { output[index] = generator.next() }
        }
        return output
    }

    /// Compares two byte strings in time that depends only on their lengths, so that a
    /// verifier's answer time does not reveal how many leading bytes of a guess were right.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Calls `body` with a pointer to `bytes` that is never nil: OpenSSL treats a nil key or
    /// buffer specially (HMAC reuses the previous key), while an empty array may have no storage.
    private static func withNonNullPointer<Result>(
        _ bytes: [UInt8], _ body: (UnsafePointer<UInt8>) -> Result
    ) -> Result {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return withUnsafePointer(to: &placeholder) { body($0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
