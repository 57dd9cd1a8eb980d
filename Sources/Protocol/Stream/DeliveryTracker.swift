/// Which of our stanzas the server has confirmed handling: XEP-0198 acks where stream
/// management is on, else the answers to pings sent after them (the server handles a
/// stream's stanzas in order, so any answer to a later IQ proves the earlier ones).
///
/// It also keeps the unacknowledged stanzas themselves when asked to, so they can be sent
/// again, with their ids, after the stream is resumed (XEP-0198 §5).
struct DeliveryTracker {
    var sm = StreamManagement()
    /// Keep unacknowledged stanzas for resending after a resumption.
    var keepsStanzas = false

    /// Stanzas counted by stream management and not yet acknowledged, oldest first.
    private var pending: [Pending] = []
    private var pendingStart = 0
    /// Without stream management: stanzas sent, stanzas proved handled by ping answers,
    /// and the pings in flight with the count each will prove.
    private var sentWithoutAcks = 0
    private var confirmedByPings = 0
    private var checkpoints: [(id: String, count: Int)] = []
    /// Messages confirmed so far, for "n of m confirmed".
    private(set) var confirmedMessages = 0
    /// Stanzas counted by stream management since it was requested, and how many of those
    /// it has acknowledged: with the ping counts above, what never wraps (unlike `h`), so a
    /// confirmation can wait for exactly the stanzas sent before it.
    private var countedBySM = 0
    private var acknowledgedBySM = 0

    private struct Pending {
        var isMessage: Bool
        var stanza: XMLElement?
    }

    /// Stanzas sent and not yet confirmed by the server.
    var unconfirmed: Int { sentSoFar - confirmedSoFar }

    /// Stanzas sent so far: what a confirmation requested now is to cover.
    var sentSoFar: Int { countedBySM + sentWithoutAcks }

    /// Stanzas the server has confirmed so far, counted as `sentSoFar` counts them: the
    /// server handles a stream's stanzas in order, so these are the first ones sent.
    var confirmedSoFar: Int { acknowledgedBySM + confirmedByPings }

    mutating func recordSent(_ stanza: XMLElement) {
        let isMessage = stanza.name == "message"
        if sm.isCounting {
            sm.sent &+= 1
            countedBySM += 1
            pending.append(Pending(isMessage: isMessage, stanza: keepsStanzas ? stanza : nil))
        } else {
            sentWithoutAcks += 1
            if isMessage { unconfirmedMessagesWithoutAcks.append(sentWithoutAcks) }
        }
    }

    /// Positions (in `sentWithoutAcks` counting) of messages a ping has yet to confirm.
    private var unconfirmedMessagesWithoutAcks: [Int] = []

    /// Stream management was requested (`<enable/>` queued): stanzas are counted from now.
    mutating func startCounting(keepingStanzas: Bool) {
        sm.state = .requested
        sm.sent = 0
        keepsStanzas = keepingStanzas
        sentBeforeCounting = sentWithoutAcks
    }

    /// Stanzas sent before stream management was requested; the server's answer to
    /// `<enable/>`, and any ack, prove them handled, since it handles a stream in order.
    private var sentBeforeCounting = 0

    /// The server answered `<enable/>` with `<enabled/>`.
    mutating func streamManagementEnabled(resumptionID: String?, resumable: Bool) {
        sm.state = .enabled(resumptionID: resumptionID)
        sm.resumable = resumable
        if !resumable { keepsStanzas = false }
        confirmWithoutAcks(through: sentBeforeCounting)
    }

    mutating func acknowledge(_ h: UInt32) throws(XMPPError) {
        let before = sm.acknowledged
        try sm.acknowledge(h)
        confirmWithoutAcks(through: sentBeforeCounting)
        var newlyAcked = Int(h &- before)
        acknowledgedBySM += newlyAcked
        while newlyAcked > 0, pendingStart < pending.count {
            if pending[pendingStart].isMessage { confirmedMessages += 1 }
            pending[pendingStart].stanza = nil
            pendingStart += 1
            newlyAcked -= 1
        }
        compactPending()
    }

    /// The server refused stream management: what it counted so far is confirmed by pings.
    mutating func streamManagementFailed() {
        let stillPending = pending[pendingStart...]
        for entry in stillPending {
            sentWithoutAcks += 1
            if entry.isMessage { unconfirmedMessagesWithoutAcks.append(sentWithoutAcks) }
        }
        countedBySM -= stillPending.count
        confirmWithoutAcks(through: sentBeforeCounting)
        pending.removeAll()
        pendingStart = 0
        sm.state = .failed
    }

    /// Registers a ping sent after the stanzas it is to confirm.
    mutating func addCheckpoint(id: String) {
        checkpoints.append((id, sentWithoutAcks))
    }

    /// A ping was answered: everything sent before it is confirmed. False for unknown ids.
    mutating func checkpointAnswered(id: String) -> Bool {
        guard let index = checkpoints.firstIndex(where: { $0.id == id }) else { return false }
        let count = checkpoints[index].count
        checkpoints.removeFirst(index + 1)
        confirmWithoutAcks(through: count)
        return true
    }

    /// The first `count` stanzas counted without acks are confirmed.
    private mutating func confirmWithoutAcks(through count: Int) {
        guard count > confirmedByPings else { return }
        confirmedByPings = count
        let confirmed = unconfirmedMessagesWithoutAcks.prefix { $0 <= count }.count
        confirmedMessages += confirmed
        unconfirmedMessagesWithoutAcks.removeFirst(confirmed)
    }

    var hasCheckpointInFlight: Bool { !checkpoints.isEmpty }

    /// The stanzas the server has not acknowledged, oldest first (kept only with `keepsStanzas`).
    var unacknowledgedStanzas: [XMLElement] {
        pending[pendingStart...].compactMap(\.stanza)
    }

    /// After `<resumed h='…'/>`: what the server got is confirmed, and the rest is forgotten
    /// here because the caller sends it again (counted anew).
    mutating func resumed(h: UInt32) throws(XMPPError) -> [XMLElement] {
        try acknowledge(h)
        let resend = unacknowledgedStanzas
        countedBySM -= pending.count - pendingStart
        pending.removeAll()
        pendingStart = 0
        sm.sent = sm.acknowledged
        return resend
    }

    private mutating func compactPending() {
        if pendingStart > 1024 && pendingStart * 2 > pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        } else if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
    }
}
