import Glibc
import XMPPProtocol

/// The `listen` loop: log in, announce presence, join rooms, then report what arrives until
/// a stop condition; keep the connection alive, and reconnect when asked to.
final class Listener {
    struct Options {
        var format: RecordFormat
        var senders: [JID]
        var rooms: [JID]
        var nick: String?
        var presence: Bool
        var iq: Bool
        var carbons: Bool
        var count: Int?
        var duration: Double?
        var idleTimeout: Double?
        var exec: String?
        var execTimeout: Double = 60
        var reconnect: Bool
        /// The account's OMEMO device, which decrypts what was encrypted for it.
        var omemo: OMEMOAccount?
        /// `--since`: where reading the archives starts where nothing else says.
        var since: SinceOption?
        /// `--state`: where reading the archives starts, kept up to date.
        var state: ListenStateFile?

        /// Whether the archives are read before going live (and positions in them followed).
        var readsArchives: Bool { since != nil || state != nil }
    }

    /// Silence this long, ask the server for a sign of life; twice this long, the connection
    /// is dead. So a dead connection is noticed within a minute.
    static let keepaliveSeconds = 30.0
    private var keepalive = Keepalive(askAfter: keepaliveSeconds, answerWithin: keepaliveSeconds)

    let account: Account
    let diagnostics: Diagnostics
    let options: Options
    private(set) var session: XMPPSession!
    private var reported = 0
    private var lastRecord = Deadline.now()
    /// Messages of the connection before the latest reconnection, which the server may
    /// deliver again right after it (resent on resumption, or from offline storage): one
    /// of them that comes again then is not printed twice.
    private var beforeReconnection = RecentItems<MessageIdentity>(capacity: 4096)
    private var sinceConnection = RecentItems<MessageIdentity>(capacity: 4096)
    private var receivedSinceConnection = false
    /// Repeats come at once; at other times a message like an earlier one is new, since
    /// clients whose id counter restarts with each run reuse ids.
    private var repeatsExpectedUntil = Deadline.now()
    static let repeatWindowSeconds = 60.0
    private lazy var droppedStanzas = DroppedStanzaWarnings(diagnostics: diagnostics)
    private let entity = EntityInformation(name: "xmpp-cli", version: XMPPCLIVersion.current, features: [Namespace.carbons])

    /// `options.rooms` as a set, made once rather than for every message.
    let joinedRooms: Set<JID>
    /// Occupants' real JIDs (bare), as the rooms' presences show them: an OMEMO message in a
    /// room is decrypted with its sender's real JID.
    private var occupantRealJIDs: [JID: JID] = [:]

    // MARK: Archives (--since, --state; ListenerArchives.swift)

    /// Where each archive (the account's bare JID, each room) has been read or handled up to.
    var positions: [JID: MessageArchive.Position] = [:]
    /// The archives whose `<stanza-id/>`s are believed: those that said they add them.
    var trustedArchives: Set<JID> = []
    /// While the archives are read: the reading, and the live stanzas held back meanwhile.
    var catchUp: ArchiveCatchUp?
    var held: [XMLElement] = []
    /// Messages the archives gave (`ARCHIVE|ID`): their live copies are not reported again.
    var fromArchive = RecentItems<String>(capacity: 4096)
    var stateSaveFailed = false
    /// An --exec command was stopped by SIGINT or SIGTERM before it finished.
    var execInterrupted = false

    init(account: Account, diagnostics: Diagnostics, options: Options) {
        self.account = account
        self.diagnostics = diagnostics
        self.options = options
        joinedRooms = Set(options.rooms)
        positions = options.state?.positions ?? [:]
    }

    func run() throws(Failure) {
        Signals.catchTermination()
        try CommandRunner.xmpp {
            try connect()
            // --timeout bounds the login; --duration and --idle-timeout count from being online.
            let end = options.duration.map { Deadline.after(seconds: $0) } ?? .distantFuture
            lastRecord = .now()
            while !isDone(end: end) {
                do {
                    _ = try session.pump(alsoWatching: Signals.wakeupDescriptor, deadline: nextWakeup(end: end))
                    try keepalive.check(session)
                } catch let error as XMPPError {
                    guard options.reconnect, Self.isRetryable(error) else { throw error }
                    diagnostics.warning("\(error); reconnecting")
                    try reconnectWithBackoff(end: end)
                }
            }
            saveState()
            // What arrives while closing is neither printed nor acknowledged: the server keeps
            // it for the next run instead of it being printed twice.
            session.refusesFurtherMessages = true
            session.send(Presence.typed("unavailable", to: nil))
            session.close(deadline: .after(seconds: 2))
        }
    }

    private func isDone(end: Deadline) -> Bool {
        if Signals.terminationRequested || end.hasPassed { return true }
        if let count = options.count, reported >= count { return true }
        if let idle = options.idleTimeout, lastRecord.adding(seconds: idle).hasPassed { return true }
        return false
    }

    private func nextWakeup(end: Deadline) -> Deadline {
        var wakeup = end.earlier(keepalive.nextCheck(session))
        if let idle = options.idleTimeout { wakeup = wakeup.earlier(lastRecord.adding(seconds: idle)) }
        return wakeup
    }

    // MARK: Connecting

    private func connect() throws {
        let deadline = account.deadline()
        try ServerLogin.run(account, diagnostics: diagnostics, deadline: deadline) { session in
            try goOnline(session, deadline: deadline)
        }
    }

    /// Presence, carbons and rooms go with the bind request; online once it is answered.
    private func goOnline(_ newSession: XMPPSession, deadline: Deadline) throws {
        session = newSession
        droppedStanzas.watch(session)
        installHandlers()
        let ownArchive = options.readsArchives ? beginReadingOwnArchive() : nil
        // Initial presence (RFC 6121 §4.2): the server starts routing messages here and
        // delivers offline messages, with their original times (unless the archive was asked
        // for first: then the server may leave them to it, as Prosody does).
        session.send(Presence.available(show: nil, status: nil, priority: nil))
        if let ownArchive { catchUp?.sendEndQuery(of: ownArchive.source) }
        var roomDiscovery: [(JID, String)] = []
        if options.carbons {
            if let refusal = try Self.refusal(of: Carbons.enableRequest, session: session, deadline: deadline) {
                diagnostics.warning("the server did not enable carbons: \(refusal.condition)")
            }
        }
        let nick = options.nick ?? account.settings.jid.localpart ?? "xmpp-cli"
        for room in options.rooms {
            // With the archive read, the room's history would only repeat it.
            let entry = try MultiUserChat.enter(
                room, nick: nick, password: nil, history: !options.readsArchives, session: session, deadline: deadline)
            occupantRealJIDs.merge(entry.realJIDs) { _, new in new }
            diagnostics.progress("joined \(room) as \(nick)")
            if options.readsArchives { roomDiscovery.append((room, beginReadingArchive(of: room))) }
        }
        // Online once bound: what --timeout bounds ends here, and --idle-timeout starts.
        let bound = try session.waitUntilBound(deadline: deadline)
        if let omemo = options.omemo {
            try omemo.publish(session: session, deadline: deadline)
            diagnostics.progress("decrypting OMEMO messages as device \(omemo.deviceID) (fingerprint \(omemo.fingerprint))")
        }
        if let ownArchive {
            try readArchives(discovery: [(account.settings.jid.bare, ownArchive.discovery)] + roomDiscovery)
        }
        diagnostics.progress("listening as \(bound)")
    }

    /// Sends a request; returns its stanza error, nil on success.
    private static func refusal(of request: XMLElement, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> StanzaError? {
        do {
            _ = try session.request(request, deadline: deadline, waitingFor: "an answer from the server")
            return nil
        } catch {
            guard case .stanzaError(let refusal) = error else { throw error }
            return refusal
        }
    }

    private func installHandlers() {
        keepalive = Keepalive(askAfter: Self.keepaliveSeconds, answerWithin: Self.keepaliveSeconds)
        session.onStanza = { [unowned self] stanza in self.handle(stanza) }
        session.onRequest = { [unowned self] iq in
            if self.options.iq { self.report(.iq(iq)) }
            return self.entity.answer(iq)
        }
    }

    /// Retries until it is back or a stop condition holds: --duration and --idle-timeout
    /// run on while the server is away.
    private func reconnectWithBackoff(end: Deadline) throws {
        if receivedSinceConnection {  // else the connection before that one still holds the candidates
            beforeReconnection = sinceConnection
            sinceConnection = RecentItems(capacity: 4096)
            receivedSinceConnection = false
        }
        var delay = 1.0
        while !isDone(end: end) {
            var stop = end
            if let idle = options.idleTimeout { stop = stop.earlier(lastRecord.adding(seconds: idle)) }
            // Ends at once on SIGINT or SIGTERM, even one that came just before it began.
            Signals.wait(until: stop, atMost: delay * Double.random(in: 0.5...1.5))
            if isDone(end: end) { return }
            repeatsExpectedUntil = .after(seconds: Self.repeatWindowSeconds)
            do {
                if session.resumption != nil, let resumed = try? Login.resume(
                    session, settings: account.settings, deadline: account.deadline(), tracer: diagnostics.tracer)
                {
                    session = resumed
                    installHandlers()
                    diagnostics.progress("stream resumed")
                    return
                }
                try connect()
                return
            } catch let error as XMPPError where Self.isRetryable(error) {
                delay = min(delay * 2, 60)
                diagnostics.warning("\(error); retrying in about \(Int(delay)) s")
            }
        }
    }

    /// Failures a later attempt may overcome; authentication and configuration are not.
    static func isRetryable(_ error: XMPPError) -> Bool {
        switch error {
        case .unreachable, .timedOut, .connectionLost, .streamError: return true
        default: return false
        }
    }

    // MARK: Reporting

    func handle(_ stanza: XMLElement) {
        if stanza.name == "message", MessageArchive.isResult(stanza) {
            // A page of an archive: read by the reading under way, or late from one gone.
            _ = catchUp?.take(stanza)
            return
        }
        if catchUp != nil {
            hold(stanza)
            return
        }
        switch stanza.name {
        case "message":
            var message = stanza
            var direction: Carbons.Direction?
            switch Carbons.unwrap(stanza, account: account.settings.jid) {
            case .notACarbon: break
            case .forged:
                diagnostics.warning("dropped a forged carbon from \(stanza[attribute: "from"] ?? "?")")
                return
            case .carbon(let inner, let way):
                guard options.carbons else { return }
                message = inner
                direction = way
            }
            var reference: ArchiveReference?
            if options.readsArchives, direction == nil, let found = archiveReference(of: message) {
                // Given by an archive already (and handled then): not reported twice.
                if fromArchive.contains(found.key) { return }
                reference = found
            }
            handleMessage(message, direction: direction, archived: nil, reference: reference)
        case "presence":
            if options.omemo != nil, !joinedRooms.isEmpty, let from = stanza[attribute: "from"].flatMap({ try? JID($0) }),
                joinedRooms.contains(from.bare)
            {
                occupantRealJIDs[from] = stanza[attribute: "type"] == "unavailable" ? nil : MultiUserChat.realJID(in: stanza)
            }
            if options.presence { report(.presence(stanza)) }
        default:
            break
        }
    }

    /// A message to report, live or from an archive (`archived`), after decryption.
    /// Every message with an archive id that is not reported for a reason of its own (no
    /// body, a filter) is handled all the same: the position moves past it. Once handling
    /// has stopped (--count, a signal), it stays where the last handled message left it.
    func handleMessage(_ message: XMLElement, direction: Carbons.Direction?, archived: Bool?, reference: ArchiveReference?) {
        guard !handlingStopped else { return }
        defer { if !handlingStopped, let reference { positions[reference.archive] = .after(reference.id) } }
        // Encrypted messages are decrypted first: one without a body (a key transport) still
        // moves a session on.
        var decryption: OMEMOAccount.Decryption?
        if let encrypted = message.child("encrypted", namespace: Namespace.omemoLegacy) {
            decryption = decrypt(encrypted, in: message)
            if decryption?.isKeyTransport == true { return }
        }
        // A room's empty <subject/> at join time (XEP-0045 §7.2.15) says there is no
        // subject: nothing to report, and it must not count towards --count.
        guard decryption != nil || message.child("body") != nil || !(message.child("subject")?.text ?? "").isEmpty else { return }
        // Repeats come only after a reconnection, which only --reconnect makes: without it
        // no message is remembered (the cost of a hash of every body, and of a set of
        // thousands looked up at random).
        if options.reconnect, let key = Self.identity(message) {
            if !repeatsExpectedUntil.hasPassed && beforeReconnection.contains(key) { return }
            sinceConnection.insert(key)
            receivedSinceConnection = true
        }
        var record = IncomingRecord.message(message, rooms: joinedRooms, carbon: direction)
        record.archived = archived ?? false
        record.archiveID = reference?.id
        if let decryption {
            record.encrypted = "omemo"
            record.body = decryption.body
            record.fingerprint = decryption.fingerprint
            record.trust = decryption.trust?.rawValue
            record.error = decryption.error
            // What OMEMO clients send a file as: its aesgcm:// URL as the whole body.
            let body = decryption.body?.trimmingXMLWhitespace()
            record.url = body.flatMap { $0.hasPrefix("aesgcm://") && !$0.contains(" ") && !$0.contains("\n") ? $0 : nil }
        }
        report(record, reference: reference)
    }

    /// What an OMEMO message decrypts to; every failure is a record's `error`, never a stop.
    private func decrypt(_ encrypted: XMLElement, in message: XMLElement) -> OMEMOAccount.Decryption {
        guard let omemo = options.omemo else {
            return OMEMOAccount.Decryption(error: "encrypted with OMEMO, and this account has no OMEMO device here (listen --omemo makes one)")
        }
        guard var sender = message[attribute: "from"].flatMap({ try? JID($0) }) else {
            return OMEMOAccount.Decryption(error: "the encrypted message has no valid sender")
        }
        if message[attribute: "type"] == "groupchat" {
            guard let real = occupantRealJIDs[sender] else {
                return OMEMOAccount.Decryption(error: "the room does not show the real JID of \(sender), which decrypting needs")
            }
            sender = real
        }
        do throws(Failure) {
            return try omemo.update(deadline: .after(seconds: account.timeout)) { () throws(Failure) in
                omemo.decrypt(encrypted, from: sender, session: session, deadline: .after(seconds: account.timeout))
            }
        } catch {
            return OMEMOAccount.Decryption(error: error.message)
        }
    }

    func report(_ record: IncomingRecord, reference: ArchiveReference? = nil) {
        guard passesFilter(record.from) else { return }
        if let count = options.count, reported >= count { return }
        reported += 1
        lastRecord = .now()
        // Whatever comes after the last record stays unacknowledged, for the next run.
        if let count = options.count, reported >= count { session.refusesFurtherMessages = true }
        if let command = options.exec, record.kind == .message {
            // A command stopped by SIGINT or SIGTERM did not handle the message: a restart
            // handles it again.
            guard run(command, for: record) else {
                execInterrupted = true
                return
            }
        } else if options.exec == nil {
            StandardOutput.write(bytes: options.format.line(record))
        }
        // Handled: from here on a restart starts after it.
        if let reference {
            positions[reference.archive] = .after(reference.id)
            saveState()
        }
    }

    /// No message is handled any more: --count records were, or the program is ending.
    var handlingStopped: Bool { countReached || execInterrupted || Signals.terminationRequested }

    var countReached: Bool {
        if let count = options.count { return reported >= count }
        return false
    }

    private func passesFilter(_ from: String?) -> Bool {
        guard !options.senders.isEmpty else { return true }
        guard let from, let sender = try? JID(from) else { return false }
        if options.rooms.contains(sender.bare) { return true }
        return options.senders.contains { $0.isBare ? $0 == sender.bare : $0 == sender }
    }

    /// Runs `command` for the message; false when it was stopped because the program is ending.
    private func run(_ command: String, for record: IncomingRecord) -> Bool {
        var environment = ["XMPP_FROM": record.from ?? "", "XMPP_TO": record.to ?? "", "XMPP_TYPE": record.type, "XMPP_ID": record.id ?? ""]
        if let room = record.room { environment["XMPP_ROOM"] = room }
        if let nick = record.nick { environment["XMPP_NICK"] = nick }
        if let url = record.url { environment["XMPP_URL"] = url }
        if let archiveID = record.archiveID { environment["XMPP_ARCHIVE_ID"] = archiveID }
        if let replaces = record.replaces { environment["XMPP_REPLACE_ID"] = replaces }
        if let retracts = record.retracts { environment["XMPP_RETRACT_ID"] = retracts }
        if record.archived { environment["XMPP_ARCHIVED"] = "1" }
        let message = "the message \(record.id ?? "") from \(record.from ?? "?")"
        switch ExecCommand.run(command, stdin: record.body ?? "", environment: environment, timeout: options.execTimeout) {
        case .exited(0): return true
        case .interrupted:
            // The program is ending: messages still to come stay with the server, unhandled.
            session.refusesFurtherMessages = true
            return false
        // A command that fails, or runs out of time, has had its turn with the message: it
        // is not given it again at every restart.
        case .exited(let status): diagnostics.warning("--exec command exited with status \(status) for \(message)")
        case .timedOut:
            let limit = options.execTimeout
            let seconds = limit == limit.rounded() && limit < 1e9 ? String(Int(limit)) : String(limit)
            diagnostics.warning("--exec command did not finish within \(seconds) s for \(message) and was stopped; check it, or raise --exec-timeout")
        }
        return true
    }

    /// What makes a message the same one when it comes again: its sender, its own id and
    /// its body (a hash of it, to keep memory flat). Kept as parts rather than joined into one
    /// string with NULs between them, which XML cannot carry: equal exactly when that string
    /// would be, without one being built and hashed for every message.
    struct MessageIdentity: Hashable, Sendable {
        var from: String
        var id: String
        var body: Int
    }

    private static func identity(_ message: XMLElement) -> MessageIdentity? {
        let id = message.child("origin-id", namespace: Namespace.stanzaID)?[attribute: "id"] ?? message[attribute: "id"]
        guard let id, !id.isEmpty else { return nil }
        var body = Hasher()
        body.combine(message.child("body")?.text)
        return MessageIdentity(from: message[attribute: "from"] ?? "", id: id, body: body.finalize())
    }
}
