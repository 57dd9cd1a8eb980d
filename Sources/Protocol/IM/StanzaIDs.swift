/// Unique and stable stanza ids (XEP-0359): the id an archive gave a message.
public enum StanzaIDs {
    /// The `<stanza-id/>` that `by` added to `message`, if any. Only an entity that
    /// announces the feature is to be believed (XEP-0359 §7): it removes any that others
    /// wrote in its name, so the caller asks this only of an archive it checked.
    public static func assigned(in message: XMLElement, by: JID) -> String? {
        for element in message.elements(named: "stanza-id", namespace: Namespace.stanzaID) {
            guard let claimed = element[attribute: "by"], let entity = try? JID(claimed), entity == by else { continue }
            if let id = element[attribute: "id"], !id.isEmpty { return id }
        }
        return nil
    }
}
