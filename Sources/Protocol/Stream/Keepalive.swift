/// Notices a dead connection under a session that may be quiet for long (a listener, a held
/// presence, an idle interactive send): after `askAfter` seconds without a byte from the
/// server it asks for a sign of life (an ack request with stream management, else a ping,
/// which also keeps idle-closing middleboxes away); if nothing at all arrives within
/// `answerWithin` seconds of asking, the connection is lost. Silence while the caller was
/// busy (a slow `--exec`) is not held against the server: only an unanswered request is.
public struct Keepalive: Sendable {
    public let askAfter: Double
    public let answerWithin: Double
    /// When the request that is still unanswered went out.
    private var askedAt: Deadline?

    public init(askAfter: Double, answerWithin: Double) {
        self.askAfter = askAfter
        self.answerWithin = answerWithin
    }

    /// The latest time the caller should call `check` again.
    public func nextCheck(_ session: XMPPSession) -> Deadline {
        askedAt.map { $0.adding(seconds: answerWithin) } ?? session.stream.lastReceived.adding(seconds: askAfter)
    }

    /// Asks for a sign of life when the server has been silent for `askAfter`; throws
    /// `.connectionLost` when a request went unanswered for `answerWithin`.
    public mutating func check(_ session: XMPPSession) throws(XMPPError) {
        let heard = session.stream.lastReceived
        if let asked = askedAt {
            if heard >= asked {
                askedAt = nil
            } else if asked.adding(seconds: answerWithin).hasPassed {
                throw .connectionLost("the server has not answered for \(Int(answerWithin)) s")
            } else {
                return
            }
        }
        guard heard.adding(seconds: askAfter).hasPassed else { return }
        session.requestConfirmation()
        try session.flush(deadline: .after(seconds: answerWithin))
        askedAt = .now()
    }
}
