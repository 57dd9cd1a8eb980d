import XMPPProtocol

/// Waits for XEP-0184 receipts: each message asked for one, and each recipient's answer
/// must come from that recipient (any of its resources) before its own deadline.
final class ReceiptTracker {
    private var pending: [String: (recipient: JID, deadline: Deadline)] = [:]
    /// Recipients a receipt never came from, in the order they were found missing.
    private(set) var missing: [String] = []

    func expect(id: String, from recipient: JID, within seconds: Double) {
        pending[id] = (recipient.bare, .after(seconds: seconds))
    }

    /// Takes a receipt from an incoming message; ignores everything else.
    func handle(_ stanza: XMLElement) {
        guard let id = DeliveryReceipts.receivedID(in: stanza), let expected = pending[id],
            let from = stanza[attribute: "from"], let sender = try? JID(from), sender.bare == expected.recipient
        else { return }
        pending.removeValue(forKey: id)
    }

    /// Moves receipts whose deadline has passed to `missing`.
    func expire() {
        let now = Deadline.now()
        for (id, entry) in pending where entry.deadline <= now {
            pending.removeValue(forKey: id)
            let name = entry.recipient.description
            if !missing.contains(name) && missing.count < 50 { missing.append(name) }
        }
    }

    var isWaiting: Bool { !pending.isEmpty }

    var earliestDeadline: Deadline? { pending.values.map(\.deadline).min() }
}
