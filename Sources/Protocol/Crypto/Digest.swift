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

    /// OpenSSL's static descriptor for the algorithm (never freed: it is a built-in table).
    fileprivate var evpMD: OpaquePointer {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// Hashes, HMACs, PBKDF2 and random bytes: the only door to libcrypto for these.
///
/// The functions work on whole in-memory buffers and cannot fail for valid arguments; a failure
/// inside OpenSSL would mean a broken library and stops the program with the function's name.
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
    /// - Precondition: `iterations` and `length` are positive and fit an `Int32`; callers that
    ///   take them from the network range-check them first.
    public static func pbkdf2(
        _ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8], iterations: Int, length: Int
    ) -> [UInt8] {
        precondition(iterations >= 1 && iterations <= Int(Int32.max), "PBKDF2 iteration count out of range")
        precondition(length >= 1 && length <= Int(Int32.max), "PBKDF2 output length out of range")
        var output = [UInt8](repeating: 0, count: length)
        let status = withNonNullPointer(password) { passwordPointer in
            withNonNullPointer(salt) { saltPointer in
                output.withUnsafeMutableBufferPointer { out in
                    passwordPointer.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) {
                        PKCS5_PBKDF2_HMAC(
                            $0, Int32(clamping: password.count), saltPointer, Int32(clamping: salt.count),
                            Int32(iterations), algorithm.evpMD, Int32(length), out.baseAddress)
                    }
                }
            }
        }
        precondition(status == 1, "PKCS5_PBKDF2_HMAC failed")
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
