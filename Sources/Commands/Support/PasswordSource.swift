import Glibc

/// Where the password comes from: `--password-file`, `--password-command`, or
/// `XMPP_PASSWORD`. Never argv: a password there is visible to every user of the machine.
enum PasswordSource {
    static func password(file: String?, command: String?) throws(Failure) -> String {
        if let file {
            let bytes = try FileInput.read(path: file, limit: 64 << 10, what: "password file")
            return try firstLine(bytes, source: "password file \(file)")
        }
        if let command {
            let result = try ShellCommand.run(command)
            guard result.status == 0 else {
                let stderr = Diagnostics.singleLine(String(decoding: result.stderr, as: UTF8.self)).trimmingSpaces()
                let detail = stderr.isEmpty ? "" : ": \(stderr)"
                throw Failure(.config, "--password-command failed with exit status \(result.status)\(detail)")
            }
            return try firstLine(result.stdout, source: "--password-command's output")
        }
        if let value = FileInput.environment("XMPP_PASSWORD") {
            return value
        }
        throw Failure(.config, "no password: set XMPP_PASSWORD, or give --password-file or --password-command")
    }

    /// The first line, without its line ending; an empty one is an error.
    static func firstLine(_ bytes: [UInt8], source: String) throws(Failure) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
        guard let password = String(validating: trimmed, as: UTF8.self) else {
            throw Failure(.config, "the password from \(source) is not valid UTF-8")
        }
        guard !password.isEmpty else {
            throw Failure(.config, "the password from \(source) is empty")
        }
        return password
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension FileInput {
    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
