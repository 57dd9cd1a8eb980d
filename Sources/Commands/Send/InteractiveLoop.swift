import XMPPProtocol

/// `send --interactive`: one message per line, sent as lines arrive, with flow control.
///
/// At most `window` stanzas are unconfirmed at any time; past that, stdin is not read until
/// the server's acks catch up, so a burst of 100,000 lines neither floods the server nor
/// grows memory. Acks are requested every `requestEvery` stanzas, more often than the
/// session's own rule (every 64), so that answers keep the window open, and whenever input
/// pauses.
/// A dropped connection is resumed once (XEP-0198) where the server allows it, and only the
/// unacknowledged messages are sent again, with their ids.
struct InteractiveLoop {
    static let window = 128
    static let requestEvery = 32
    /// Idle this long (nothing unconfirmed, no input), ask the server for a sign of life: the
    /// connection stays in use, and a dead one is noticed (and resumed) before the next line.
    static let keepaliveSeconds = 60.0

    let delivery: Delivery
    private var sinceRequest = 0
    private var lastProgress = Deadline.now()
    private var resumed = false
    private var keepalive: Keepalive
    /// A bad line stops reading; what came before is still confirmed before exiting.
    private var inputFailure: Failure?

    init(delivery: Delivery) {
        self.delivery = delivery
        keepalive = Keepalive(askAfter: Self.keepaliveSeconds, answerWithin: delivery.account.timeout)
    }

    private var session: XMPPSession { delivery.session }
    private var timeout: Double { delivery.account.timeout }

    mutating func run(reader: inout LineReader) throws {
        while true {
            do {
                if try step(reader: &reader) { return }
            } catch let error as XMPPError {
                guard case .connectionLost = error, !resumed, session.resumption != nil else {
                    if case .connectionLost(let what) = error {
                        throw XMPPError.connectionLost("\(what); \(delivery.confirmedSummary)")
                    }
                    throw error
                }
                resumed = true
                delivery.diagnostics.progress("connection lost; resuming the stream")
                let resumedSession = try Login.resume(
                    session, settings: delivery.account.settings, deadline: .after(seconds: timeout),
                    tracer: delivery.diagnostics.tracer)
                delivery.replaceSession(resumedSession)
                lastProgress = .now()
                keepalive = Keepalive(askAfter: Self.keepaliveSeconds, answerWithin: timeout)
            }
        }
    }

    /// Sends what can be sent, then waits once; true when everything is done.
    private mutating func step(reader: inout LineReader) throws -> Bool {
        try sendBufferedLines(reader: &reader)
        if inputFailure != nil || (reader.atEOF && !reader.hasBufferedLine) {
            try session.confirmDelivery(deadline: .after(seconds: timeout))
            try delivery.finish()
            delivery.records.printConfirmed(delivery.records.count)
            if let inputFailure { throw inputFailure }
            return true
        }
        let windowFull = !hasRoom
        if sinceRequest > 0 && (windowFull || !reader.hasBufferedLine) {
            session.requestConfirmation()
            sinceRequest = 0
        }
        if reader.hasBufferedLine && !windowFull { return false }

        let before = session.unconfirmedCount
        let deadline = before > 0 ? lastProgress.adding(seconds: timeout) : keepalive.nextCheck(session)
        let inputReady = try session.pump(alsoWatching: windowFull ? nil : reader.fd, deadline: deadline)
        if session.unconfirmedCount < before {
            lastProgress = .now()
            if !resumed { delivery.records.printConfirmed(session.confirmedMessageCount) }
        }
        delivery.receipts.expire()
        if inputReady { try reader.fill() }
        if before == 0 {
            try keepalive.check(session)
        } else if deadline.hasPassed && session.unconfirmedCount >= before {
            throw XMPPError.timedOut("waiting for the server to acknowledge \(session.unconfirmedCount) stanza(s); \(delivery.confirmedSummary)")
        }
        return false
    }

    /// Whether one more line may go out: the window has room for its messages, or nothing is
    /// unconfirmed (so a line to more recipients than the window holds still goes, alone).
    private var hasRoom: Bool {
        session.unconfirmedCount == 0 || session.unconfirmedCount + delivery.targets.count <= Self.window
    }

    private mutating func sendBufferedLines(reader: inout LineReader) throws {
        while inputFailure == nil, hasRoom {
            let next: (bytes: ArraySlice<UInt8>, number: Int)?
            do {
                next = try reader.nextLine()
            } catch {
                inputFailure = error
                return
            }
            guard let (bytes, number) = next else { return }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                inputFailure = Failure(.dataError, "line \(number) of the input is not valid UTF-8")
                return
            }
            if text.isEmpty { continue }  // a blank line carries no message
            do {
                try MessageInput.checkText(text, what: "line \(number)")
                try delivery.checkServerLimit(MessageContent(body: text), deadline: .after(seconds: timeout))
                if session.unconfirmedCount == 0 { lastProgress = .now() }
                try delivery.sendToEveryTarget(text)
            } catch {
                inputFailure = error
                return
            }
            sinceRequest += delivery.targets.count
            if sinceRequest >= Self.requestEvery {
                session.requestConfirmation()
                sinceRequest = 0
            }
        }
    }
}
