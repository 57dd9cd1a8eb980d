/// A JSON value and its one-line encoding, for JSON Lines output. Keys keep the order they
/// are given in, so records read the same way every time.
enum JSONValue: Equatable {
    case string(String)
    case number(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Keys are names written in the program's source, never data: as static strings they
    /// are written without a `String` being made of each for every record.
    case object([(StaticString, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool { a.encoded == b.encoded }

    /// A string, or null for nil.
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    var encoded: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding as UTF-8 bytes: records are built byte by byte, not scalar by
    /// scalar, since appending one scalar at a time to a `String` costs more than all the
    /// rest of a record; and bytes go to stdout without being made a `String` first.
    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let text): JSONStringEscaping.write(text, to: &out)
        case .number(let value): out.append(contentsOf: String(value).utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONStringEscaping.write(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
