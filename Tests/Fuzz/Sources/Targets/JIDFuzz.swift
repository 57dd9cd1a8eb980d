import XMPPProtocol

/// `JID(_:)` on any text. Promises checked: a JID's string form parses back to the same
/// JID and is already canonical; its parts stay within RFC 7622's size; the bare JID and a
/// JID with the same resource again agree; an error message is one line with nothing a
/// terminal would act on.
enum JIDFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let jid: JID
        do {
            jid = try JID(text)
        } catch {
            requireSafeOnStandardError(error.message(forJID: text), "the error message")
            return
        }
        let description = jid.description
        do {
            let again = try JID(description)
            require(again == jid, "\(description.debugDescription) parses as \(again), not as \(jid) (from \(text.debugDescription))")
            require(again.description == description, "\(description.debugDescription) is not canonical: \(again.description.debugDescription)")
        } catch {
            require(false, "the JID \(description.debugDescription) (from \(text.debugDescription)) does not parse: \(error)")
        }
        for part in [jid.localpart, jid.domainpart, jid.resourcepart] {
            if let part { require(!part.isEmpty && part.utf8.count <= JID.maximumPartBytes, "a part of \(jid) is empty or too long") }
        }
        require(jid.bare.resourcepart == nil && jid.bare.localpart == jid.localpart && jid.bare.domainpart == jid.domainpart,
                "the bare JID of \(jid) is \(jid.bare)")
        do {
            let again = try jid.bare.withResource(jid.resourcepart)
            require(again == jid, "\(jid) with its own resource again is \(again)")
        } catch {
            require(false, "the resourcepart of \(jid) is refused by withResource: \(error)")
        }
    }
}
