import Glibc

/// Writes records to stdout, each flushed at once, so a pipe reader sees every record as
/// soon as it exists. A closed pipe (`| head`) ends the command quietly.
enum StandardOutput {
    static func writeLine(_ line: String) {
        write(line + "\n")
    }

    static func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    static func write(bytes: [UInt8]) {
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                // EPIPE: the reader went away (`| head`); it has what it wanted.
                if errno == EPIPE { exit(0) }
                Diagnostics(level: .quiet).error("cannot write to standard output: \(String(cString: strerror(errno)))")
                exit(ExitStatus.ioError.rawValue)
            }
            offset += n
        }
    }

    static var isTerminal: Bool { isatty(1) == 1 }
}
