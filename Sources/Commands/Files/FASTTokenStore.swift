import Glibc
import XMPPProtocol

/// The FAST token (XEP-0484) of one account at one server, with the user-agent id it was
/// issued for (a server keys its tokens by that id), in `$XDG_DATA_HOME/xmpp-cli/fast/`.
/// The token logs in as the account without the password: the file is written 0600 and
/// atomically, read as any file holding a secret (`SecretFile`), refused if others can read
/// it, and a damaged one is an error that names it (exit 78), as CLI.md says of data files.
struct FASTTokenStore {
    let path: String

    /// The store of the account's token at its server; nil without a data directory.
    init?(settings: ConnectionSettings) {
        var key = settings.jid.bare.description
        if let server = settings.server { key += "@" + server }
        key += "," + settings.tlsMode.rawValue
        guard let path = UserDirectory.data.file(ServerCache.fileName(key), inSubdirectory: "fast") else { return nil }
        self.path = path
    }

    /// What the file holds; nil when there is no file yet.
    func load() throws(Failure) -> FASTCredentials? {
        guard access(path, F_OK) == 0 else { return nil }
        let file = try SecretFile.read(path, kind: "FAST token file", limit: 16 << 10)
        guard file.mode & 0o077 == 0 else {
            throw Failure(.config, "FAST token file \(path) can be read by others; run: chmod 600 \(path)")
        }
        guard let credentials = Self.parse(String(decoding: file.bytes, as: UTF8.self)) else {
            throw Failure(.config, "FAST token file \(path) is damaged; delete it (the next login uses the password)")
        }
        return credentials
    }

    @discardableResult
    func save(_ credentials: FASTCredentials) -> String? {
        AtomicFile.write(Array(Self.format(credentials).utf8), to: path)
    }

    // MARK: The format: a header line, then "key value" lines; the token base64-encoded.

    static let header = "xmpp-cli fast token 1"

    static func format(_ credentials: FASTCredentials) -> String {
        var lines = [header, "user-agent \(credentials.userAgent.id)"]
        if let token = credentials.token {
            lines.append("mechanism \(token.mechanism)")
            if let expiry = token.expiry { lines.append("expiry \(expiry)") }
            lines.append("token \(Base64.encode(Array(token.secret.utf8)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String) -> FASTCredentials? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header), lines.last == "" else { return nil }
        lines.removeFirst()
        lines.removeLast()
        var fields: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, fields[String(parts[0])] == nil, !parts[1].contains(" ") else { return nil }
            fields[String(parts[0])] = String(parts[1])
        }
        guard let id = fields.removeValue(forKey: "user-agent"), !id.isEmpty else { return nil }
        var token: FASTToken?
        if let mechanism = fields.removeValue(forKey: "mechanism") {
            guard let encoded = fields.removeValue(forKey: "token"), let bytes = Base64.decode(encoded),
                let secret = String(validating: bytes, as: UTF8.self), !secret.isEmpty
            else { return nil }
            token = FASTToken(secret: secret, mechanism: mechanism, expiry: fields.removeValue(forKey: "expiry"))
        }
        guard fields.isEmpty else { return nil }
        return FASTCredentials(userAgent: SASL2UserAgent(id: id), token: token)
    }
}
