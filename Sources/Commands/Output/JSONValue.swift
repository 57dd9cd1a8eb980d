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

    var encoded: String { String(decoding: bytes(), as: UTF8.self) }

    /// The encoding as UTF-8 bytes, then `terminator` if given (a record's line feed): what
    /// goes to stdout, without a `String` made first. It is written into room made once, as
    /// much as the value could take, since appending piece by piece to an array costs more
    /// than the escaping itself.
    func bytes(followedBy terminator: UInt8? = nil) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: mostBytes + 1) { buffer, count in
            var cursor = buffer.baseAddress!
            write(at: &cursor)
            if let terminator {
                cursor.pointee = terminator
                cursor += 1
            }
            count = buffer.baseAddress!.distance(to: cursor)
            precondition(count <= buffer.count, "a JSON encoding outgrew the room made for it")
        }
    }

    /// The most bytes the encoding can take (`JSONStringEscaping.mostBytes` for strings).
    private var mostBytes: Int {
        switch self {
        case .string(let text): return JSONStringEscaping.mostBytes(text.utf8.count)
        case .number: return 20
        case .bool, .null: return 5
        case .array(let values): return values.reduce(2) { $0 + $1.mostBytes + 1 }
        case .object(let members):
            return members.reduce(2) { $0 + JSONStringEscaping.mostBytes($1.0.withUTF8Buffer(\.count)) + 2 + $1.1.mostBytes }
        }
    }

    /// Writes the encoding at `cursor`, which moves past it.
    private func write(at cursor: inout UnsafeMutablePointer<UInt8>) {
        switch self {
        case .string(let text): JSONStringEscaping.write(text, at: &cursor)
        case .number(let value): JSONStringEscaping.put(String(value), at: &cursor)
        case .bool(let value): JSONStringEscaping.put(value ? "true" : "false", at: &cursor)
        case .null: JSONStringEscaping.put("null", at: &cursor)
        case .array(let values):
            JSONStringEscaping.put(UInt8(ascii: "["), at: &cursor)
            for (index, value) in values.enumerated() {
                if index > 0 { JSONStringEscaping.put(UInt8(ascii: ","), at: &cursor) }
                value.write(at: &cursor)
            }
            JSONStringEscaping.put(UInt8(ascii: "]"), at: &cursor)
        case .object(let members):
            JSONStringEscaping.put(UInt8(ascii: "{"), at: &cursor)
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { JSONStringEscaping.put(UInt8(ascii: ","), at: &cursor) }
                JSONStringEscaping.write(key, at: &cursor)
                JSONStringEscaping.put(UInt8(ascii: ":"), at: &cursor)
                value.write(at: &cursor)
            }
            JSONStringEscaping.put(UInt8(ascii: "}"), at: &cursor)
        }
    }
}
