import Glibc

/// Refuses files that would leak the password or let others change what runs, as sendxmpp
/// and ssh do: the fix is always the same `chmod 600`. The mode is the one `fstat` gave for
/// the descriptor the file was read from (`SecretFile`), never a second look by path.
enum FilePermissions {
    /// A config file must not be writable by group or others (it can name a command to run),
    /// and one that holds a password or names a password file must not be readable by them.
    static func checkConfig(_ file: SecretFile, holdsSecret: Bool) throws(Failure) {
        if file.mode & 0o022 != 0 {
            throw Failure(.config, "\(file.kind) \(file.path) is writable by group or others (mode \(octal(file.mode))); run: chmod 600 \(file.path)")
        }
        if holdsSecret && file.mode & 0o044 != 0 {
            throw Failure(.config, "\(file.kind) \(file.path) holds a password and is readable by group or others (mode \(octal(file.mode))); run: chmod 600 \(file.path)")
        }
    }

    /// A password file must be readable by its owner only.
    static func checkPasswordFile(_ file: SecretFile) throws(Failure) {
        if file.mode & 0o044 != 0 {
            throw Failure(.config, "\(file.kind) \(file.path) is readable by group or others (mode \(octal(file.mode))); run: chmod 600 \(file.path)")
        }
    }

    /// `0644`, `1777`: four octal digits, as chmod takes them.
    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
