import Glibc

/// Writes a file the program keeps the one way CLI.md requires: mode 0600, atomically
/// (a temporary file beside it, written, fsync'd, renamed over the old one, and the
/// directory fsync'd), so a crash or a full disk never leaves half a file.
enum AtomicFile {
    /// Replaces `path` with `bytes`; returns why it could not, or nil.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return "cannot create \(temporary): \(FileInput.lastErrorMessage)" }
        var failure: String?
        var offset = 0
        while offset < bytes.count && failure == nil {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno != EINTR { failure = "cannot write \(temporary): \(FileInput.lastErrorMessage)" }
            } else {
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot sync \(temporary): \(FileInput.lastErrorMessage)" }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = "cannot replace \(path): \(FileInput.lastErrorMessage)" }
        if failure != nil {
            unlink(temporary)
            return failure
        }
        syncDirectory(of: path)
        return nil
    }

    /// Makes the rename itself durable.
    private static func syncDirectory(of path: String) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
