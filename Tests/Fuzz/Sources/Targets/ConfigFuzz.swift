@testable import Commands

/// The config file parser on any UTF-8 text, as `ConfigLocation` hands it a file.
/// Promises checked: only known keys in named sections, with line numbers inside the file
/// and values trimmed; writing what was read back out reads the same again; a refusal is
/// a config error whose message stays one clean line on stderr.
enum ConfigFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let file: ConfigFile
        do {
            file = try ConfigFile.parse(text, path: "fuzz")
        } catch {
            ConfigChecks.requireConfigFailure(error)
            return
        }
        let lineCount = ConfigFile.lines(of: text).count
        for (name, entries) in file.sections {
            require(!name.isEmpty && name == name.trimmingXMLWhitespace() && !name.contains("[") && !name.contains("]"),
                    "the section name \(name.debugDescription)")
            for (key, entry) in entries {
                require(ConfigFile.knownKeys.contains(key), "the unknown key \(key.debugDescription) was accepted")
                require((1...lineCount).contains(entry.line), "\(key) on line \(entry.line) of \(lineCount)")
                ConfigChecks.requireTrimmed(entry.value, key)
            }
        }
        let written = file.sections.map { name, entries in
            "[\(name)]\n" + entries.map { "\($0.key) = \($0.value.value)\n" }.joined()
        }.joined()
        do {
            let again = try ConfigFile.parse(written, path: "fuzz")
            require(again.sections.mapValues { $0.mapValues(\.value) } == file.sections.mapValues { $0.mapValues(\.value) },
                    "\(written.debugDescription), written from what was read, reads as \(again.sections)")
        } catch {
            require(false, "\(written.debugDescription), written from what was read, is refused: \(error.message)")
        }
    }
}

/// `~/.sendxmpprc` in any of its three forms, on any UTF-8 text. Promises checked: one
/// `[default]` section of keys the config file knows, values without surrounding spaces or
/// tabs (the one-line form splits on them) or newlines, a JID with an '@';
/// a refusal is a config error whose message stays one clean line on stderr.
enum SendxmppRCFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let file: ConfigFile
        do {
            file = try SendxmppConfig.parse(text, path: "fuzz")
        } catch {
            ConfigChecks.requireConfigFailure(error)
            return
        }
        require(Array(file.sections.keys) == ["default"], "sections \(file.sections.keys.sorted())")
        let entries = file.sections["default"] ?? [:]
        for (key, entry) in entries {
            require(ConfigFile.knownKeys.contains(key), "the key \(key.debugDescription) is not one the config file knows")
            require(!entry.value.hasPrefix(" ") && !entry.value.hasPrefix("\t") && !entry.value.hasSuffix(" ")
                    && !entry.value.hasSuffix("\t") && !entry.value.contains("\n"), "the value of \(key) is \(entry.value.debugDescription)")
        }
        require(entries["jid"]?.value.unicodeScalars.contains("@") == true, "no JID with an '@' in \(entries.mapValues(\.value))")
    }
}

enum ConfigChecks {
    static func requireConfigFailure(_ failure: Failure) {
        require(failure.status == .config, "a parse failure has status \(failure.status)")
        requireSafeOnStandardError(failure.message, "the message")
    }

    static func requireTrimmed(_ value: String, _ key: String) {
        require(value == value.trimmingXMLWhitespace() && !value.contains("\n"), "the value of \(key) is \(value.debugDescription)")
    }
}
