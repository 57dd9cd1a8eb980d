import XMPPProtocol

/// One `send` run: log in, enter the rooms, send, have everything confirmed, leave.
///
/// Exit 0 needs the server's confirmation of every message, no error bounce for any of
/// them, and, with `--receipt`, a receipt from every recipient.
final class Delivery {
    let account: Account
    let targets: [JID]
    /// The targets' addresses as written, made once rather than for every message.
    private let addresses: [String]
    let template: OutgoingMessage
    let rooms: RoomOptions?
    let diagnostics: Diagnostics
    private(set) var receipts = ReceiptTracker()
    /// `--format json`: what is printed of each message once acknowledged.
    let records: SentRecords
    private(set) var session: XMPPSession!
    private var occupants: [JID] = []
    /// The real JIDs each room showed of its occupants as we joined (for OMEMO).
    private(set) var roomOccupants: [JID: [JID: JID]] = [:]
    private(set) var messagesSent = 0
    /// With `--omemo`: our device, and the devices each target's messages are encrypted for.
    let omemo: OMEMOAccount?
    var omemoDevices: [JID: [OMEMOAddress]] = [:]
    private lazy var droppedStanzas = DroppedStanzaWarnings(diagnostics: diagnostics)

    init(
        account: Account, targets: [JID], template: OutgoingMessage, rooms: RoomOptions?, omemo: OMEMOAccount?,
        printsRecords: Bool, diagnostics: Diagnostics
    ) {
        self.account = account
        records = SentRecords(enabled: printsRecords)
        self.omemo = omemo
        self.targets = targets
        addresses = targets.map(\.description)
        self.template = template
        self.rooms = rooms
        self.diagnostics = diagnostics
    }

    /// The same body to every target, then each attachment's URL as a message of its own.
    ///
    /// With `--retry`, no message is delivered twice by this client's doing: a lost
    /// connection is first resumed (XEP-0198), where the server said it could be, and the
    /// server says which stanzas it had; otherwise a new login sends only the messages the
    /// server had not confirmed, with their first ids (and origin-ids, XEP-0359). A message
    /// the server took but could not confirm before the connection went is then sent again:
    /// recipients that de-duplicate by origin-id show it once (the man page says so). Files
    /// are uploaded once: a later attempt sends the URLs it already has.
    func sendOnce(body: String?, attachments: [UploadFile], retracting: String? = nil) throws(Failure) {
        try CommandRunner.xmpp {
            let deadline = account.deadline()
            var unconfirmed: [(stanza: XMLElement, target: JID)]?
            var uploaded: [UploadedFile]?
            try ServerLogin.run(account, diagnostics: diagnostics, deadline: deadline) { session in
                try begin(session, deadline: deadline)
                if uploaded == nil {
                    uploaded = try FileUploader(account: account, diagnostics: diagnostics, encrypts: omemo != nil)
                        .upload(attachments, session: session, deadline: deadline)
                }
                let contents = (body.map { [MessageContent(body: $0)] } ?? []) + uploaded!.map(MessageContent.init(attachment:))
                    + (retracting.map { [MessageContent(retracting: $0)] } ?? [])
                for content in contents { try checkServerLimit(content, deadline: deadline) }
                let retrying = unconfirmed != nil
                var messages = unconfirmed ?? []
                if unconfirmed == nil {
                    for content in contents { messages += try self.messages(content) }
                }
                unconfirmed = messages
                if retrying {
                    diagnostics.progress("sending the \(messages.count) message(s) the server has not confirmed yet, with their first ids")
                }
                for message in messages { send(message.stanza, to: message.target) }
                do throws(XMPPError) {
                    try confirm(deadline: deadline)
                } catch {
                    unconfirmed = Array(messages.dropFirst(min(self.session.confirmedMessageCount, messages.count)))
                    if case .connectionLost(let what) = error { throw XMPPError.connectionLost("\(what); \(confirmedSummary)") }
                    throw error
                }
                try finish()
                records.printConfirmed(records.count)
            }
        }
    }

    /// Waits until the server has confirmed everything sent; a connection lost on the way is
    /// resumed once where the server offered it (`--retry` asks for that).
    private func confirm(deadline: Deadline) throws(XMPPError) {
        do {
            try session.confirmDelivery(deadline: deadline)
        } catch .connectionLost(let what) {
            guard account.retry.retries > 0, session.resumption != nil else { throw .connectionLost(what) }
            diagnostics.progress("connection lost \(what); resuming the stream")
            let resumed: XMPPSession
            do {
                resumed = try Login.resume(session, settings: account.settings, deadline: deadline, tracer: diagnostics.tracer)
            } catch {
                diagnostics.progress("the stream could not be resumed (\(error))")
                throw .connectionLost(what)
            }
            replaceSession(resumed)
            try session.confirmDelivery(deadline: deadline)
        }
    }

    /// Every line of `file` (or stdin) as a message, as lines arrive. A line, once read, is
    /// not read again: this login waits for the bind result before sending anything.
    func sendLines(from file: String?) throws(Failure) {
        var reader = try LineInput.open(file, maxLineBytes: OutgoingMessage.defaultStanzaLimit)
        try CommandRunner.xmpp {
            let deadline = account.deadline()
            // Lines once taken from the input are not kept for another login: --retry covers
            // reaching the server, and after the first line a lost connection is resumed
            // (XEP-0198) or reported with what was confirmed.
            try ServerLogin.run(
                account, diagnostics: diagnostics, deadline: deadline, pipelining: false,
                mayRetry: { reader.lineNumber == 0 }
            ) { session in
                try begin(session, deadline: deadline)
                var loop = InteractiveLoop(delivery: self)
                try loop.run(reader: &reader)
            }
        }
    }

    // MARK: Steps shared by both ways

    /// Starts over on a new session (a second login starts from nothing): enters the rooms,
    /// and with OMEMO finds the devices to encrypt for (a refusal there is a `Failure`, 77).
    func begin(_ newSession: XMPPSession, deadline: Deadline) throws {
        session = newSession
        occupants = []
        messagesSent = 0
        receipts = ReceiptTracker()
        droppedStanzas.watch(session)
        installHandler()
        if let rooms {
            let nick = rooms.nick ?? account.settings.jid.localpart ?? "xmpp-cli"
            for room in targets {
                let entry = try MultiUserChat.enter(room, nick: nick, password: rooms.password, session: session, deadline: deadline)
                occupants.append(entry.occupant)
                roomOccupants[room] = entry.realJIDs
                diagnostics.progress("joined \(room) as \(nick)")
            }
        }
        if let omemo { try prepareEncryption(omemo, deadline: deadline) }
        // Of what comes in, only receipts are read, and the rooms' reflections of our messages
        // where their stanza ids are printed: otherwise the rooms' echoes of every message,
        // and presences, are counted and left unparsed into trees.
        let readsMessages = template.requestsReceipt || (records.enabled && rooms != nil)
        session.readsStanza = readsMessages ? { $0.name == "message" } : { _ in false }
    }

    /// After a resumption the session object is new; incoming stanzas still go to the tracker.
    func replaceSession(_ newSession: XMPPSession) {
        session = newSession
        installHandler()
    }

    private func installHandler() {
        let receipts = self.receipts
        let records = self.records
        session.onStanza = { stanza in
            receipts.handle(stanza)
            records.handle(stanza)
        }
    }

    /// The same body to every target, one message each.
    func sendToEveryTarget(_ body: String) throws(Failure) {
        for message in try messages(MessageContent(body: body)) { send(message.stanza, to: message.target) }
    }

    /// One message of `content` for each target, each with an id of its own; with OMEMO each
    /// is encrypted, and the store saved, before it is sent.
    private func messages(_ content: MessageContent) throws(Failure) -> [(stanza: XMLElement, target: JID)] {
        var result: [(stanza: XMLElement, target: JID)] = []
        if let retracted = content.retracts {
            // A retraction carries nothing to hide: it goes in the clear, with or without OMEMO.
            for (target, address) in zip(targets, addresses) {
                result.append((template.retraction(of: retracted, id: session.makeID(), to: address), target))
            }
        } else if let omemo {
            for (target, address) in zip(targets, addresses) {
                let encrypted = try omemo.encrypt(content.body, for: omemoDevices[target] ?? [])
                result.append((template.encryptedStanza(id: session.makeID(), to: address, encrypted: encrypted), target))
            }
            try omemo.save()
        } else {
            for (target, address) in zip(targets, addresses) {
                result.append((template.stanza(id: session.makeID(), to: address, body: content.body, attachmentURL: content.attachmentURL), target))
            }
        }
        for (stanza, target) in result {
            records.add(id: stanza[attribute: "id"]!, to: target.description, url: content.fileURL, room: rooms != nil ? target : nil)
        }
        return result
    }

    private func send(_ stanza: XMLElement, to target: JID) {
        if template.requestsReceipt {
            receipts.expect(id: stanza[attribute: "id"]!, from: target, within: account.timeout)
        }
        session.send(stanza)
        messagesSent += 1
    }

    /// The server's own limit (XEP-0478), known once its features have come. Every server
    /// takes stanzas of 10,000 bytes (RFC 6120 §13.12), so a smaller message goes without
    /// waiting for them, with the bind request.
    func checkServerLimit(_ content: MessageContent, deadline: Deadline) throws(Failure) {
        if content.body.utf8.count + 2_000 > 10_000 {
            do throws(XMPPError) { try session.awaitFeatures(deadline: deadline) } catch { throw Failure(error) }
        }
        guard let limit = session.limits?.maxStanzaBytes else { return }
        try template.checkSize(body: content.body, recipients: targets, limit: limit, limitSource: "the server's limit")
    }

    var confirmedSummary: String {
        "\(session.confirmedMessageCount) of \(messagesSent) message(s) confirmed by the server"
    }

    /// Waits for receipts, leaves the rooms, closes the stream; then reports a bounce or a
    /// missing receipt as a refusal (exit 1).
    func finish() throws(XMPPError) {
        while receipts.isWaiting {
            receipts.expire()
            guard let deadline = receipts.earliestDeadline else { break }
            _ = try session.pump(alsoWatching: nil, deadline: deadline)
        }
        // Every room reflects a message to its sender; one that has not yet done so within
        // the time-out leaves its record without a stanza id (the message was accepted).
        let reflectionDeadline = Deadline.after(seconds: account.timeout)
        while records.awaitsReflections && !reflectionDeadline.hasPassed {
            _ = try session.pump(alsoWatching: nil, deadline: reflectionDeadline)
        }
        for occupant in occupants { MultiUserChat.leave(occupant, session: session) }
        session.close(deadline: .after(seconds: 2))
        diagnostics.progress("\(messagesSent) message(s) accepted by the server; \(session.stream.roundTrips) round trips since connecting")
        if let bounce = session.bounces.first {
            throw .stanzaError(bounce.error)
        }
        if !receipts.missing.isEmpty {
            throw .refused("no delivery receipt from \(receipts.missing.joined(separator: ", ")) within \(Int(account.timeout)) s (the messages were accepted by the server)")
        }
    }
}

/// Opens the input of `send --interactive`: a file, or stdin.
enum LineInput {
    static func open(_ path: String?, maxLineBytes: Int) throws(Failure) -> LineReader {
        guard let path else { return LineReader(fd: 0, maxLineBytes: maxLineBytes) }
        let fd = FileInput.openForReading(path)
        guard fd >= 0 else {
            throw Failure(.noInput, "cannot read message file \(path): \(FileInput.lastErrorMessage)")
        }
        return LineReader(fd: fd, maxLineBytes: maxLineBytes, inputName: path)
    }
}
