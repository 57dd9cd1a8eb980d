import Glibc

/// Refuses files that would leak the password or let others change what runs, as sendxmpp
/// and ssh do: the fix is always the same `chmod 600`.
enum FilePermissions {
    /// A config file must not be writable by group or others (it can name a command to run),
    /// and one that holds a password or names a password file must not be readable by them.
    static func checkConfig(_ path: String, holdsSecret: Bool) throws(Failure) {
        let mode = try self.mode(of: path)
        if mode & 0o022 != 0 {
            throw Failure(.config, "config file \(path) is writable by group or others (mode \(octal(mode))); run: chmod 600 \(path)")
        }
        if holdsSecret && mode & 0o044 != 0 {
            throw Failure(.config, "config file \(path) holds a password and is readable by group or others (mode \(octal(mode))); run: chmod 600 \(path)")
        }
    }

    /// A password file must be readable by its owner only.
    static func checkPasswordFile(_ path: String) throws(Failure) {
        let mode = try self.mode(of: path)
        if mode & 0o044 != 0 {
            throw Failure(.config, "password file \(path) is readable by group or others (mode \(octal(mode))); run: chmod 600 \(path)")
        }
    }

    private static func mode(of path: String) throws(Failure) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(.config, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return info.st_mode & 0o7777
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
