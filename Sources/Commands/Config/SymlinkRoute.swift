import Glibc

/// How a path reaches its file through symlinks, and whether anyone but the user (or root)
/// could change where it leads.
///
/// Whoever can write a directory can replace the names in it: put another file there, or a
/// link to another of the user's own files, whose first line would then be sent as the
/// password. So when a path goes through a symlink, every directory that holds one of the
/// links met on the way, and the one that holds the file in the end, must pass ssh's test for
/// the directories above its authorized_keys (`safe_path` in OpenSSH): it and each directory
/// above it, up to the user's home or the root, are owned by the user or root and writable
/// by nobody else. The sticky bit earns no exception, as in ssh: in a world-writable /tmp
/// anyone can still create the name before the user does, or a link next to it.
///
/// A path without any symlink is left to the checks on the open file (owner, mode): its
/// directories are the user's own business, as they are for ssh's client config.
///
/// Links are followed one component at a time, as the kernel does, so that a link to a
/// directory counts as well as a link to the file.
struct SymlinkRoute {
    /// The directories that hold a link met on the way, then the one that holds the file
    /// (only when there was a link), without links themselves, in order.
    private(set) var directories: [String] = []
    /// The file's path without links, or nil when the path does not resolve.
    private(set) var physicalPath: String?
    private(set) var failure: String?

    /// The kernel's limit on links followed in one path (ELOOP).
    private static let maximumLinks = 40

    init(_ path: String) {
        var pending = Self.components(path)
        var resolved: [String] = path.hasPrefix("/") ? [] : Self.components(Self.currentDirectory())
        var linksFollowed = 0
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == "." { continue }
            if name == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = Self.path(resolved + [name])
            var info = stat()
            guard lstat(candidate, &info) == 0 else {
                failure = "cannot follow \(candidate): \(FileInput.lastErrorMessage)"
                return
            }
            guard info.st_mode & S_IFMT == S_IFLNK else {
                resolved.append(name)
                continue
            }
            linksFollowed += 1
            guard linksFollowed <= Self.maximumLinks, let target = Self.readLink(candidate) else {
                failure = "cannot follow the symlink \(candidate)"
                return
            }
            append(Self.path(resolved))
            if target.hasPrefix("/") { resolved = [] }
            pending = Self.components(target) + pending
        }
        let file = Self.path(resolved)
        if !directories.isEmpty { append(Self.path(Array(resolved.dropLast()))) }
        physicalPath = file
    }

    /// Throws unless the route is safe and ends at the file that was opened (`opened` is its
    /// `fstat`): a path that now leads elsewhere was changed while being opened.
    func check(name: String, user: uid_t, home: String?, opened: stat) throws(Failure) {
        if let failure { throw Failure(.config, "\(name): \(failure)") }
        var info = stat()
        guard let physicalPath, stat(physicalPath, &info) == 0,
            info.st_dev == opened.st_dev, info.st_ino == opened.st_ino
        else {
            throw Failure(.config, "\(name) changed while it was being opened; try again")
        }
        let stop = home.flatMap(Self.realPath)
        for directory in directories {
            try checkUpwards(from: directory, name: name, user: user, stop: stop)
        }
    }

    private func checkUpwards(from directory: String, name: String, user: uid_t, stop: String?) throws(Failure) {
        var current = directory
        while true {
            var info = stat()
            guard stat(current, &info) == 0 else {
                throw Failure(.config, "\(name): cannot check the directory \(current): \(FileInput.lastErrorMessage)")
            }
            let mode = info.st_mode & 0o7777
            var problem: String?
            if info.st_uid != user && info.st_uid != 0 {
                problem = "belongs to \(Owner.describe(info.st_uid))"
            } else if mode & 0o002 != 0 {
                let sticky = mode & 0o1000 != 0 ? ", sticky bit or not" : ""
                problem = "is writable by anyone (mode \(FilePermissions.octal(mode))\(sticky))"
            } else if mode & 0o020 != 0 {
                problem = "is writable by its group (mode \(FilePermissions.octal(mode)))"
            }
            if let problem {
                throw Failure(
                    .config,
                    "\(name) goes through a symlink, and the directory \(current) on the way \(problem): "
                        + "whoever can write there can put another file in its place; keep the file and its links "
                        + "in directories only you (or root) can write")
            }
            if current == stop || current == "/" { return }
            current = Self.path(Array(Self.components(current).dropLast()))
        }
    }

    private mutating func append(_ directory: String) {
        if !directories.contains(directory) { directories.append(directory) }
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    private static func path(_ components: [String]) -> String {
        "/" + components.joined(separator: "/")
    }

    private static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
