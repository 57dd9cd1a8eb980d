import Glibc
import XMPPProtocol

/// `listen --state FILE`: how far each archive (the account's, each room's) has been
/// handled, so that the next run starts right after it (CLI.md).
///
/// One line per archive, `ARCHIVE after ID` (the archive id of the last message handled) or
/// `ARCHIVE beginning` (the archive was empty when listening began: all it holds is new).
/// The file is rewritten atomically (`AtomicFile`, 0600) after every message handled; while
/// a listener uses it, it holds `FILE.lock` (flock), and a second listener is refused.
/// A name without a slash is kept in `$XDG_DATA_HOME/xmpp-cli/listen/`.
final class ListenStateFile {
    let path: String
    private(set) var positions: [JID: MessageArchive.Position] = [:]
    /// Whether the file existed: without one, listening starts from now.
    let existed: Bool
    private let lockDescriptor: Int32
    private var saved: [UInt8] = []

    static let header = "# xmpp-cli listen state: per archive, the last message handled"

    /// Opens `argument`'s file, locks it and reads it. Exit 78 for a corrupt file, or one
    /// another listener holds.
    init(_ argument: String) throws(Failure) {
        if argument.contains("/") {
            path = argument
        } else {
            guard !argument.isEmpty, argument != ".", argument != "..",
                let file = UserDirectory.data.file(argument, inSubdirectory: "listen")
            else { throw Failure(.config, "no data directory for --state \(TerminalText.escape(argument)): set XDG_DATA_HOME or HOME, or give a path") }
            path = file
        }
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(.config, "cannot open the state lock \(lockPath): \(FileInput.lastErrorMessage)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Failure(.config, "the state file \(path) is in use by another listener (\(lockPath) is locked)")
        }
        lockDescriptor = fd
        existed = access(path, F_OK) == 0
        if existed {
            let bytes = try FileInput.read(path: path, limit: 1 << 20, what: "state file")
            positions = try Self.parse(bytes, path: path)
            saved = bytes
        }
    }

    deinit { close(lockDescriptor) }

    static func parse(_ bytes: [UInt8], path: String) throws(Failure) -> [JID: MessageArchive.Position] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw corrupt(path, "it is not UTF-8")
        }
        var positions: [JID: MessageArchive.Position] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard let archive = try? JID(String(words[0])), archive.isBare else {
                throw corrupt(path, "line \(number + 1) does not start with an archive's address")
            }
            switch (words.count, words.count > 1 ? words[1] : "") {
            case (2, "beginning"): positions[archive] = .beginning
            case (3, "after") where !words[2].isEmpty: positions[archive] = .after(String(words[2]))
            default: throw corrupt(path, "line \(number + 1) is not 'ARCHIVE after ID' or 'ARCHIVE beginning'")
            }
        }
        return positions
    }

    private static func corrupt(_ path: String, _ reason: String) -> Failure {
        Failure(.config, "the state file \(path) is corrupt: \(reason); move it away to listen from now on")
    }

    /// The file's text for `positions`. An id that a line cannot hold is not written, nor
    /// is a time (no position in an archive).
    static func render(_ positions: [JID: MessageArchive.Position]) -> [UInt8] {
        var text = header + "\n"
        for (archive, position) in positions.sorted(by: { $0.key.description < $1.key.description }) {
            switch position {
            case .beginning: text += "\(archive) beginning\n"
            case .after(let id) where fitsALine(id):
                text += "\(archive) after \(id)\n"
            case .after, .time: continue
            }
        }
        return Array(text.utf8)
    }

    /// Records where `archive` has been handled up to; `save` writes it.
    /// An id no line can hold (a control character) leaves the archive where it was.
    func set(_ position: MessageArchive.Position, for archive: JID) {
        if case .after(let id) = position, !Self.fitsALine(id) { return }
        positions[archive] = position
    }

    static func fitsALine(_ id: String) -> Bool {
        !id.isEmpty && !id.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }
    }

    /// Writes the positions if they changed since the last write.
    func save() throws(Failure) {
        let bytes = Self.render(positions)
        guard bytes != saved else { return }
        if let problem = AtomicFile.write(bytes, to: path) {
            throw Failure(.config, "cannot save the listen state: \(problem)")
        }
        saved = bytes
    }
}
