import Glibc

/// XEP-0082 date-times (`2026-11-26T07:00:00Z`), as records print them.
enum Timestamp {
    /// Now, to the second. Records come by the thousand within one second, so the text of
    /// the current second is made once and kept; the program's loops are single-threaded.
    static func now() -> String {
        let seconds = time(nil)
        if let last = lastFormatted, last.seconds == seconds { return last.text }
        let text = format(seconds)
        lastFormatted = (seconds, text)
        return text
    }

    nonisolated(unsafe) private static var lastFormatted: (seconds: time_t, text: String)?

    /// `seconds` since the epoch as an XEP-0082 date-time in UTC.
    static func format(_ seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format4(Int(parts.tm_year) + 1900) + "-" + two(Int(parts.tm_mon) + 1) + "-" + two(Int(parts.tm_mday))
                + "T" + two(Int(parts.tm_hour)) + ":" + two(Int(parts.tm_min)) + ":" + two(Int(parts.tm_sec)) + "Z")
    }

    /// A sender's XEP-0082 date-time (`2026-11-26T07:00:00Z`, with optional fraction and
    /// offset) if that is what it is; anything else is not printed, since the sender wrote it.
    static func validated(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        let digitsAt = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard digitsAt.allSatisfy({ isDigit(bytes[$0]) }), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        let rest = bytes[19...]
        let allowed: (UInt8) -> Bool = { isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":") }
        return rest.allSatisfy(allowed) ? text : nil
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
    private static func format4(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
