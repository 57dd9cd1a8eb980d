/// Standard base64 (RFC 4648 §4, with padding), as SASL and SCRAM use it.
///
/// Decoding is strict, since its input comes from the network: only the 64 alphabet characters,
/// a length that is a multiple of four, and `=` padding only at the very end. Anything else
/// yields `nil` rather than a guess.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Maps an ASCII byte to its 6-bit value, or 0xFF when it is not in the alphabet.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = bytes[index]
            let b1 = remaining > 1 ? bytes[index + 1] : 0
            let b2 = remaining > 2 ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(remaining > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8))
    }

    public static func decode(_ encoded: [UInt8]) -> [UInt8]? {
        guard encoded.count % 4 == 0 else { return nil }
        let padding = encoded.suffix(2).reversed().prefix { $0 == UInt8(ascii: "=") }.count
        var output = [UInt8]()
        output.reserveCapacity(encoded.count / 4 * 3)
        var index = 0
        while index < encoded.count {
            var quantum: UInt32 = 0
            let isLastGroup = index + 4 == encoded.count
            let dataCharacters = isLastGroup ? 4 - padding : 4
            for offset in 0..<4 {
                let value: UInt8
                if offset < dataCharacters {
                    value = decodingTable[Int(encoded[index + offset])]
                    if value == 0xFF { return nil }
                } else {
                    value = 0
                }
                quantum = quantum << 6 | UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: quantum >> 16))
            if dataCharacters > 2 { output.append(UInt8(truncatingIfNeeded: quantum >> 8)) }
            if dataCharacters > 3 { output.append(UInt8(truncatingIfNeeded: quantum)) }
            index += 4
        }
        return output
    }
}
