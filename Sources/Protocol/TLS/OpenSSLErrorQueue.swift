internal import COpenSSL

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

    var isEmpty: Bool { codes.isEmpty }

    /// OpenSSL's reason strings joined with "; " ("certificate verify failed"), or
    /// `fallback` when the queue held nothing.
    func message(or fallback: String) -> String {
        var reasons: [String] = []
        for code in codes {
            let reason = Self.reason(code)
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }

    private static func reason(_ code: UInt) -> String {
        if let text = ERR_reason_error_string(code) { return String(cString: text) }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
