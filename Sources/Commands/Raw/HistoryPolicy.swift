import XMPPProtocol

/// What the raw console may keep in its history file (`LineEditor`): everything typed,
/// except an entry with an element that carries a credential. Such an element is still
/// sent; it is only not remembered, so that the file (and the up arrow of whoever sits at
/// the terminal next) never holds a password, a SASL exchange or a digest of either.
///
/// An element carries a credential when it, or any element inside it:
/// - is in a SASL namespace (RFC 6120 `<auth/>`, `<response/>`; SASL2's `<authenticate/>`),
///   whose payloads hold the password (PLAIN) or a proof of it (SCRAM);
/// - is named like a password (`<password/>` of jabber:iq:auth, jabber:iq:register, MUC
///   joins, invitations and room configuration, bookmarks...), or is jabber:iq:auth's
///   `<digest/>`, a hash of the password;
/// - has an attribute named like a password;
/// - is a data form field (jabber:x:data) of type `text-private`, or whose `var` is named
///   like a password (`muc#roomconfig_roomsecret`).
///
/// An entry that is not well-formed cannot be judged by its structure (it may have been sent
/// in part), so its text is searched for the same signs instead, which errs on the side of
/// forgetting.
enum HistoryPolicy {
    static func mayRemember(_ entry: String) -> Bool {
        if entry.hasPrefix("/") { return true }  // a console command, not XML
        let parser = XMLFragmentParser()
        do {
            let elements = try parser.feed(Array(entry.utf8))
            try parser.finish()
            return !elements.contains(where: carriesCredential)
        } catch {
            return !textSuggestsCredential(entry)
        }
    }

    static func carriesCredential(_ element: XMLElement) -> Bool {
        if let namespace = element.namespace, saslNamespaces.contains(namespace) { return true }
        if isNamedLikePassword(element.name) { return true }
        if element.name == "digest" && element.namespace == Namespace.legacyAuth { return true }
        if element.attributes.contains(where: { isNamedLikePassword($0.name) }) { return true }
        if element.name == "field" && element.namespace == Namespace.dataForms
            && (element[attribute: "type"] == "text-private" || element[attribute: "var"].map(isNamedLikePassword) == true)
        {
            return true
        }
        return element.elementChildren.contains(where: carriesCredential)
    }

    private static let saslNamespaces: Set<String> = [Namespace.sasl, Namespace.sasl2]
    private static let passwordWords = ["password", "passwd", "passphrase", "secret"]

    private static func isNamedLikePassword(_ name: String) -> Bool {
        let lowercased = name.lowercased()
        return passwordWords.contains { lowercased.contains($0) }
    }

    /// For entries that do not parse: any word of a credential-bearing element's name,
    /// namespace or type.
    private static func textSuggestsCredential(_ entry: String) -> Bool {
        let lowercased = entry.lowercased()
        let signs = passwordWords + ["text-private", "xmpp-sasl", "urn:xmpp:sasl", "<auth", "<response", "<digest"]
        return signs.contains { lowercased.contains($0) }
    }
}
