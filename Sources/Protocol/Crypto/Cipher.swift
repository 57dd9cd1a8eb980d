internal import COpenSSL

/// AES from libcrypto: GCM for OMEMO's payload, CBC and CTR for the Signal protocol's
/// message keys (libomemo-c's crypto provider). The only door to libcrypto's ciphers.
public enum Cipher {
    /// OMEMO's payload tag (XEP-0384 0.3: the tag travels with the key, not the payload).
    public static let gcmTagLength = 16

    /// AES-GCM with a 16- or 32-byte key and any IV length OpenSSL takes (OMEMO uses 12).
    public static func gcmSeal(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        let operation = "AES-GCM encryption"
        let context = try Context(operation: operation)
        defer { context.free() }
        try context.begin(gcm(keyLength: key.count, operation: operation), encrypt: true, key: key, iv: iv, gcm: true)
        var output = try context.update(plaintext)
        output += try context.finish()
        var tag = [UInt8](repeating: 0, count: gcmTagLength)
        guard tag.withUnsafeMutableBytes({ EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(gcmTagLength), $0.baseAddress) }) == 1
        else { throw context.failure("the tag could not be read") }
        return (output, tag)
    }

    /// Opens what `gcmSeal` made; a wrong key, IV, tag or a changed byte is a `CryptoError`.
    public static func gcmOpen(key: [UInt8], iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws(CryptoError) -> [UInt8] {
        let operation = "AES-GCM decryption"
        guard tag.count >= 12, tag.count <= 16 else { throw CryptoError(operation: operation, reason: "the tag is \(tag.count) bytes") }
        let context = try Context(operation: operation)
        defer { context.free() }
        try context.begin(gcm(keyLength: key.count, operation: operation), encrypt: false, key: key, iv: iv, gcm: true)
        var output = try context.update(ciphertext)
        var tagCopy = tag
        guard tagCopy.withUnsafeMutableBytes({ EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32($0.count), $0.baseAddress) }) == 1
        else { throw context.failure("the tag could not be set") }
        do {
            output += try context.finish()
        } catch {
            KeyMaterial.wipe(&output)
            throw CryptoError(operation: operation, reason: "the message was altered or the key is wrong (authentication failed)")
        }
        return output
    }

    /// The two block modes the Signal protocol uses for its message keys.
    public enum Mode: Sendable {
        case cbcWithPKCS5Padding, counter
    }

    /// AES-CBC (PKCS#5 padding) or AES-CTR with a 16-, 24- or 32-byte key and a 16-byte IV.
    public static func crypt(_ mode: Mode, encrypt: Bool, key: [UInt8], iv: [UInt8], input: [UInt8]) throws(CryptoError) -> [UInt8] {
        let operation = "AES-\(mode == .counter ? "CTR" : "CBC") \(encrypt ? "encryption" : "decryption")"
        guard iv.count == 16 else { throw CryptoError(operation: operation, reason: "the IV is \(iv.count) bytes, not 16") }
        let cipher: OpaquePointer? =
            switch (mode, key.count) {
            case (.cbcWithPKCS5Padding, 16): EVP_aes_128_cbc()
            case (.cbcWithPKCS5Padding, 24): EVP_aes_192_cbc()
            case (.cbcWithPKCS5Padding, 32): EVP_aes_256_cbc()
            case (.counter, 16): EVP_aes_128_ctr()
            case (.counter, 24): EVP_aes_192_ctr()
            case (.counter, 32): EVP_aes_256_ctr()
            default: nil
            }
        guard let cipher else { throw CryptoError(operation: operation, reason: "the key is \(key.count) bytes") }
        let context = try Context(operation: operation)
        defer { context.free() }
        try context.begin(cipher, encrypt: encrypt, key: key, iv: iv, gcm: false)
        var output = try context.update(input)
        output += try context.finish()
        return output
    }

    private static func gcm(keyLength: Int, operation: String) throws(CryptoError) -> OpaquePointer {
        switch keyLength {
        case 16: return EVP_aes_128_gcm()
        case 32: return EVP_aes_256_gcm()
        default: throw CryptoError(operation: operation, reason: "the key is \(keyLength) bytes, not 16 or 32")
        }
    }

    /// One `EVP_CIPHER_CTX`, freed by its user.
    private struct Context {
        let pointer: OpaquePointer
        let operation: String

        init(operation: String) throws(CryptoError) {
            guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError(operation: operation, reason: "out of memory") }
            self.pointer = pointer
            self.operation = operation
        }

        func free() { EVP_CIPHER_CTX_free(pointer) }

        func failure(_ reason: String) -> CryptoError {
            CryptoError(operation: operation, reason: OpenSSLErrorQueue.drain().message(or: reason))
        }

        func begin(_ cipher: OpaquePointer, encrypt: Bool, key: [UInt8], iv: [UInt8], gcm: Bool) throws(CryptoError) {
            OpenSSLErrorQueue.clear()
            let direction: Int32 = encrypt ? 1 : 0
            guard EVP_CipherInit_ex(pointer, cipher, nil, nil, nil, direction) == 1 else { throw failure("the cipher could not start") }
            if gcm {
                guard !iv.isEmpty, EVP_CIPHER_CTX_ctrl(pointer, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1
                else { throw failure("the IV length \(iv.count) is refused") }
            }
            let status = key.withUnsafeBufferPointer { keyBytes in
                iv.withUnsafeBufferPointer { ivBytes in
                    EVP_CipherInit_ex(pointer, nil, nil, keyBytes.baseAddress, ivBytes.baseAddress, direction)
                }
            }
            guard status == 1 else { throw failure("the key or IV is refused") }
        }

        func update(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
            guard !input.isEmpty else { return [] }
            guard input.count < Int(Int32.max) - 32 else { throw CryptoError(operation: operation, reason: "the input is too long") }
            var output = [UInt8](repeating: 0, count: input.count + 32)
            var written: Int32 = 0
            let status = output.withUnsafeMutableBufferPointer { out in
                input.withUnsafeBufferPointer { EVP_CipherUpdate(pointer, out.baseAddress, &written, $0.baseAddress, Int32($0.count)) }
            }
            guard status == 1 else { throw failure("the cipher refused the input") }
            output.removeLast(output.count - Int(written))
            return output
        }

        func finish() throws(CryptoError) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: 32)
            var written: Int32 = 0
            guard output.withUnsafeMutableBufferPointer({ EVP_CipherFinal_ex(pointer, $0.baseAddress, &written) }) == 1
            else { throw failure("the input does not end as the mode requires (padding)") }
            output.removeLast(output.count - Int(written))
            return output
        }
    }
}
