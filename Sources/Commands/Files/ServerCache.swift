import XMPPProtocol

/// The per-server cache (CLI.md, "Files the program keeps"): what the last login learned
/// about a server (`ServerKnowledge`), in `$XDG_CACHE_HOME/xmpp-cli/servers/`, one small
/// text file per server, so the next login can send more before it waits. Only a time
/// saver: a file that is missing, unreadable or not in this format is ignored (and
/// replaced at the next login), never an error; `--no-cache` neither reads nor writes it.
struct ServerCache {
    /// The file's path; it need not exist.
    let path: String

    /// The cache of the server an account logs in to, keyed by its domain and, when given,
    /// the server address and TLS mode that lead to it; nil when there is no cache
    /// directory (no `$HOME`).
    init?(settings: ConnectionSettings) {
        var key = settings.jid.domainpart
        if let server = settings.server { key += "@" + server }
        key += "," + settings.tlsMode.rawValue
        guard let path = UserDirectory.cache.file(Self.fileName(key), inSubdirectory: "servers") else { return nil }
        self.path = path
    }

    init(path: String) {
        self.path = path
    }

    func load() -> ServerKnowledge {
        guard let bytes = try? FileInput.read(path: path, limit: 64 << 10, what: "cache") else { return ServerKnowledge() }
        return Self.parse(String(decoding: bytes, as: UTF8.self)) ?? ServerKnowledge()
    }

    /// Writes `knowledge` unless it is what the file already says; returns why it could
    /// not, or nil.
    @discardableResult
    func save(_ knowledge: ServerKnowledge) -> String? {
        guard knowledge != load() else { return nil }
        return AtomicFile.write(Array(Self.format(knowledge).utf8), to: path)
    }

    // MARK: The format: a header line, then "key value..." lines; an absent key is unknown.

    static let header = "xmpp-cli server cache 1"

    static func format(_ knowledge: ServerKnowledge) -> String {
        var lines = [header]
        if let mechanisms = knowledge.mechanisms { lines.append((["mechanisms"] + mechanisms).joined(separator: " ")) }
        if let types = knowledge.channelBindingTypes { lines.append((["channel-binding-types"] + types).joined(separator: " ")) }
        func flag(_ name: String, _ value: Bool?) {
            if let value { lines.append("\(name) \(value ? "yes" : "no")") }
        }
        flag("stream-management", knowledge.streamManagement)
        flag("stanzas-before-bind", knowledge.stanzasBeforeBind)
        flag("legacy-session", knowledge.legacySession)
        if let bytes = knowledge.maxStanzaBytes { lines.append("max-stanza-bytes \(bytes)") }
        if let sasl2 = knowledge.sasl2 {
            lines.append((["sasl2-mechanisms"] + sasl2.mechanisms).joined(separator: " "))
            if sasl2.offersBind2 { lines.append((["bind2-features"] + sasl2.bind2Features).joined(separator: " ")) }
            flag("sasl2-inline-resumption", sasl2.offersInlineResumption)
            lines.append((["fast-mechanisms"] + sasl2.fastMechanisms).joined(separator: " "))
        }
        if let endpoint = knowledge.endpoint {
            lines.append("endpoint \(endpoint.host) \(endpoint.port) \(endpoint.directTLS ? "direct" : "starttls")")
        }
        if let service = knowledge.uploadService, isToken(service) {
            lines.append("upload-service \(service)" + (knowledge.uploadMaxFileSize.map { " \($0)" } ?? ""))
        }
        for account in knowledge.scramKeys {
            lines.append(
                "scram-salt \(account.hash) \(Hex.encode(Array(account.username.utf8))) \(account.parameters.iterations) "
                    + Hex.encode(account.parameters.salt))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// nil for anything not written by `format` (another version, a damaged file).
    static func parse(_ text: String) -> ServerKnowledge? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header), lines.last == "" else { return nil }
        lines.removeFirst()
        lines.removeLast()
        var knowledge = ServerKnowledge()
        var sasl2 = SASL2Offer(
            mechanisms: [], offersBind2: false, bind2Features: [], offersInlineResumption: false, fastMechanisms: [])
        var offersSASL2 = false
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            guard let key = words.first else { return nil }
            let values = Array(words.dropFirst())
            guard values.allSatisfy(isToken) else { return nil }
            func flag() -> Bool? {
                values == ["yes"] ? true : values == ["no"] ? false : nil
            }
            switch key {
            case "mechanisms":
                guard !values.isEmpty else { return nil }
                knowledge.mechanisms = values
            case "channel-binding-types":
                knowledge.channelBindingTypes = values
            case "stream-management":
                guard let value = flag() else { return nil }
                knowledge.streamManagement = value
            case "stanzas-before-bind":
                guard let value = flag() else { return nil }
                knowledge.stanzasBeforeBind = value
            case "legacy-session":
                guard let value = flag() else { return nil }
                knowledge.legacySession = value
            case "max-stanza-bytes":
                guard values.count == 1, let bytes = Int(values[0]), bytes > 0 else { return nil }
                knowledge.maxStanzaBytes = bytes
            case "sasl2-mechanisms":
                guard !values.isEmpty else { return nil }
                offersSASL2 = true
                sasl2.mechanisms = values
            case "bind2-features":
                sasl2.offersBind2 = true
                sasl2.bind2Features = values
            case "sasl2-inline-resumption":
                guard let value = flag() else { return nil }
                sasl2.offersInlineResumption = value
            case "fast-mechanisms":
                sasl2.fastMechanisms = values
            case "endpoint":
                guard values.count == 3, let port = UInt16(values[1]), port > 0, ["direct", "starttls"].contains(values[2])
                else { return nil }
                knowledge.endpoint = Endpoint(host: values[0], port: port, directTLS: values[2] == "direct")
            case "upload-service":
                guard values.count == 1 || values.count == 2 else { return nil }
                knowledge.uploadService = values[0]
                if values.count == 2 {
                    guard let limit = Int64(values[1]), limit > 0 else { return nil }
                    knowledge.uploadMaxFileSize = limit
                }
            case "scram-salt":
                guard values.count == 4, let username = Hex.decode(values[1]), let iterations = Int(values[2]),
                    iterations > 0, let salt = Hex.decode(values[3]), !salt.isEmpty,
                    knowledge.scramKeys.count < ServerKnowledge.rememberedSCRAMAccounts
                else { return nil }
                knowledge.scramKeys.append(SCRAMAccountKeys(
                    username: String(decoding: username, as: UTF8.self), hash: values[0],
                    parameters: SCRAMKeyParameters(salt: salt, iterations: iterations)))
            default:
                return nil
            }
        }
        if offersSASL2 { knowledge.sasl2 = sasl2 }
        return knowledge
    }

    /// A mechanism or type name as SASL spells them (RFC 4422 §3.1: A-Z, 0-9, - and _,
    /// in either case), or a namespace such as urn:xmpp:sm:3 (with ':' and '.').
    private static func isToken(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.count <= 128 && word.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                || byte == UInt8(ascii: ".")
        }
    }

    /// A file name for any key: letters, digits, '.', '-' and '_' as they are (lowercased),
    /// every other byte as %XX, so no key can name a path elsewhere.
    static func fileName(_ key: String) -> String {
        var name = ""
        for byte in key.lowercased().utf8 {
            let isPlain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || (byte == UInt8(ascii: ".") && !name.isEmpty)
            if isPlain {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                name += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return name
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
