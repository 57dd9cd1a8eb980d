import Glibc

/// The XDG base directories the program keeps files in (CLI.md, "Files the program
/// keeps"): `$XDG_<KIND>_HOME/xmpp-cli`, else under `$HOME`. A relative `$XDG_*` is
/// ignored, as the XDG specification says.
enum UserDirectory: String {
    /// Facts that save time and can be deleted at any time (`~/.cache/xmpp-cli`).
    case cache = "XDG_CACHE_HOME"
    /// Secrets and state that must survive (`~/.local/share/xmpp-cli`).
    case data = "XDG_DATA_HOME"
    /// The console's history (`~/.local/state/xmpp-cli`).
    case state = "XDG_STATE_HOME"

    private var fallback: String {
        switch self {
        case .cache: return "/.cache"
        case .data: return "/.local/share"
        case .state: return "/.local/state"
        }
    }

    /// The directory's path (nothing is created); nil without `$HOME` or `$XDG_*`.
    var path: String? {
        if let base = FileInput.environment(rawValue), base.hasPrefix("/") { return base + "/xmpp-cli" }
        guard let home = FileInput.environment("HOME"), home.hasPrefix("/") else { return nil }
        return home + fallback + "/xmpp-cli"
    }

    /// The path of `name` inside the directory, creating the directories on the way
    /// (new ones 0700); nil when there is no such directory or it cannot be made.
    func file(_ name: String, inSubdirectory subdirectory: String? = nil) -> String? {
        guard var directory = path else { return nil }
        if let subdirectory { directory += "/" + subdirectory }
        var partial = ""
        for component in directory.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST { return nil }
        }
        return directory + "/" + name
    }
}
