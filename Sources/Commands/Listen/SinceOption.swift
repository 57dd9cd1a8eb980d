import Glibc

/// What `listen --since` names: a time, written as RFC 3339 (`2026-12-02T09:00:00+01:00`) or
/// as a duration back from now (`90s`, `15m`, `2h`, `3d`, `1w`, `1h30m`), or a position in
/// one archive, the archive id of a message (as records print it in `archive_id`).
enum SinceOption: Equatable {
    /// An XEP-0082 date-time in UTC, as archive queries take it.
    case time(String)
    case archiveID(String)

    /// Reads the option; a text that starts like a date must be one.
    init(_ text: String, now: time_t = Glibc.time(nil)) throws(Failure) {
        if let seconds = Self.rfc3339(text) {
            self = .time(try Self.stamp(seconds, text))
        } else if Self.startsLikeADate(text) {
            throw Failure(.usage, "--since \(TerminalText.escape(text)): not an RFC 3339 time such as 2026-12-02T09:00:00Z")
        } else if let seconds = Self.duration(text) {
            self = .time(try Self.stamp(now - seconds, text))
        } else if !text.isEmpty, text.utf8.count <= 1024, text.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control && $0 != " " }) {
            self = .archiveID(text)
        } else {
            throw Failure(.usage, "--since \(TerminalText.escape(text)): give a time (RFC 3339), a duration such as 2h, or an archive id")
        }
    }

    /// The latest time XEP-0082 can write: its years have four digits.
    static let lastWritable: time_t = 253_402_300_799  // 9999-12-31T23:59:59Z

    /// `seconds` as the query's time. A time before 1970 (a duration of millennia, or a
    /// year 0000 in an offset) asks for all an archive holds, so it is the epoch; one after
    /// 9999 has no four-digit year to be written in.
    private static func stamp(_ seconds: time_t, _ text: String) throws(Failure) -> String {
        guard seconds <= lastWritable else {
            throw Failure(.usage, "--since \(TerminalText.escape(text)): a time after the year 9999")
        }
        return Timestamp.format(max(0, seconds))
    }

    private static func startsLikeADate(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(5))
        return bytes.count == 5 && bytes[0..<4].allSatisfy(isDigit) && bytes[4] == UInt8(ascii: "-")
    }

    /// `1h30m` and the like: whole numbers, each followed by s, m, h, d or w.
    static func duration(_ text: String) -> time_t? {
        var total: time_t = 0
        var number: time_t?
        for byte in text.utf8 {
            if isDigit(byte) {
                let (times, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, times < 1 << 40 else { return nil }
                number = times + time_t(byte - UInt8(ascii: "0"))
                continue
            }
            let unit: time_t
            switch byte {
            case UInt8(ascii: "s"): unit = 1
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3600
            case UInt8(ascii: "d"): unit = 86400
            case UInt8(ascii: "w"): unit = 7 * 86400
            default: return nil
            }
            guard let value = number else { return nil }
            total += value * unit
            guard total < 1 << 40 else { return nil }
            number = nil
        }
        return number == nil && !text.isEmpty ? total : nil
    }

    /// RFC 3339 §5.6 `date-time` (T, t or a space between date and time; Z, z or an offset),
    /// as seconds since the epoch; the fraction of a second is dropped.
    static func rfc3339(_ text: String) -> time_t? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count, b[range].allSatisfy(isDigit) else { return nil }
            return b[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard let year = number(0..<4), b[4] == UInt8(ascii: "-"), let month = number(5..<7), b[7] == UInt8(ascii: "-"),
            let day = number(8..<10), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
            let hour = number(11..<13), b[13] == UInt8(ascii: ":"), let minute = number(14..<16), b[16] == UInt8(ascii: ":"),
            let second = number(17..<19)
        else { return nil }
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, isDigit(b[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, let hours = number(index + 1..<index + 3), b[index + 3] == UInt8(ascii: ":"),
                let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (b[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let daysInMonth = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[month - 1]).contains(day), hour < 24, minute < 60, second <= 60 else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(min(second, 59))
        return timegm(&parts) - time_t(offset)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
