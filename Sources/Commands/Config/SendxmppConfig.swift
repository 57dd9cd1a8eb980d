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
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let colon = line.firstIndex(of: ":"), isKey(line[..<colon]) {
                let key = String(line[..<colon])
                keys[key] = ConfigFile.Entry(value: String(line[line.index(after: colon)...]).trimmingWhitespace(), line: number)
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

    private static func isKey(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "_" }
    }

    /// `user@server password [component]`.
    private static func parseOneLine(_ line: String, number: Int) -> [String: ConfigFile.Entry]? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 2 || fields.count == 3, let at = fields[0].lastIndex(of: "@") else { return nil }
        let user = String(fields[0][..<at])
        var server = String(fields[0][fields[0].index(after: at)...])
        var port: String?
        if let colon = server.lastIndex(of: ":"), server[server.index(after: colon)...].allSatisfy(\.isNumber) {
            port = String(server[server.index(after: colon)...])
            server = String(server[..<colon])
        }
        var domain = server
        var host: String?
        if let semicolon = server.firstIndex(of: ";") {
            domain = String(server[..<semicolon])
            host = String(server[server.index(after: semicolon)...])
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
            host = jserver
            if let colon = jserver.lastIndex(of: ":"), jserver[jserver.index(after: colon)...].allSatisfy(\.isNumber) {
                host = String(jserver[..<colon])
                port = port ?? String(jserver[jserver.index(after: colon)...])
            }
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

    private static func serverValue(host: String?, port: String?) -> String? {
        guard let host, !host.isEmpty else { return nil }
        guard let port, port != "0", !port.isEmpty else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
