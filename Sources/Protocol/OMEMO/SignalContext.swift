internal import COMEMO

/// libomemo-c's global context, with its crypto provider: every random byte, HMAC, hash
/// and AES operation the Signal protocol asks for is done by the `Crypto/` door (libcrypto).
/// The one door to libomemo-c, with `SignalStore` and `OMEMODevice` beside it.
final class SignalContext {
    let pointer: OpaquePointer

    init() throws(OMEMOError) {
        var context: OpaquePointer?
        guard signal_context_create(&context, nil) == 0, let context else { throw OMEMOError("libomemo-c could not start") }
        var provider = signal_crypto_provider()
        provider.random_func = { data, length, _ in
            guard let data else { return SG_ERR_INVAL }
            let bytes = Digest.randomBytes(length)
            bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: length) }
            return 0
        }
        provider.hmac_sha256_init_func = { context, key, keyLength, _ in
            guard let context else { return SG_ERR_INVAL }
            let keyBytes = key.map { Array(UnsafeBufferPointer(start: $0, count: keyLength)) } ?? []
            context.pointee = Unmanaged.passRetained(Accumulator(key: keyBytes)).toOpaque()
            return 0
        }
        provider.hmac_sha256_update_func = { context, data, length, _ in
            guard let context else { return SG_ERR_INVAL }
            Accumulator.of(context).append(data, length)
            return 0
        }
        provider.hmac_sha256_final_func = { context, output, _ in
            guard let context, let output else { return SG_ERR_INVAL }
            let accumulator = Accumulator.of(context)
            return SignalContext.give(Digest.hmac(.sha256, key: accumulator.key, data: accumulator.data), to: output)
        }
        provider.hmac_sha256_cleanup_func = { context, _ in
            guard let context else { return }
            Unmanaged<Accumulator>.fromOpaque(context).takeRetainedValue().wipe()
        }
        provider.sha512_digest_init_func = { context, _ in
            guard let context else { return SG_ERR_INVAL }
            context.pointee = Unmanaged.passRetained(Accumulator(key: [])).toOpaque()
            return 0
        }
        provider.sha512_digest_update_func = { context, data, length, _ in
            guard let context else { return SG_ERR_INVAL }
            Accumulator.of(context).append(data, length)
            return 0
        }
        provider.sha512_digest_final_func = { context, output, _ in
            guard let context, let output else { return SG_ERR_INVAL }
            // "Prepare the context for reuse": the next digest starts empty.
            let accumulator = Accumulator.of(context)
            let digest = Digest.hash(.sha512, accumulator.data)
            accumulator.wipe()
            return SignalContext.give(digest, to: output)
        }
        provider.sha512_digest_cleanup_func = { context, _ in
            guard let context else { return }
            Unmanaged<Accumulator>.fromOpaque(context).takeRetainedValue().wipe()
        }
        provider.encrypt_func = { output, cipher, key, keyLength, iv, ivLength, input, inputLength, _ in
            SignalContext.crypt(encrypt: true, output, cipher, key, keyLength, iv, ivLength, input, inputLength)
        }
        provider.decrypt_func = { output, cipher, key, keyLength, iv, ivLength, input, inputLength, _ in
            SignalContext.crypt(encrypt: false, output, cipher, key, keyLength, iv, ivLength, input, inputLength)
        }
        guard signal_context_set_crypto_provider(context, &provider) == 0 else {
            signal_context_destroy(context)
            throw OMEMOError("libomemo-c refused the crypto provider")
        }
        pointer = context
    }

    deinit { signal_context_destroy(pointer) }

    /// Hands `bytes` to libomemo-c as a new `signal_buffer`, which it frees.
    static func give(_ bytes: [UInt8], to output: UnsafeMutablePointer<OpaquePointer?>) -> Int32 {
        let buffer = bytes.withUnsafeBufferPointer { signal_buffer_create($0.baseAddress, $0.count) }
        guard let buffer else { return SG_ERR_NOMEM }
        output.pointee = buffer
        return 0
    }

    /// The bytes of a `signal_buffer` (nil: none).
    static func bytes(of buffer: OpaquePointer?) -> [UInt8] {
        guard let buffer, let data = signal_buffer_data(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: signal_buffer_len(buffer)))
    }

    private static func crypt(
        encrypt: Bool, _ output: UnsafeMutablePointer<OpaquePointer?>?, _ cipher: Int32,
        _ key: UnsafePointer<UInt8>?, _ keyLength: Int, _ iv: UnsafePointer<UInt8>?, _ ivLength: Int,
        _ input: UnsafePointer<UInt8>?, _ inputLength: Int
    ) -> Int32 {
        guard let output, let key, let iv else { return SG_ERR_INVAL }
        let mode: Cipher.Mode
        switch cipher {
        case SG_CIPHER_AES_CBC_PKCS5: mode = .cbcWithPKCS5Padding
        case SG_CIPHER_AES_CTR_NOPADDING: mode = .counter
        default: return SG_ERR_INVAL
        }
        var keyBytes = Array(UnsafeBufferPointer(start: key, count: keyLength))
        defer { KeyMaterial.wipe(&keyBytes) }
        let inputBytes = input.map { Array(UnsafeBufferPointer(start: $0, count: inputLength)) } ?? []
        do {
            var result = try Cipher.crypt(
                mode, encrypt: encrypt, key: keyBytes, iv: Array(UnsafeBufferPointer(start: iv, count: ivLength)),
                input: inputBytes)
            defer { KeyMaterial.wipe(&result) }
            return give(result, to: output)
        } catch {
            return SG_ERR_UNKNOWN
        }
    }
}

/// What an incremental HMAC or hash has been given so far: libomemo-c feeds small inputs,
/// and the one-shot functions of `Digest` do the work at the end.
private final class Accumulator {
    var key: [UInt8]
    var data: [UInt8] = []

    init(key: [UInt8]) { self.key = key }

    static func of(_ context: UnsafeMutableRawPointer) -> Accumulator {
        Unmanaged<Accumulator>.fromOpaque(context).takeUnretainedValue()
    }

    func append(_ bytes: UnsafePointer<UInt8>?, _ count: Int) {
        guard let bytes, count > 0 else { return }
        data.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    func wipe() {
        KeyMaterial.wipe(&key)
        KeyMaterial.wipe(&data)
        key = []
        data = []
    }
}
