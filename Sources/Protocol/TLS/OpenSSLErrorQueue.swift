internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenSSL's per-thread error queue, read into the text of thrown errors.
///
/// Cleared before each call whose failure is reported, so that a reason left behind by an
/// earlier, unrelated call never ends up in the message.
struct OpenSSLErrorQueue {
    /// The queued error codes, oldest first.
    let codes: [UInt]

    /// Removes every queued error and returns them.
    static func drain() -> OpenSSLErrorQueue {
        var codes: [UInt] = []
        while case let code = ERR_get_error(), code != 0 {
            codes.append(code)
        }
        return OpenSSLErrorQueue(codes: codes)
    }

    static func clear() { ERR_clear_error() }

    /// The reason of the oldest error ("wrong version number", "no such file or directory"),
    /// or `fallback` when the queue held nothing. OpenSSL queues the innermost failure
    /// first; what follows only repeats it from the layers above ("system lib").
    func message(or fallback: String) -> String {
        codes.first.map(Self.reason) ?? fallback
    }

    private static func reason(_ code: UInt) -> String {
        // ERR_SYSTEM_ERROR (a macro): the top bit marks an errno value in the low bits.
        if code & 0x8000_0000 != 0 {
            let text = String(cString: strerror(Int32(code & 0x7FFF_FFFF)))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
        if let text = ERR_reason_error_string(code) { return String(cString: text) }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
