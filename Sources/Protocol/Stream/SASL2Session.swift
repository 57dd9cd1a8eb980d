/// A session whose login is a SASL2 exchange (XEP-0388): it exists as soon as
/// `<authenticate>` is queued, so stanzas queued through it travel in the same flight, and
/// takes on what the outcome established (the bound JID, stream management) when it comes.
extension XMPPSession {
    /// A session on `exchange`'s stream, before its outcome. With `<enable/>` inside
    /// `<bind>`, stanzas sent from now on are counted, as the server counts them from the
    /// moment it enables stream management, before it reads them.
    public convenience init(awaiting exchange: SASL2Exchange, accountJID: JID, tracer: Tracer?) {
        self.init(stream: exchange.stream, accountJID: accountJID, tracer: tracer)
        if exchange.requestedStreamManagement {
            delivery.startCounting(keepingStanzas: exchange.requestedResumable)
        }
    }

    /// Waits for the exchange's outcome (`SASL2Exchange.finish`) and applies it. Without
    /// Bind2 the session still has to bind a resource.
    @discardableResult
    public func finishAuthentication(_ exchange: SASL2Exchange, deadline: Deadline) throws(XMPPError) -> SASL2Outcome {
        let outcome = try exchange.finish(deadline: deadline)
        boundJID = outcome.boundJID
        features = outcome.features
        limits = StreamLimits(features: outcome.features)
        switch outcome.streamManagement {
        case .enabled(let id, let resumable):
            delivery.streamManagementEnabled(resumptionID: id, resumable: resumable)
        case .failed:
            // Refused, or not answered: delivery is then confirmed with pings.
            if delivery.sm.state == .requested { delivery.streamManagementFailed() }
        case .notRequested:
            break
        }
        return outcome
    }
}
