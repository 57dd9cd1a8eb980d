import Glibc
import XMPPProtocol

/// An account's OMEMO store, `$XDG_DATA_HOME/xmpp-cli/omemo/JID/` (CLI.md): `device` (our
/// keys and sessions, `OMEMOStateFile`), `trust` (`OMEMOTrust`), and `lock`. The directory
/// is 0700 and every file 0600, written atomically. Whoever reads the store holds its lock
/// (flock) until its last write, so two runs on one account take turns rather than lose each
/// other's ratchet steps; the second waits, within its deadline.
final class OMEMOStoreDirectory {
    let path: String
    private let lockDescriptor: Int32
    private(set) var isLocked = false

    /// Opens (creating) the store of `account`; nothing is locked yet.
    init(account: JID) throws(Failure) {
        guard let file = UserDirectory.data.file("lock", inSubdirectory: "omemo/" + ServerCache.fileName(account.bare.description)) else {
            throw Failure(.config, "no data directory for the OMEMO store: set XDG_DATA_HOME or HOME")
        }
        path = String(file.dropLast("/lock".count))
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid() else {
            throw Failure(.config, "OMEMO store \(path) is not a directory of yours")
        }
        if status.st_mode & 0o077 != 0 { chmod(path, 0o700) }
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(.config, "cannot open \(file): \(FileInput.lastErrorMessage)") }
        lockDescriptor = fd
    }

    deinit { close(lockDescriptor) }

    /// Takes the lock, waiting for another process that holds it until `deadline` (exit 75).
    func lock(deadline: Deadline) throws(Failure) {
        guard !isLocked else { return }
        // flock has no time-out: ask without blocking, and again a little later, until the deadline.
        while flock(lockDescriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, !deadline.hasPassed else {
                throw Failure(.tempFail, "the OMEMO store \(path) stayed locked by another xmpp-cli until the time-out")
            }
            usleep(20_000)
        }
        isLocked = true
    }

    func unlock() {
        guard isLocked else { return }
        flock(lockDescriptor, LOCK_UN)
        isLocked = false
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The file's bytes; nil when it does not exist. Others may not read it (it holds keys).
    func read(_ name: String, kind: String) throws(Failure) -> [UInt8]? {
        let path = file(name)
        guard access(path, F_OK) == 0 else { return nil }
        let contents = try SecretFile.read(path, kind: kind, limit: 64 << 20)
        guard contents.mode & 0o077 == 0 else { throw Failure(.config, "\(kind) \(path) can be read by others; run: chmod 600 \(path)") }
        return contents.bytes
    }

    func write(_ bytes: [UInt8], to name: String) throws(Failure) {
        precondition(isLocked, "the OMEMO store is written only under its lock")
        if let failure = AtomicFile.write(bytes, to: file(name)) { throw Failure(.ioError, failure) }
    }
}
