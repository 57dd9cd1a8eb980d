/// An XMPP address (RFC 7622): `[localpart@]domainpart[/resourcepart]`.
///
/// A `JID` value is always valid and canonical: the localpart and domainpart are lowercased,
/// a final dot on the domainpart is removed and IPv6 literals are written in their
/// canonical form, so two JIDs naming the same entity compare equal.
public struct JID: Hashable, Sendable, CustomStringConvertible {
    public let localpart: String?
    public let domainpart: String
    public let resourcepart: String?

    /// Each part is at most this many octets of UTF-8 (RFC 7622 §3.1).
    public static let maximumPartBytes = 1023

    /// Parses and validates a JID written as a string.
    ///
    /// The resourcepart starts after the first '/' and may itself hold '@' and '/'; the
    /// localpart is what precedes the first '@' before that '/' (RFC 7622 §3.1, §3.2).
    public init(_ string: String) throws(JIDError) {
        guard !string.isEmpty else { throw JIDError.empty }
        // Split on scalars, not Characters: a separator followed by a combining mark is one
        // Character but must still separate (RFC 7622 §3.1 matches separators first).
        let scalars = string.unicodeScalars
        let slash = scalars.firstIndex(of: "/")
        let head = scalars[..<(slash ?? scalars.endIndex)]
        let at = head.firstIndex(of: "@")
        let local = at.map { JID.text(head[..<$0]) }
        let domain = JID.text(at.map { head[head.index(after: $0)...] } ?? head)
        let resource = slash.map { JID.text(scalars[scalars.index(after: $0)...]) }
        try self.init(localpart: local, domainpart: domain, resourcepart: resource)
    }

    /// Validates and canonicalises each part separately; a nil part is absent, an empty
    /// one is an error.
    public init(localpart: String?, domainpart: String, resourcepart: String?) throws(JIDError) {
        self.localpart = try localpart.map { (raw) throws(JIDError) in try JIDPartRules.localpart(raw) }
        self.domainpart = try JIDPartRules.domainpart(domainpart)
        self.resourcepart = try resourcepart.map { (raw) throws(JIDError) in try JIDPartRules.resourcepart(raw) }
    }

    /// For parts already validated.
    private init(validLocalpart: String?, domainpart: String, resourcepart: String?) {
        self.localpart = validLocalpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }

    /// The same address without its resourcepart.
    public var bare: JID {
        JID(validLocalpart: localpart, domainpart: domainpart, resourcepart: nil)
    }

    /// The domain alone, as an address (the account's server, for service discovery).
    public var domain: JID {
        JID(validLocalpart: nil, domainpart: domainpart, resourcepart: nil)
    }

    /// Whether there is no resourcepart.
    public var isBare: Bool { resourcepart == nil }

    /// The same bare address with `resource` as its resourcepart (nil removes it).
    public func withResource(_ resource: String?) throws(JIDError) -> JID {
        let valid = try resource.map { (raw) throws(JIDError) in try JIDPartRules.resourcepart(raw) }
        return JID(validLocalpart: localpart, domainpart: domainpart, resourcepart: valid)
    }

    /// The canonical string form.
    public var description: String {
        var text = ""
        if let localpart { text += localpart + "@" }
        text += domainpart
        if let resourcepart { text += "/" + resourcepart }
        return text
    }

    private static func text(_ scalars: Substring.UnicodeScalarView) -> String {
        String(String.UnicodeScalarView(scalars))
    }
}
