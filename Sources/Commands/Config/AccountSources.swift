import XMPPProtocol

/// Merges what the command line, the environment and the config file say about the
/// account, in that order of precedence, and checks each value where it is read.
struct AccountSources {
    static let defaultTimeout = 30.0

    let file: ConfigFile?
    let section: [String: ConfigFile.Entry]
    let accountName: String

    init(configFlag: String?, accountFlag: String?, diagnostics: Diagnostics) throws(Failure) {
        let loaded = try ConfigLocation.load(flag: configFlag)
        let named = accountFlag ?? FileInput.environment("XMPP_ACCOUNT")
        accountName = named ?? "default"
        file = loaded?.file
        if let loaded, loaded.isMigrated {
            diagnostics.progress(
                "using the account in \(loaded.file.path) (\(loaded.file.format.rawValue) format); "
                    + "\(ConfigLocation.ownPath() ?? "~/.config/xmpp-cli/config") replaces it when it exists")
        }
        if let file = loaded?.file {
            guard let section = file.sections[accountName] else {
                if named == nil {
                    self.section = [:]
                    return
                }
                let known = file.sections.keys.sorted().map { "[\($0)]" }.joined(separator: " ")
                throw Failure(.config, "no [\(accountName)] section in \(file.path) (sections: \(known.isEmpty ? "none" : known))")
            }
            self.section = section
        } else {
            if let named {
                throw Failure(.config, "account '\(named)' asked for, but there is no config file (\(ConfigLocation.ownPath() ?? "~/.config/xmpp-cli/config"))")
            }
            section = [:]
        }
    }

    func account(from options: ConnectionOptions, diagnostics: Diagnostics) throws(Failure) -> Account {
        try account(jid: try accountJID(options), options: options, diagnostics: diagnostics, needsPassword: true)
    }

    /// The account's JID if one is given anywhere (nil when none is), for a command that can
    /// do part of its work without one (`doctor`).
    func givenJID(_ options: ConnectionOptions) throws(Failure) -> JID? {
        guard options.jid ?? FileInput.environment("XMPP_JID") ?? section["jid"]?.value != nil else { return nil }
        return try accountJID(options)
    }

    /// The connection options of every command for a server with no account: `domain` as
    /// the JID and no password, for what can be checked before logging in (`doctor`).
    func serverOnly(_ domain: JID, options: ConnectionOptions, diagnostics: Diagnostics) throws(Failure) -> Account {
        try account(jid: domain, options: options, diagnostics: diagnostics, needsPassword: false)
    }

    private func accountJID(_ options: ConnectionOptions) throws(Failure) -> JID {
        guard let jidText = options.jid ?? FileInput.environment("XMPP_JID") ?? section["jid"]?.value else {
            throw Failure(.config, "no account: give --jid, set XMPP_JID, or add 'jid = user@example.org' to the config file")
        }
        let jid: JID
        do {
            jid = try JID(jidText)
        } catch {
            throw Failure(.config, "the account \(error.message(forJID: jidText))")
        }
        guard jid.localpart != nil else {
            throw Failure(.config, "the account JID '\(jidText)' has no local part (expected user@domain)")
        }
        return jid
    }

    private func account(jid: JID, options: ConnectionOptions, diagnostics: Diagnostics, needsPassword: Bool) throws(Failure) -> Account {
        let configTLS = try parsed("tls", as: { TLSMode(rawValue: $0) })
        let configInsecure = try parsed("insecure", as: Self.boolean)
        let configTimeout = try parsed("timeout", as: Self.seconds)
        let manualTrust = try parsed("trust", as: { ["blind": false, "manual": true][$0] }) ?? false
        let tls = options.tls ?? configTLS ?? .auto
        let insecure = options.insecure || configInsecure == true
        let timeout = options.timeout ?? configTimeout ?? Self.defaultTimeout
        let caFile = options.caFile ?? section["ca-file"].map { ConfigPaths.expand($0.value) }
        if let caFile, !FileInput.isReadable(caFile) {
            throw Failure(.noInput, "cannot read the CA file \(caFile)")
        }
        if insecure {
            diagnostics.warning("--insecure: the server certificate is NOT verified; anyone on the path can read and change this session")
        }
        let configValues = file.map {
            PasswordSource.ConfigValues(
                password: section["password"], passwordFile: section["password-file"],
                passwordCommand: section["password-command"], path: $0.path)
        }
        let password = needsPassword
            ? try PasswordSource.password(
                file: options.passwordFile, command: options.passwordCommand, config: configValues,
                account: jid.bare.description, timeout: timeout)
            : ""
        var settings = ConnectionSettings(
            jid: jid, password: password, server: try server(options),
            tlsMode: tls, caFile: caFile, insecure: insecure,
            resource: options.resource ?? section["resource"]?.value)
        settings.proxy = try ProxySource.proxy(flag: options.proxy)
        settings.noProxy = ProxySource.noProxy()
        ProxySource.hideCredentialsInArguments()
        var account = Account(settings: settings, timeout: timeout, usesCache: !options.noCache)
        account.retry = RetryPolicy(retries: options.retry ?? 0, maxTime: options.retryMaxTime)
        account.blindTrust = !manualTrust
        return account
    }

    /// `HOST[:PORT]` from the flag, environment or file, checked before anything connects: a
    /// bad value is a usage error (64) on the command line, a configuration error (78) elsewhere.
    private func server(_ options: ConnectionOptions) throws(Failure) -> String? {
        let sources: [(String?, ExitStatus, String)] = [
            (options.server, .usage, "--server"),
            (FileInput.environment("XMPP_SERVER"), .config, "XMPP_SERVER"),
            (section["server"]?.value, .config, "\(file?.path ?? "config") line \(section["server"]?.line ?? 0): server"),
        ]
        guard let (value, status, name) = sources.first(where: { $0.0 != nil }), let value else { return nil }
        do {
            _ = try ServerAddress.parse(value)
        } catch {
            throw Failure(status, "\(name): \(error.message)")
        }
        return value
    }

    /// A config value converted by `convert`; a value it rejects is an error naming the line.
    private func parsed<T>(_ key: String, as convert: (String) -> T?) throws(Failure) -> T? {
        guard let entry = section[key] else { return nil }
        guard let value = convert(entry.value) else {
            throw Failure(.config, "\(file?.path ?? "config") line \(entry.line): invalid \(key) '\(entry.value)'")
        }
        return value
    }

    static func seconds(_ text: String) -> Double? {
        guard let value = Double(text), value > 0, value.isFinite else { return nil }
        return value
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: return nil
        }
    }
}

/// The password inside `settings` is redacted there; the account says so in its own
/// description too, so that no wrapper around it shows more.
extension Account: SecretHolding {
    var visibleFields: KeyValuePairs<String, Any> { ["settings": settings, "timeout": timeout] }
}
