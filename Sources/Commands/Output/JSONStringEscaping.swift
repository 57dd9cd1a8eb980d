/// How `JSONValue` writes a string (RFC 8259 §7): quotes, backslashes and control
/// characters escaped, the rest as UTF-8. U+2028/2029 are escaped too, so a record stays one
/// line for every reader, and so are the C1 controls: U+0085 ends a line for some readers,
/// U+009B starts a terminal control sequence; escaped, they decode the same.
///
/// It works on the UTF-8 bytes. Every character that needs an escape starts with a byte
/// below 0x20, `"`, `\`, DEL (0x7F), 0xC2 (the lead byte of U+0080...U+00BF) or 0xE2 (that
/// of U+2000...U+2FFF), so runs of other bytes are copied whole and only those leads are
/// looked at more closely. A `String` is always valid UTF-8, so the bytes after such a lead
/// are there to look at.
enum JSONStringEscaping {
    /// The most bytes a string of `utf8Count` bytes can take, quotes included: every byte a
    /// control character written as `\u001f`.
    static func mostBytes(_ utf8Count: Int) -> Int { 6 * utf8Count + 2 }

    /// Writes `text` quoted and escaped at `cursor`, which must have `mostBytes` of room, and
    /// moves `cursor` past it.
    static func write(_ text: String, at cursor: inout UnsafeMutablePointer<UInt8>) {
        var text = text
        put(UInt8(ascii: "\""), at: &cursor)
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                if index + 8 <= bytes.count,
                    holdsNoEscapeLead(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                guard mayStartEscape(byte) else {
                    index += 1
                    continue
                }
                let (length, escape) = escapeAt(index, in: bytes)
                guard let escape else {
                    index += length
                    continue
                }
                put(UnsafeBufferPointer(rebasing: bytes[runStart..<index]), at: &cursor)
                putEscape(escape, at: &cursor)
                index += length
                runStart = index
            }
            put(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]), at: &cursor)
        }
        put(UInt8(ascii: "\""), at: &cursor)
    }

    /// An object's key. Keys are the program's own names, which need no escape: they are
    /// checked as any string is and then go out whole, unless one does need an escape.
    static func write(_ key: StaticString, at cursor: inout UnsafeMutablePointer<UInt8>) {
        key.withUTF8Buffer { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 && !mayStartEscape($0) }) else {
                write(String(decoding: bytes, as: UTF8.self), at: &cursor)
                return
            }
            put(UInt8(ascii: "\""), at: &cursor)
            put(bytes, at: &cursor)
            put(UInt8(ascii: "\""), at: &cursor)
        }
    }

    @inline(__always)
    static func put(_ byte: UInt8, at cursor: inout UnsafeMutablePointer<UInt8>) {
        cursor.pointee = byte
        cursor += 1
    }

    @inline(__always)
    static func put(_ bytes: UnsafeBufferPointer<UInt8>, at cursor: inout UnsafeMutablePointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        cursor.update(from: base, count: bytes.count)
        cursor += bytes.count
    }

    /// Text that needs no escape, as it is (numbers, `true`, `null`).
    static func put(_ plain: String, at cursor: inout UnsafeMutablePointer<UInt8>) {
        var plain = plain
        plain.withUTF8 { put($0, at: &cursor) }
    }

    private enum Escape {
        case short(UInt8)
        case unicode(UInt32)
    }

    /// Whether eight bytes read as one word hold none of the bytes `mayStartEscape` looks
    /// at: none below 0x20, no quote, backslash, DEL, 0xC2 or 0xE2. Text is mostly that, in
    /// any language, and eight bytes at once make the scan a fraction of the rest of a
    /// record. (A byte is zero in `v` exactly when `(v - 0x01…) & ~v & 0x80…` has its top
    /// bit; below 0x20, when `(v - 0x20…) & ~v & 0x80…` has. Both tests are exact for
    /// whether there is such a byte, whatever the other bytes are.)
    @inline(__always)
    private static func holdsNoEscapeLead(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        guard (word &- 0x20 &* ones) & ~word & highs == 0 else { return false }
        return !hasZeroByte(word ^ (0x22 &* ones)) && !hasZeroByte(word ^ (0x5C &* ones)) && !hasZeroByte(word ^ (0x7F &* ones))
            && !hasZeroByte(word ^ (0xC2 &* ones)) && !hasZeroByte(word ^ (0xE2 &* ones))
    }

    @inline(__always)
    private static func mayStartEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }

    /// The length of the character at `index`, and its escape if it needs one.
    private static func escapeAt(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Escape?) {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""): return (1, .short(UInt8(ascii: "\"")))
        case UInt8(ascii: "\\"): return (1, .short(UInt8(ascii: "\\")))
        case 0x0A: return (1, .short(UInt8(ascii: "n")))
        case 0x0D: return (1, .short(UInt8(ascii: "r")))
        case 0x09: return (1, .short(UInt8(ascii: "t")))
        case 0x00..<0x20, 0x7F: return (1, .unicode(UInt32(byte)))
        case 0xC2:
            // U+0080...U+009F are C2 80...C2 9F.
            let second = bytes[index + 1]
            return (2, second <= 0x9F ? .unicode(UInt32(second)) : nil)
        default:
            // 0xE2: U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            if bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                return (3, .unicode(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029))
            }
            return (3, nil)
        }
    }

    private static func putEscape(_ escape: Escape, at cursor: inout UnsafeMutablePointer<UInt8>) {
        put(UInt8(ascii: "\\"), at: &cursor)
        switch escape {
        case .short(let letter):
            put(letter, at: &cursor)
        case .unicode(let value):
            // `\u` and four lowercase hexadecimal digits.
            put(UInt8(ascii: "u"), at: &cursor)
            for shift: UInt32 in [12, 8, 4, 0] {
                let digit = UInt8((value >> shift) & 0xF)
                put(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10, at: &cursor)
            }
        }
    }
}
