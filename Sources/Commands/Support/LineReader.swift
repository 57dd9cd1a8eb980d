import Glibc

/// Splits a file descriptor's bytes into lines as they arrive, with bounded memory: one
/// `read(2)` per `fill()`, at most one partial line held, and a line longer than the limit
/// is an error instead of a growing buffer. For `send --interactive` fed by `tail -f`.
struct LineReader {
    let fd: Int32
    let maxLineBytes: Int
    /// What the input is called in messages: "standard input", or the file's path.
    let inputName: String
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var atEOF = false
    private(set) var lineNumber = 0

    init(fd: Int32, maxLineBytes: Int, inputName: String = "standard input") {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.inputName = inputName
    }

    /// The next complete line already read, without its line ending; at EOF, a last line
    /// without a newline. `nil` when more input is needed (or there is none).
    mutating func nextLine() throws(Failure) -> (bytes: ArraySlice<UInt8>, number: Int)? {
        if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer[start..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            try checkLength(line.count)
            start = newline + 1
            lineNumber += 1
            return (line, lineNumber)
        }
        // A carriage return at the end may be the first half of a CRLF still to come.
        try checkLength(buffer.count - start - (buffer.last == UInt8(ascii: "\r") ? 1 : 0))
        if atEOF && start < buffer.count {
            let line = buffer[start...]
            start = buffer.count
            lineNumber += 1
            return (line, lineNumber)
        }
        return nil
    }

    /// Reads once (the caller polled the descriptor); sets `atEOF` at end of input.
    mutating func fill() throws(Failure) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            throw Failure(.noInput, "cannot read \(inputName): \(String(cString: strerror(errno)))")
        }
        if n == 0 {
            atEOF = true
            return
        }
        buffer.append(contentsOf: chunk[0..<n])
    }

    /// Whether a complete line is waiting (so the caller need not poll for more).
    var hasBufferedLine: Bool {
        buffer[start...].contains(UInt8(ascii: "\n")) || (atEOF && start < buffer.count)
    }

    private func checkLength(_ count: Int) throws(Failure) {
        if count > maxLineBytes {
            throw Failure(.dataError, "line \(lineNumber + 1) of \(inputName) is longer than \(maxLineBytes) bytes")
        }
    }
}
