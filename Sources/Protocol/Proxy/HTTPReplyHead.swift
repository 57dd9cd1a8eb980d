/// The status line and header lines of an HTTP reply, gathered as they arrive and never
/// past the empty line that ends them: what comes after it is the tunnel's.
///
/// `safeReadCount` is the most bytes that cannot run past the end, so a reader that reads
/// no more than that leaves every tunnel byte unread. Lines may end in CRLF or a bare LF.
struct HTTPReplyHead {
    /// A proxy's reply to CONNECT is a few lines; anything longer is not one.
    static let limit = 16 * 1024

    private(set) var bytes: [UInt8] = []
    private(set) var isComplete = false
    /// Where the line being received starts.
    private var lineStart = 0

    /// How many bytes may be read next without reading past the head; 0 once it is
    /// complete or as long as the limit allows.
    var safeReadCount: Int {
        guard !isComplete else { return 0 }
        let line = bytes[lineStart...]
        let nearest: Int
        if lineStart > 0 && (line.isEmpty || line.elementsEqual([UInt8(ascii: "\r")])) {
            nearest = 1  // the empty line may be "\n" or the rest of "\r\n"
        } else {
            nearest = 2  // this line's "\n", then an empty line's
        }
        // No more, even at the start: a hostile proxy's head may be as short as "\n\n".
        return min(nearest, Self.limit - bytes.count)
    }

    mutating func append(_ chunk: [UInt8]) {
        for byte in chunk {
            precondition(!isComplete, "read past the end of an HTTP reply head")
            bytes.append(byte)
            guard byte == UInt8(ascii: "\n") else { continue }
            let line = bytes[lineStart..<(bytes.count - 1)]
            if lineStart > 0 && (line.isEmpty || line.elementsEqual([UInt8(ascii: "\r")])) {
                isComplete = true
            }
            lineStart = bytes.count
        }
    }

    /// Whether what came so far cannot begin an HTTP/1.x status line.
    var isNotHTTP: Bool {
        let prefix = Array("HTTP/".utf8)
        let checked = min(bytes.count, prefix.count)
        return !bytes[..<checked].elementsEqual(prefix[..<checked])
    }

    /// The first line, without its line end; nil until it is whole.
    var statusLine: String? {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = bytes[..<end]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
