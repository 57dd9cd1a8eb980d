/// XEP-0198 stream management, as far as this client uses it: counting the stanzas each
/// side has handled so the server's `<a h='…'/>` proves receipt, and answering `<r/>`.
struct StreamManagement {
    enum State: Equatable {
        /// Not offered, not wanted, or not yet asked for.
        case off
        /// `<enable/>` queued; stanzas sent from now on are counted.
        case requested
        case enabled(resumptionID: String?)
        /// The server refused `<enable/>`: fall back to a ping to confirm delivery.
        case failed
    }

    var state: State = .off
    /// The server agreed to keep the session for resumption.
    var resumable = false
    /// Stanzas we sent since `<enable/>` (XEP-0198 §4: the server's `h` counts these).
    var sent: UInt32 = 0
    /// The highest `h` the server has acknowledged.
    var acknowledged: UInt32 = 0
    /// Stanzas we handled since the server enabled (our `h`).
    var handled: UInt32 = 0

    var isCounting: Bool {
        switch state {
        case .requested, .enabled: return true
        case .off, .failed: return false
        }
    }

    var allAcknowledged: Bool { acknowledged == sent }

    /// Applies an `<a h='…'/>`. XEP-0198 §4: `h` wraps at 2^32 and never exceeds what was
    /// sent; a larger value means the server counts wrong, and nothing it acks can be trusted.
    mutating func acknowledge(_ h: UInt32) throws(XMPPError) {
        let outstanding = sent &- acknowledged
        let advance = h &- acknowledged
        guard advance <= outstanding else {
            // Counting modulo 2^32: a value a little behind the last one went backwards.
            if acknowledged &- h <= UInt32.max / 2 {
                throw .protocolViolation("the server's acknowledgement went backwards (h='\(h)' after h='\(acknowledged)')")
            }
            throw .protocolViolation("the server acknowledged \(advance) more stanzas than are waiting for it (h='\(h)', \(outstanding) unacknowledged of \(sent) sent)")
        }
        acknowledged = h
    }
}

extension StreamManagement {
    /// Inbound stanzas count once the server has answered `<enable/>` with `<enabled/>`.
    var isEnabledForInbound: Bool {
        if case .enabled = state { return true }
        return false
    }
}
