import Glibc

/// Reading the user's input files and stdin, with errors that name the file.
enum FileInput {
    /// The bytes of a file, at most `limit` bytes (more is an error, not a silent cut).
    static func read(path: String, limit: Int = 16 << 20, what: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw Failure(.noInput, "cannot read \(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        return try readAll(fd: fd, limit: limit, name: "\(what) \(path)")
    }

    /// All of stdin, at most `limit` bytes.
    static func readStandardInput(limit: Int = 16 << 20) throws(Failure) -> [UInt8] {
        try readAll(fd: 0, limit: limit, name: "standard input")
    }

    static func readAll(fd: Int32, limit: Int, name: String) throws(Failure) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(.noInput, "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return result }
            result.append(contentsOf: buffer[0..<n])
            if result.count > limit {
                throw Failure(.dataError, "\(name) is larger than \(limit) bytes")
            }
        }
    }

    /// Whether a file descriptor is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The value of an environment variable, `nil` when unset or empty.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }
}

extension FileInput {
    /// `open(2)` for reading; -1 on failure (see `lastErrorMessage`).
    static func openForReading(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_CLOEXEC)
    }

    static var lastErrorMessage: String { String(cString: strerror(errno)) }
}
