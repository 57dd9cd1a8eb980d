/// Message delivery receipts (XEP-0184): ask for one, and recognise the answer.
public enum DeliveryReceipts {

    /// The `<request/>` to put in a message.
    public static var request: XMLElement { XMLElement("request", namespace: Namespace.receipts) }

    /// The id of the message a `<received/>` confirms, if `stanza` is such a receipt.
    public static func receivedID(in stanza: XMLElement) -> String? {
        guard stanza.name == "message", stanza[attribute: "type"] != "error" else { return nil }
        return stanza.child("received", namespace: Namespace.receipts)?[attribute: "id"]
    }
}
