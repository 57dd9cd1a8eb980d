import XMPPProtocol

/// Where a live message stands in an archive: the archive, and the id it gave the message.
struct ArchiveReference {
    var archive: JID
    var id: String
    var key: String { archive.description + "|" + id }
}

/// `listen --since` and `--state` (CLI.md): the archives read before going live, held-back
/// live stanzas released after, and the position in each archive kept in the state file.
extension Listener {
    /// The most stanzas held back while the archives are read: past it, messages come faster
    /// than the archive can be read, and listening stops (exit 75) rather than grow.
    static let heldLimit = 10_000

    /// Where reading `archive` starts: where it was left (the state file, or this run's last
    /// connection), else `--since`; nil to start from now.
    private func start(of archive: JID) -> MessageArchive.Position? {
        if let position = positions[archive] { return position }
        switch options.since {
        case .time(let stamp): return .time(stamp)
        case .archiveID(let id): return .after(id)
        case nil: return nil
        }
    }

    private func makeSource(_ archive: JID) -> ArchiveCatchUp.Source {
        let source = ArchiveCatchUp.Source(archive: archive, start: start(of: archive))
        source.readsAllWhenStartIsGone = positions[archive] != nil
        return source
    }

    /// Starts reading the account's own archive, before the initial presence is sent: its
    /// service discovery (is the archive there, are its stanza ids to be believed) and its
    /// first page go ahead of the presence.
    func beginReadingOwnArchive() -> (source: ArchiveCatchUp.Source, discovery: String) {
        let own = account.settings.jid.bare
        let source = makeSource(own)
        let reading = ArchiveCatchUp(account: own, sources: [source], session: session)
        catchUp = reading
        held = []
        let discovery = session.sendRequest(Self.discoInfo(to: nil))
        reading.sendFirstPage(of: source)
        return (source, discovery)
    }

    /// Starts reading a room's archive, once it has confirmed the join (live delivery has
    /// begun); returns the id of its service discovery request.
    func beginReadingArchive(of room: JID) -> String {
        let source = makeSource(room)
        catchUp?.add(source)
        let discovery = session.sendRequest(Self.discoInfo(to: room))
        catchUp?.sendEndQuery(of: source)
        return discovery
    }

    private static func discoInfo(to entity: JID?) -> XMLElement {
        var attributes = ["type": "get"]
        if let entity { attributes["to"] = entity.description }
        return XMLElement("iq", attributes: attributes, children: [.element(XMLElement("query", namespace: Namespace.discoInfo))])
    }

    /// Reads every archive to where live delivery began, reporting what it holds, then
    /// releases the stanzas held back meanwhile.
    func readArchives(discovery: [(archive: JID, request: String)]) throws(Failure) {
        guard let catchUp else { return }
        let answers: [String: XMLElement]
        do throws(XMPPError) {
            answers = try session.waitForResponses(
                discovery.map(\.request), deadline: .after(seconds: account.timeout), waitingFor: "the archives to describe themselves")
        } catch {
            throw Failure(error)
        }
        for (archive, request) in discovery {
            let features = Set(
                answers[request]?.child("query", namespace: Namespace.discoInfo)?.elements(named: "feature").compactMap { $0[attribute: "var"] } ?? [])
            guard features.contains(Namespace.mam) else {
                let what = archive == account.settings.jid.bare ? "the server keeps no message archive for \(archive)" : "the room \(archive) keeps no message archive"
                throw Failure(.refused, "\(what) (XEP-0313), which --since and --state read")
            }
            // An archive adds stanza ids (XEP-0313 §5.1.2) and removes forged ones (XEP-0359 §7).
            trustedArchives.insert(archive)
        }
        for stanza in held { noteHeld(stanza) }
        while !catchUp.isDone && !handlingStopped {
            try catchUp.step(deadline: .after(seconds: account.timeout), warn: diagnostics.warning) { (item, source) throws(Failure) in
                handleArchived(item, from: source.archive)
                return !handlingStopped
            }
            if held.count > Self.heldLimit {
                throw Failure(.tempFail, "more than \(Self.heldLimit) messages arrived while the archive was read; listen again")
            }
        }
        for source in catchUp.sources where source.isDone {
            if let reached = source.reached { positions[source.archive] = reached }
        }
        self.catchUp = nil
        diagnostics.progress(
            "read \(catchUp.itemsRead) message(s) from \(catchUp.sources.count) archive(s) in \(catchUp.pagesRead) page(s); \(held.count) live stanza(s) held back meanwhile")
        saveState()
        let release = held
        held = []
        for stanza in release { handle(stanza) }
    }

    /// A live stanza that came while the archives are read, kept for after.
    func hold(_ stanza: XMLElement) {
        held.append(stanza)
        if !trustedArchives.isEmpty { noteHeld(stanza) }
    }

    /// A held live message with an archive id ends the reading of that archive there; one
    /// that came from offline storage (delayed) says nothing of where live delivery began.
    private func noteHeld(_ stanza: XMLElement) {
        guard stanza.name == "message", stanza.child("delay", namespace: Namespace.delay) == nil,
            let reference = archiveReference(of: stanza)
        else { return }
        catchUp?.hold(archiveID: reference.id, of: reference.archive)
    }

    /// The archive id a live message was given: by the room, for a room's groupchat message,
    /// else by the account's own archive; only by an archive whose ids are believed.
    func archiveReference(of message: XMLElement) -> ArchiveReference? {
        if message[attribute: "type"] == "groupchat" {
            guard let from = message[attribute: "from"].flatMap({ try? JID($0) }), joinedRooms.contains(from.bare),
                trustedArchives.contains(from.bare), let id = StanzaIDs.assigned(in: message, by: from.bare)
            else { return nil }
            return ArchiveReference(archive: from.bare, id: id)
        }
        let own = account.settings.jid.bare
        guard trustedArchives.contains(own), let id = StanzaIDs.assigned(in: message, by: own) else { return nil }
        return ArchiveReference(archive: own, id: id)
    }

    /// A message an archive gave. The account's archive also holds what the account sent
    /// (reported as sent carbons with --carbons, as live listening would show them) and,
    /// on some servers, rooms' messages, which their own archives give.
    private func handleArchived(_ item: MessageArchive.Item, from archive: JID) {
        guard !handlingStopped else { return }
        let reference = ArchiveReference(archive: archive, id: item.archiveID)
        fromArchive.insert(reference.key)
        let message = item.message
        var direction: Carbons.Direction?
        if archive == account.settings.jid.bare {
            let type = message[attribute: "type"]
            let sentByUs = message[attribute: "from"].flatMap({ try? JID($0) })?.bare == archive
            if type == "groupchat" || type == "error" || (sentByUs && !options.carbons) {
                // Not for this listener; handled all the same.
                positions[archive] = .after(item.archiveID)
                return
            }
            if sentByUs { direction = .sent }
        }
        handleMessage(message, direction: direction, archived: true, reference: reference)
    }

    /// Writes the positions to the state file, if there is one; a failure is reported once
    /// (the next success clears it) and listening goes on: at worst a restart repeats messages.
    func saveState() {
        guard let state = options.state else { return }
        for (archive, position) in positions { state.set(position, for: archive) }
        do throws(Failure) {
            try state.save()
            stateSaveFailed = false
        } catch {
            if !stateSaveFailed { diagnostics.warning(error.message) }
            stateSaveFailed = true
        }
    }
}
