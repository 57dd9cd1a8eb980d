import XMPPProtocol

/// What one message says: its body, and for an uploaded file the URL clients show inline
/// (XEP-0066; the body is that URL too). An encrypted file's aesgcm:// URL (XEP-0454) goes
/// only inside OMEMO, so it has no out-of-band element.
struct MessageContent {
    var body: String
    var attachmentURL: String?
    /// The uploaded file's URL, encrypted or not (what `--format json` prints as `url`).
    var fileURL: String?
    /// `--retract ID`: instead of a body, the retraction of message ID (XEP-0424).
    var retracts: String?

    init(body: String) {
        self.body = body
    }

    init(retracting id: String) {
        body = OutgoingMessage.retractionFallbackBody
        retracts = id
    }

    init(attachment: UploadedFile) {
        body = attachment.url
        attachmentURL = attachment.isEncrypted ? nil : attachment.url
        fileURL = attachment.url
    }
}

/// What one message looks like before it gets an id and an addressee: the same for every
/// recipient and, with `--interactive`, for every line but the body.
struct OutgoingMessage {
    var type: String
    var subject: String?
    var thread: String?
    var requestsReceipt: Bool
    /// `--replace ID`: each message corrects message ID (XEP-0308).
    var replaces: String?

    /// The largest stanza sent without knowing the server's own limit (XEP-0478): what
    /// Prosody and ejabberd accept by default from clients.
    static let defaultStanzaLimit = 256 * 1024

    /// `to` is the recipient's address as written (`JID.description`), made once per
    /// recipient rather than for every line.
    func stanza(id: String, to: String, body: String, attachmentURL: String? = nil) -> XMLElement {
        // In the order `XMLElement(_:attributes:)` would sort them into, without a dictionary.
        // The children in one array, made at its size: a message is made for every line.
        var children: [XMLNode] = []
        children.reserveCapacity(5)
        if let subject { children.append(.element(textElement("subject", subject))) }
        children.append(.element(textElement("body", body)))
        // XEP-0066: the body is the URL, and this tells clients to show the file inline.
        if let attachmentURL {
            let url = XMLElement("url", namespace: Namespace.outOfBandData, orderedAttributes: [], children: [.text(attachmentURL)])
            children.append(.element(XMLElement("x", namespace: Namespace.outOfBandData, orderedAttributes: [], children: [.element(url)])))
        }
        if let thread { children.append(.element(textElement("thread", thread))) }
        if let replaces { children.append(.element(Self.replacement(of: replaces))) }
        if requestsReceipt { children.append(.element(DeliveryReceipts.request)) }
        // XEP-0359: a stable id of our own, kept by archives and servers that rewrite ids.
        children.append(.element(XMLElement("origin-id", namespace: Namespace.stanzaID, orderedAttributes: [XMLAttribute(name: "id", value: id)])))
        return XMLElement(
            "message", namespace: nil,
            orderedAttributes: [XMLAttribute(name: "id", value: id), XMLAttribute(name: "to", value: to), XMLAttribute(name: "type", value: type)],
            children: children)
    }

    /// What clients without OMEMO show instead of an encrypted message (the words Conversations uses).
    static let omemoFallbackBody = "I sent you an OMEMO encrypted message but your client doesn't seem to support that. Find more information on https://conversations.im/omemo"

    /// An OMEMO message (XEP-0384 0.3): the `<encrypted>` element, the EME hint (XEP-0380)
    /// naming it, a store hint (XEP-0334, so that servers keep it offline and in archives
    /// though its body is only the fallback), and the fallback body.
    func encryptedStanza(id: String, to: String, encrypted: XMLElement) -> XMLElement {
        var children: [XMLNode] = [.element(encrypted)]
        if let thread { children.append(.element(textElement("thread", thread))) }
        // The correction's pointer stays outside the encryption, as OMEMO clients expect.
        if let replaces { children.append(.element(Self.replacement(of: replaces))) }
        children.append(.element(XMLElement("encryption", namespace: Namespace.explicitEncryption, attributes: ["namespace": Namespace.omemoLegacy, "name": "OMEMO"])))
        children.append(.element(XMLElement("store", namespace: Namespace.processingHints)))
        children.append(.element(textElement("body", Self.omemoFallbackBody)))
        if requestsReceipt { children.append(.element(DeliveryReceipts.request)) }
        children.append(.element(XMLElement("origin-id", namespace: Namespace.stanzaID, orderedAttributes: [XMLAttribute(name: "id", value: id)])))
        return XMLElement(
            "message", namespace: nil,
            orderedAttributes: [XMLAttribute(name: "id", value: id), XMLAttribute(name: "to", value: to), XMLAttribute(name: "type", value: type)],
            children: children)
    }

    /// XEP-0308: this message's payloads replace those of message `id`.
    private static func replacement(of id: String) -> XMLElement {
        XMLElement("replace", namespace: Namespace.messageCorrection, orderedAttributes: [XMLAttribute(name: "id", value: id)])
    }

    /// What clients that do not know retractions show instead (the words of XEP-0424's example).
    static let retractionFallbackBody = "/me retracted a previous message, but it's unsupported by your client."

    /// A retraction of message `retracted` (XEP-0424): the `<retract/>`, the fallback body
    /// marked as one (XEP-0428) for clients that do not know retractions, and a store hint
    /// (XEP-0334), since archives must keep it for clients that catch up later.
    func retraction(of retracted: String, id: String, to: String) -> XMLElement {
        XMLElement(
            "message", namespace: nil,
            orderedAttributes: [XMLAttribute(name: "id", value: id), XMLAttribute(name: "to", value: to), XMLAttribute(name: "type", value: type)],
            children: [
                .element(XMLElement("retract", namespace: Namespace.messageRetraction, orderedAttributes: [XMLAttribute(name: "id", value: retracted)])),
                .element(XMLElement("fallback", namespace: Namespace.fallbackIndication, orderedAttributes: [XMLAttribute(name: "for", value: Namespace.messageRetraction)])),
                .element(textElement("body", Self.retractionFallbackBody)),
                .element(XMLElement("store", namespace: Namespace.processingHints)),
                .element(XMLElement("origin-id", namespace: Namespace.stanzaID, orderedAttributes: [XMLAttribute(name: "id", value: id)])),
            ])
    }

    /// Refuses a body whose stanza would exceed `limit` bytes, naming the limit, so the
    /// server never has to cut the connection over it.
    func checkSize(body: String, recipients: [JID], limit: Int, limitSource: String) throws(Failure) {
        let longest = recipients.max { $0.description.utf8.count < $1.description.utf8.count }
        guard let longest else { return }
        let size = stanza(id: "0123456789abcdef-0000000000", to: longest.description, body: body)
            .serialized(parentNamespace: Namespace.client).utf8.count
        if size > limit {
            throw Failure(.dataError, "the message is \(size) bytes as XML, over \(limitSource) of \(limit) bytes")
        }
    }

    /// An element holding `text` (nothing, when it is empty, as `XMLElement.append(text:)` has it).
    private func textElement(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: nil, orderedAttributes: [], children: text.isEmpty ? [] : [.text(text)])
    }
}
