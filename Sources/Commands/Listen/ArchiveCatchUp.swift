import XMPPProtocol

/// `listen --since` and `--state`: what each archive (XEP-0313) kept since a position, read
/// page by page after going live, so that nothing falls between the two and nothing is seen
/// twice.
///
/// Live messages already arrive while the archive is read; the listener holds them back
/// (CLI.md). Each archive is read up to its last item as it stood once live delivery had
/// begun: that item's id comes from a query sent after the initial presence (or the room
/// join), which the server reads after it, so everything archived later is delivered live.
/// Reading also stops at the first message held back, which is where live delivery began.
/// The held messages then go out, less those the archive already gave.
final class ArchiveCatchUp {
    /// One archive to read: from `start`, or, with `start` nil, only its end found (listening
    /// "from now", where the position still has to be known for the next run).
    final class Source {
        let archive: JID
        var start: MessageArchive.Position?
        /// A start the archive no longer has (it expired) is read from the archive's
        /// beginning instead, which then holds only newer messages: for positions a state
        /// file kept. An id the user gave is an error instead.
        var readsAllWhenStartIsGone = false
        /// Where the next page begins.
        fileprivate var next: MessageArchive.Position?
        fileprivate var page: MessageArchive.Query?
        fileprivate var pageSentAfterEnd = false
        fileprivate var endQuery: MessageArchive.Query?
        /// The archive's last item once live delivery had begun: `.some(nil)` when it was empty.
        fileprivate var end: String??
        /// Where this archive now stands: after the last item read.
        fileprivate(set) var reached: MessageArchive.Position?
        fileprivate(set) var isDone = false
        /// Reading ended before it was done (--count, a signal): `reached` is where it stands.
        fileprivate(set) var stopped = false

        init(archive: JID, start: MessageArchive.Position?) {
            self.archive = archive
            self.start = start
            next = start
            reached = start
        }
    }

    let account: JID
    private(set) var sources: [Source]
    private let session: XMPPSession
    /// Archive ids (as `source|id`) of live messages held back; reading a source stops at one.
    private var heldIDs: Set<String> = []
    /// What the reading took, for `-v`.
    private(set) var pagesRead = 0
    private(set) var itemsRead = 0

    init(account: JID, sources: [Source], session: XMPPSession) {
        self.account = account
        self.sources = sources
        self.session = session
    }

    var isDone: Bool { sources.allSatisfy(\.isDone) }

    /// Another archive to read (a room, once joined).
    func add(_ source: Source) {
        sources.append(source)
    }

    /// The first query, to go before the initial presence: a server may then leave offline
    /// storage alone, the archive holding it all (Prosody does).
    func sendFirstPage(of source: Source) {
        source.page = source.next.map { MessageArchive.query(source.archive, account: account, from: $0, session: session) }
            ?? MessageArchive.queryLastItem(source.archive, account: account, session: session)
        source.pageSentAfterEnd = false
    }

    /// The query for the archive's end, to go once live delivery has begun; for a room, with
    /// the first page right after it when none went before.
    func sendEndQuery(of source: Source) {
        source.endQuery = MessageArchive.queryLastItem(source.archive, account: account, session: session)
        if source.page == nil, let next = source.next {
            source.page = MessageArchive.query(source.archive, account: account, from: next, session: session)
            source.pageSentAfterEnd = true
        }
    }

    /// Hands a result message to the query it belongs to; false when it is none of ours.
    func take(_ message: XMLElement) -> Bool {
        for source in sources {
            if let page = source.page, page.take(message) { return true }
            if let end = source.endQuery, end.take(message) { return true }
        }
        return false
    }

    /// A live message held back: its archive id, where it has one, ends the reading of
    /// that archive.
    func hold(archiveID: String, of archive: JID) {
        heldIDs.insert(archive.description + "|" + archiveID)
    }

    /// Waits for the next answer and deals with it: `deliver` gets each item to report, in
    /// the archive's order, and says whether to go on (no more once it has said no: that
    /// source stays where its last item delivered left it). Throws the archive's refusal.
    func step(
        deadline: Deadline, warn: (String) -> Void, deliver: (MessageArchive.Item, Source) throws(Failure) -> Bool
    ) throws(Failure) {
        var answered: [(Source, MessageArchive.Query, XMLElement)] = []
        do throws(XMPPError) {
            try session.waitFor(deadline: deadline, waitingFor: "the message archive") {
                for source in sources where !source.isDone {
                    for query in [source.endQuery, source.page].compactMap({ $0 }) {
                        if let response = session.takeResponse(to: query.requestID) { answered.append((source, query, response)) }
                    }
                }
                return !answered.isEmpty
            }
        } catch {
            throw Failure(error)
        }
        for (source, query, response) in answered {
            if query.forgedCount > 0 {
                warn("dropped \(query.forgedCount) archive result(s) that did not come from \(source.archive)")
            }
            let pageEnd: MessageArchive.PageEnd
            do throws(XMPPError) {
                pageEnd = try query.finish(response)
            } catch {
                guard query !== source.endQuery, case .after(let gone)? = source.next,
                    case .stanzaError(let refusal) = error, refusal.condition == "item-not-found"
                else { throw Failure(error) }
                guard source.readsAllWhenStartIsGone else {
                    throw Failure(.refused, "\(source.archive) has no message with the archive id \(TerminalText.escape(gone)) (item-not-found)")
                }
                warn("\(source.archive) no longer has the message \(TerminalText.escape(gone)) the state file names (expired?): reading all it keeps")
                source.readsAllWhenStartIsGone = false
                source.start = .beginning
                source.next = .beginning
                source.page = nil
                decide(source)
                continue
            }
            if query === source.endQuery {
                source.endQuery = nil
                source.end = .some(query.items.last?.archiveID)
            } else {
                source.page = nil
                try read(query, pageEnd: pageEnd, of: source, deliver: deliver)
            }
            if !source.isDone && !source.stopped { decide(source) }
        }
    }

    private func read(
        _ page: MessageArchive.Query, pageEnd: MessageArchive.PageEnd, of source: Source,
        deliver: (MessageArchive.Item, Source) throws(Failure) -> Bool
    ) throws(Failure) {
        // Read "from now", the first query only kept offline messages where they are.
        guard source.next != nil else { return }
        pagesRead += 1
        for item in page.items {
            if heldIDs.contains(source.archive.description + "|" + item.archiveID) {
                source.isDone = true  // live delivery began here: the held message reports it
                return
            }
            guard try deliver(item, source) else {
                source.stopped = true
                return
            }
            itemsRead += 1
            source.reached = .after(item.archiveID)
            if case .some(.some(let end)) = source.end, end == item.archiveID {
                source.isDone = true
                return
            }
        }
        if let last = pageEnd.last ?? page.items.last?.archiveID { source.next = .after(last) }
        if pageEnd.complete && source.pageSentAfterEnd { finish(source) }
    }

    /// What a source needs once nothing of it is in flight: nothing more, or another page.
    private func decide(_ source: Source) {
        guard !source.isDone, source.page == nil, source.endQuery == nil, case .some(let end) = source.end else { return }
        guard let next = source.next, let end, next != .after(end) else {
            finish(source)
            return
        }
        source.page = MessageArchive.query(source.archive, account: account, from: next, session: session)
        source.pageSentAfterEnd = true
    }

    /// Everything up to the archive's end, as it stood once live, is read: from there on,
    /// messages come live. The position is then after that end (or the archive's beginning,
    /// when it was empty), which a state file can hold whatever the start was.
    private func finish(_ source: Source) {
        source.isDone = true
        if case .some(let end) = source.end {
            source.reached = end.map { .after($0) } ?? .beginning
        }
    }
}
