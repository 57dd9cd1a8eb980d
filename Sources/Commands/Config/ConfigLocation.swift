import Glibc

/// Finds and loads the config file: `--config`, else `XMPP_CLI_CONFIG`, else
/// `$XDG_CONFIG_HOME/xmpp-cli/config` (`~/.config/xmpp-cli/config`); with none of those,
/// the `~/.sendxmpprc` of sendxmpp or go-sendxmpp, so their users can switch as they are.
enum ConfigLocation {
    struct Loaded {
        var file: ConfigFile
        /// Read from another tool's file (said once with `-v`).
        var isMigrated: Bool
    }

    /// `nil` when there is no config file at all (flags and environment only).
    static func load(flag: String?) throws(Failure) -> Loaded? {
        if let explicit = flag ?? FileInput.environment("XMPP_CLI_CONFIG") {
            return Loaded(file: try read(explicit, legacy: false, mustExist: true), isMigrated: false)
        }
        if let own = ownPath(), FileInput.exists(own) {
            return Loaded(file: try read(own, legacy: false, mustExist: true), isMigrated: false)
        }
        for legacy in legacyPaths() where FileInput.exists(legacy) {
            return Loaded(file: try read(legacy, legacy: true, mustExist: true), isMigrated: true)
        }
        return nil
    }

    static func ownPath() -> String? {
        if let xdg = FileInput.environment("XDG_CONFIG_HOME"), xdg.hasPrefix("/") {
            return xdg + "/xmpp-cli/config"
        }
        return FileInput.environment("HOME").map { $0 + "/.config/xmpp-cli/config" }
    }

    static func legacyPaths() -> [String] {
        guard let home = FileInput.environment("HOME") else { return [] }
        return [home + "/.sendxmpprc", home + "/.config/go-sendxmpp/config", home + "/.config/go-sendxmpp/sendxmpprc"]
    }

    private static func read(_ path: String, legacy: Bool, mustExist: Bool) throws(Failure) -> ConfigFile {
        let read: SecretFile
        do {
            read = try SecretFile.read(path, kind: "config file", limit: 1 << 20)
        } catch {
            throw Failure(.config, error.message)
        }
        guard let text = String(validating: read.bytes, as: UTF8.self) else {
            throw Failure(.config, "config file \(path) is not valid UTF-8")
        }
        let file = legacy ? try SendxmppConfig.parse(text, path: path) : try ConfigFile.parse(text, path: path)
        try FilePermissions.checkConfig(read, holdsSecret: file.holdsSecret)
        return file
    }
}

extension FileInput {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
