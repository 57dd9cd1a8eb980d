/// SASL PLAIN (RFC 4616): the password in the clear, so only ever inside TLS.
///
/// The message is `[authzid] NUL authcid NUL passwd` in UTF-8, with the username and password
/// SASLprep'd. PLAIN has no server proof: `<success/>` is the whole answer.
public struct PLAIN: SASLMechanism, Sendable {
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
        return Array((authzid ?? "").utf8) + [0] + Array(authcid.utf8) + [0] + Array(preparedPassword.utf8)
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
