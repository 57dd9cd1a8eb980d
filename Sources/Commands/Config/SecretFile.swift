import Glibc

/// A file that holds a secret or says how to get one (the config file, password files),
/// read so that what is checked is what is read: opened once, checked on the open
/// descriptor (`fstat`), then read from that same descriptor. A check by path before or
/// after reading would look at whatever the path names at that moment, which someone who
/// can change the path can make a different file.
///
/// Refused, with exit 78 and a message that names the file and the fix:
/// - anything but a regular file: the open does not block (`O_NONBLOCK`), so a FIFO with no
///   writer cannot hang the run, and is then refused like a device or a directory;
/// - a file owned by another user (files owned by root are accepted), as ssh refuses a
///   config file it does not trust: its owner can change it at any time;
/// - a path that goes through a symlink, when a directory on the way can be written by
///   others (see `SymlinkRoute`).
///
/// Which modes are acceptable depends on what the file is for (`FilePermissions`), from the
/// `mode` recorded here.
struct SecretFile {
    /// The path as given, for messages.
    let path: String
    /// What the file is, for messages: "config file", "password file".
    let kind: String
    let bytes: [UInt8]
    /// Permission bits of the file that was read (from `fstat`).
    let mode: mode_t

    /// - Parameters:
    ///   - limit: the largest size accepted; a larger file is refused before it is read.
    ///   - user: whose files are trusted besides root's (the real user id by default).
    ///   - home: where the directory walk of `SymlinkRoute` stops, as ssh's does.
    static func read(
        _ path: String, kind: String, limit: Int, user: uid_t = getuid(),
        home: String? = FileInput.environment("HOME")
    ) throws(Failure) -> SecretFile {
        let name = "\(kind) \(path)"
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            throw Failure(.noInput, "cannot read \(name): \(FileInput.lastErrorMessage)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw Failure(.noInput, "cannot read \(name): \(FileInput.lastErrorMessage)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(.config, "\(name) is \(fileType(info.st_mode)), not a regular file; secrets are read only from regular files")
        }
        if info.st_uid != user && info.st_uid != 0 {
            throw Failure(
                .config,
                "\(name) belongs to \(Owner.describe(info.st_uid)), not to you (\(Owner.name(user) ?? "uid \(user)")), so its owner "
                    + "can change it at any time; run: sudo chown \(Owner.name(user) ?? String(user)) \(path), or use a copy you own")
        }
        try SymlinkRoute(path).check(name: name, user: user, home: home, opened: info)
        guard info.st_size <= limit else {
            throw Failure(.config, "\(name) is larger than \(limit) bytes")
        }
        let bytes = try FileInput.readAll(fd: fd, limit: limit, name: name)
        return SecretFile(path: path, kind: kind, bytes: bytes, mode: info.st_mode & 0o7777)
    }

    private static func fileType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}

/// Users by id, for messages: `nobody (uid 65534)`.
enum Owner {
    static func name(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    static func describe(_ uid: uid_t) -> String {
        name(uid).map { "\($0) (uid \(uid))" } ?? "uid \(uid)"
    }
}
