/// SASL PLAIN (RFC 4616): the password in the clear, so only ever inside TLS.
///
/// The message is `[authzid] NUL authcid NUL passwd` in UTF-8, with the username and password
/// SASLprep'd. PLAIN has no server proof: `<success/>` is the whole answer. Its descriptions
/// leave the password out.
public struct PLAIN: SASLMechanism, Sendable, SecretHolding {
    public let name = "PLAIN"
    private let username: String
    private let password: String
    private let authzid: String?
    private var sentMessage = false

    public init(username: String, password: String, authzid: String? = nil) {
        self.username = username
        self.password = password
        self.authzid = authzid
    }

    public mutating func initialResponse() throws(SASLError) -> [UInt8] {
        let authcid: String
        let preparedPassword: String
        do { authcid = try SASLprep.prepare(username) } catch { throw .invalidUsername(error.reason) }
        do { preparedPassword = try SASLprep.prepare(password) } catch { throw .invalidPassword(error.reason) }
        // The authzid is an address, not prepared here; a NUL in it would shift the fields.
        if let authzid, authzid.utf8.contains(0) { throw .invalidUsername("contains NUL in the authorization identity") }
        sentMessage = true
        // One buffer, reserved up front, so that no partial copy of the password is left in
        // a freed intermediate array; the caller wipes it once sent (see `KeyMaterial`).
        let authzidBytes = (authzid ?? "").utf8
        var message: [UInt8] = []
        message.reserveCapacity(authzidBytes.count + authcid.utf8.count + preparedPassword.utf8.count + 2)
        message.append(contentsOf: authzidBytes)
        message.append(0)
        message.append(contentsOf: authcid.utf8)
        message.append(0)
        message.append(contentsOf: preparedPassword.utf8)
        return message
    }

    /// PLAIN has no challenges, except the empty one a server sends when the client gave no
    /// initial response: that one is answered with the message.
    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        guard challenge.isEmpty, !sentMessage else { throw .unexpectedChallenge }
        return try initialResponse()
    }

    /// Nothing to verify beyond having sent the credentials at all.
    public mutating func verifySuccess(_ additionalData: [UInt8]) throws(SASLError) {
        guard sentMessage else { throw .successWithoutVerification }
    }
}

extension PLAIN {
    public var visibleFields: KeyValuePairs<String, Any> {
        ["name": name, "username": username, "password": Redacted(), "authzid": authzid as Any]
    }
}
