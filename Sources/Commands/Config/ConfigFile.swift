import XMPPProtocol

/// The config file (`~/.config/xmpp-cli/config`): `[NAME]` sections of `key = value` lines.
///
/// Keys are the long option names without `--`, plus `password`. A `#` starts a comment only
/// at the beginning of a line, so values (passwords, commands) may contain it. Unknown keys
/// are errors, so a typo cannot silently drop a setting.
struct ConfigFile: Equatable {
    /// One `key = value`. The value may be a password, so descriptions and `dump()` show
    /// only the line it is on.
    struct Entry: Equatable, SecretHolding {
        var value: String
        var line: Int

        var visibleFields: KeyValuePairs<String, Any> { ["value": Redacted(), "line": line] }
    }

    /// Where the settings came from, for messages.
    var path: String
    var sections: [String: [String: Entry]]
    /// The format it was read in, for `-v`.
    var format: Format

    enum Format: String, Equatable {
        case xmppCLI = "xmpp-cli"
        case sendxmpp = "sendxmpp"
        case goSendxmpp = "go-sendxmpp"
    }

    static let knownKeys: Set<String> = [
        "jid", "password", "password-file", "password-command", "server", "tls", "ca-file",
        "insecure", "resource", "timeout", "trust",
    ]

    /// The keys that make a file hold a secret (or point at one).
    static let secretKeys: Set<String> = ["password", "password-file"]

    static func parse(_ text: String, path: String) throws(Failure) -> ConfigFile {
        var sections: [String: [String: Entry]] = [:]
        var current: String?
        for (index, rawLine) in lines(of: text).enumerated() {
            let number = index + 1
            // By Unicode scalar: a combining mark after `[`, `=` or `#` forms one Character
            // with it, and must not change what the line means.
            let line = rawLine.trimmingXMLWhitespace().unicodeScalars
            if line.isEmpty || line.first == "#" || line.first == ";" { continue }
            if line.first == "[" {
                guard line.last == "]", line.count > 2 else {
                    throw syntaxError(path, number, "a section header is written [NAME]")
                }
                let name = string(line.dropFirst().dropLast()).trimmingXMLWhitespace()
                guard !name.isEmpty, !name.unicodeScalars.contains("[") && !name.unicodeScalars.contains("]") else {
                    throw syntaxError(path, number, "a section header is written [NAME]")
                }
                guard sections[name] == nil else {
                    throw syntaxError(path, number, "section [\(name)] appears twice")
                }
                sections[name] = [:]
                current = name
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw syntaxError(path, number, "expected 'key = value' or '[section]'")
            }
            let key = string(line[..<equals]).trimmingXMLWhitespace()
            let value = string(line[line.index(after: equals)...]).trimmingXMLWhitespace()
            guard let section = current else {
                throw syntaxError(path, number, "'\(key)' is outside any [section]; start the file with [default]")
            }
            guard knownKeys.contains(key) else {
                let known = knownKeys.sorted().joined(separator: ", ")
                throw syntaxError(path, number, "unknown key '\(key)' (known: \(known))")
            }
            guard sections[section]?[key] == nil else {
                throw syntaxError(path, number, "'\(key)' is set twice in [\(section)]")
            }
            sections[section]?[key] = Entry(value: value, line: number)
        }
        return ConfigFile(path: path, sections: sections, format: .xmppCLI)
    }

    /// Whether any section holds a password or names a password file.
    var holdsSecret: Bool {
        sections.values.contains { !$0.keys.filter(Self.secretKeys.contains).isEmpty }
    }

    static func syntaxError(_ path: String, _ line: Int, _ message: String) -> Failure {
        Failure(.config, "\(path) line \(line): \(message)")
    }

    static func string(_ scalars: Substring.UnicodeScalarView) -> String {
        String(String.UnicodeScalarView(scalars))
    }

    /// Lines split on LF or CR LF (files edited on Windows). A Swift `Character` is a
    /// grapheme cluster, so CR LF is one character that is not equal to "\n".
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
    }
}
