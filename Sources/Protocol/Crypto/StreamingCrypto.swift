internal import COpenSSL

/// A hash over bytes that come in pieces (a file as it is uploaded), via `EVP_DigestUpdate`.
public final class StreamingDigest {
    private let context: OpaquePointer
    private let algorithm: HashAlgorithm

    public init(_ algorithm: HashAlgorithm) {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        precondition(EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1, "EVP_DigestInit_ex failed")
        self.context = context
        self.algorithm = algorithm
    }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed")
    }

    /// The digest of everything given; the object is done with after this.
    public func finish() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        var length: UInt32 = 0
        precondition(output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) } == 1, "EVP_DigestFinal_ex failed")
        return output
    }

    deinit { EVP_MD_CTX_free(context) }
}

/// AES-GCM encryption over bytes that come in pieces, in place: a file encrypted as it is
/// uploaded (XEP-0454: AES-256-GCM, a 12-byte IV, the 16-byte tag after the ciphertext).
public final class GCMEncryptor {
    private let context: OpaquePointer

    public init(key: [UInt8], iv: [UInt8]) throws(CryptoError) {
        let operation = "AES-GCM encryption"
        guard key.count == 32 || key.count == 16 else { throw CryptoError(operation: operation, reason: "the key is \(key.count) bytes, not 16 or 32") }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError(operation: operation, reason: "out of memory") }
        self.context = context
        OpenSSLErrorQueue.clear()
        let cipher = key.count == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        guard EVP_EncryptInit_ex(context, cipher, nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
            key.withUnsafeBufferPointer({ k in iv.withUnsafeBufferPointer { EVP_EncryptInit_ex(context, nil, nil, k.baseAddress, $0.baseAddress) } }) == 1
        else { throw CryptoError(operation: operation, reason: OpenSSLErrorQueue.drain().message(or: "the cipher could not start")) }
    }

    /// Encrypts `bytes` where they are (GCM's ciphertext is as long as its plaintext).
    public func encryptInPlace(_ bytes: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var written: Int32 = 0
        let pointer = base.assumingMemoryBound(to: UInt8.self)
        guard bytes.count < Int(Int32.max), EVP_EncryptUpdate(context, pointer, &written, pointer, Int32(bytes.count)) == 1, Int(written) == bytes.count
        else { throw CryptoError(operation: "AES-GCM encryption", reason: OpenSSLErrorQueue.drain().message(or: "the cipher refused the input")) }
    }

    /// The authentication tag, once every byte has been encrypted.
    public func finish() throws(CryptoError) -> [UInt8] {
        var rest = [UInt8](repeating: 0, count: 32)
        var written: Int32 = 0
        var tag = [UInt8](repeating: 0, count: Cipher.gcmTagLength)
        guard rest.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress, &written) }) == 1, written == 0,
            tag.withUnsafeMutableBytes({ EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Cipher.gcmTagLength), $0.baseAddress) }) == 1
        else { throw CryptoError(operation: "AES-GCM encryption", reason: OpenSSLErrorQueue.drain().message(or: "the tag could not be made")) }
        return tag
    }

    deinit { EVP_CIPHER_CTX_free(context) }
}
