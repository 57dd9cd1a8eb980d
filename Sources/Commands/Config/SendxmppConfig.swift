/// Reads the `~/.sendxmpprc` of sendxmpp and go-sendxmpp, so their users can switch without
/// rewriting anything. The result is a `ConfigFile` with one `[default]` section.
///
/// Three forms exist:
/// - sendxmpp before 1.24, one line: `user@server password [component]`, where `server` may
///   be `domain;connecthost` and may end in `:port`;
/// - sendxmpp 1.24: `username: user`, `jserver: host[:port]`, `port:`, `password:`,
///   `component:` (the JID's domain when it differs from `jserver`);
/// - go-sendxmpp: the same keys, but `username` is a whole JID, and `eval_password` is a
///   command that prints the password.
enum SendxmppConfig {
    static func parse(_ text: String, path: String) throws(Failure) -> ConfigFile {
        var keys: [String: ConfigFile.Entry] = [:]
        var oneLine: (entries: [String: ConfigFile.Entry], line: Int)?
        for (index, rawLine) in ConfigFile.lines(of: text).enumerated() {
            let number = index + 1
            // By Unicode scalar, as the config file: a combining mark must not hide a separator.
            let line = rawLine.trimmingXMLWhitespace()
            let scalars = line.unicodeScalars
            if scalars.isEmpty || scalars.first == "#" { continue }
            if let colon = scalars.firstIndex(of: ":"), isKey(scalars[..<colon]) {
                let key = ConfigFile.string(scalars[..<colon])
                let value = ConfigFile.string(scalars[scalars.index(after: colon)...]).trimmingXMLWhitespace()
                keys[key] = ConfigFile.Entry(value: value, line: number)
            } else if let parsed = parseOneLine(line, number: number) {
                oneLine = (parsed, number)
            } else {
                throw ConfigFile.syntaxError(path, number, "not a sendxmpp setting ('key: value' or 'user@server password')")
            }
        }
        if let oneLine, keys.isEmpty {
            return ConfigFile(path: path, sections: ["default": oneLine.entries], format: .sendxmpp)
        }
        return try fromKeys(keys, path: path)
    }

    private static func isKey(_ text: Substring.UnicodeScalarView) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "_" }
    }

    /// `user@server password [component]`.
    private static func parseOneLine(_ line: String, number: Int) -> [String: ConfigFile.Entry]? {
        let fields = line.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(ConfigFile.string)
        guard fields.count == 2 || fields.count == 3, let at = fields[0].unicodeScalars.lastIndex(of: "@") else { return nil }
        let user = ConfigFile.string(fields[0].unicodeScalars[..<at])
        let (server, port) = splitPort(ConfigFile.string(fields[0].unicodeScalars[fields[0].unicodeScalars.index(after: at)...]))
        var domain = server
        var host: String?
        if let semicolon = server.unicodeScalars.firstIndex(of: ";") {
            domain = ConfigFile.string(server.unicodeScalars[..<semicolon])
            host = ConfigFile.string(server.unicodeScalars[server.unicodeScalars.index(after: semicolon)...])
        }
        if fields.count == 3 {
            // A component names the JID's domain; the server part is then where to connect.
            host = host ?? domain
            domain = fields[2]
        }
        var entries: [String: ConfigFile.Entry] = [
            "jid": .init(value: "\(user)@\(domain)", line: number),
            "password": .init(value: fields[1], line: number),
        ]
        if let server = serverValue(host: host ?? (port == nil ? nil : domain), port: port) {
            entries["server"] = .init(value: server, line: number)
        }
        return entries
    }

    private static func fromKeys(_ keys: [String: ConfigFile.Entry], path: String) throws(Failure) -> ConfigFile {
        guard let username = keys["username"] else {
            throw Failure(.config, "\(path): no 'username:' line")
        }
        var entries: [String: ConfigFile.Entry] = [:]
        var format = ConfigFile.Format.sendxmpp
        var host: String?
        var port = keys["port"]?.value
        if let jserver = keys["jserver"]?.value, !jserver.isEmpty {
            let (name, jserverPort) = splitPort(jserver)
            host = name
            port = port ?? jserverPort
        }
        if username.value.contains("@") {
            format = .goSendxmpp
            entries["jid"] = username
        } else {
            guard let domain = keys["component"]?.value ?? host else {
                throw Failure(.config, "\(path): 'username: \(username.value)' needs a 'jserver:' line for the domain")
            }
            entries["jid"] = .init(value: "\(username.value)@\(domain)", line: username.line)
        }
        let jidDomain = entries["jid"]!.value.split(separator: "@").last.map(String.init)
        // Connecting to the JID's own domain on the default port is what DNS SRV finds anyway.
        let explicitHost = host == jidDomain && (port == nil || port == "0" || port == "5222") ? nil : host
        if let server = serverValue(host: explicitHost, port: explicitHost == nil ? nil : port) {
            entries["server"] = .init(value: server, line: keys["jserver"]?.line ?? 0)
        }
        if let password = keys["password"] {
            entries["password"] = password
        } else if let command = keys["eval_password"] {
            format = .goSendxmpp
            entries["password-command"] = command
        }
        return ConfigFile(path: path, sections: ["default": entries], format: format)
    }

    /// `host:port` into the host (trimmed) and the port, when what follows the last colon
    /// is ASCII digits; `host:` has no port.
    private static func splitPort(_ server: String) -> (host: String, port: String?) {
        let scalars = server.unicodeScalars
        guard let colon = scalars.lastIndex(of: ":"),
            scalars[scalars.index(after: colon)...].allSatisfy({ $0 >= "0" && $0 <= "9" })
        else { return (server, nil) }
        let digits = ConfigFile.string(scalars[scalars.index(after: colon)...])
        return (ConfigFile.string(scalars[..<colon]).trimmingXMLWhitespace(), digits.isEmpty ? nil : digits)
    }

    private static func serverValue(host: String?, port: String?) -> String? {
        guard let host, !host.isEmpty else { return nil }
        guard let port, port != "0", !port.isEmpty else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
