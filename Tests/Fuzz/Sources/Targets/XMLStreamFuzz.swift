import XMPPProtocol

/// `XMLStreamParser` fed the input in chunks cut by the input itself, sometimes reset in
/// the middle. Promises checked: events come in stream order and are well-formed trees
/// within the limits; once a feed throws every later one throws the same error; the cut
/// does not change the outcome; `reset()` leaves a parser as good as new.
enum XMLStreamFuzz {
    /// Small limits, so that the fuzzer reaches them with small inputs.
    static let limits = XMLLimits(maxDepth: 8, maxStanzaBytes: 2048, maxHeaderBytes: 1024)

    static let freshStream = Array(
        ("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
            + "<message><body>after reset</body></message>").utf8)

    static func run(_ bytes: [UInt8]) {
        var choices = InputChoices(bytes)
        let chunks = choices.chunks(of: bytes)
        let resetBefore = choices.next() % 4 == 0 ? choices.number(in: 0...chunks.count) : nil

        let parser = XMLStreamParser(limits: limits)
        var order = EventOrder()
        var failure: XMLStreamError?
        var eventsWithoutReset: [XMLStreamEvent] = []
        for (index, chunk) in chunks.enumerated() {
            if index == resetBefore {
                parser.reset()
                order = EventOrder()
                failure = nil
            }
            do {
                let events = try parser.feed(chunk)
                require(failure == nil, "a feed after the failure \(failure!) returned \(events)")
                order.check(events)
                eventsWithoutReset += events
            } catch {
                if let failure { require(error == failure, "after failing with \(failure) a feed threw \(error)") }
                failure = error
            }
        }
        if let failure {
            for more in [[], [UInt8(ascii: " ")], freshStream] {
                do {
                    let events = try parser.feed(more)
                    require(false, "after failing with \(failure) a feed returned \(events)")
                } catch {
                    require(error == failure, "after failing with \(failure) a feed threw \(error)")
                }
            }
        }
        if resetBefore == nil {
            requireSameAsInOneFeed(
                bytes, chunked: eventsWithoutReset, failed: failure != nil, parser: parser,
                cuts: chunks.map(\.count), failure: failure)
        }

        parser.reset()
        do {
            let events = try parser.feed(freshStream)
            require(events.count == 2 && events.last == .element(XMLElement("message", namespace: Namespace.client, children: [.element(XMLElement("body", namespace: Namespace.client, children: [.text("after reset")]))])),
                    "after reset() a valid stream gave \(events)")
        } catch {
            require(false, "after reset() a valid stream failed: \(error)")
        }
    }

    /// The outcome must not depend on how the bytes were cut into reads. libxml2 looks at a
    /// start tag only once a '>' has arrived after it, and decides some mistakes only with
    /// more input, which one way of cutting may have given it and the other not: so the
    /// parser that has not failed yet is given a '>', and must then fail too.
    private static func requireSameAsInOneFeed(
        _ bytes: [UInt8], chunked: [XMLStreamEvent], failed: Bool, parser: XMLStreamParser,
        cuts: [Int], failure: XMLStreamError?
    ) {
        let whole = XMLStreamParser(limits: limits)
        do {
            let events = try whole.feed(bytes)
            if failed {
                require(failsAfterAClosingBracket(whole), "the input fails in chunks of \(cuts) (\(String(describing: failure))) but parses in one feed, even after a '>'")
                return
            }
            require(events == chunked, "in chunks the input gave \(chunked), in one feed \(events)")
            requireSameWhenUnread(bytes, read: .success(events))
        } catch {
            requireSameWhenUnread(bytes, read: .failure(error))
            guard !failed else { return }
            require(failsAfterAClosingBracket(parser), "the input fails in one feed (\(error)) but not in chunks, even after a '>'")
        }
    }

    /// Elements nobody reads are parsed as strictly as the others: the same failure, or the
    /// same events with those elements' start tags alone.
    private static func requireSameWhenUnread(_ bytes: [UInt8], read: Result<[XMLStreamEvent], XMLStreamError>) {
        let reads: (XMLElementStart) -> Bool = { ($0[attribute: "id"]?.utf8.count ?? 0) % 2 == 1 }
        let parser = XMLStreamParser(limits: limits)
        parser.readsElement = reads
        let unread = Result { () throws(XMLStreamError) in try parser.feed(bytes) }
        let expected = read.map { events in
            events.map { event -> XMLStreamEvent in
                guard case .element(let element) = event, !reads(XMLElementStart(element)) else { return event }
                return .unreadElement(XMLElement(element.name, namespace: element.namespace, orderedAttributes: []))
            }
        }
        require(unread == expected, "read, the input gave \(read); with elements left unread \(unread)")
    }

    private static func failsAfterAClosingBracket(_ parser: XMLStreamParser) -> Bool {
        for closer in ["'>", "\">", ">"] {
            do { _ = try parser.feed(Array(closer.utf8)) } catch { return true }
        }
        return false
    }

    /// The order of a stream's events: its header once and first, stanzas, its end last.
    struct EventOrder {
        private var opened = false
        private var closed = false

        mutating func check(_ events: [XMLStreamEvent]) {
            for event in events {
                require(!closed, "\(event) came after the end of the stream")
                switch event {
                case .streamOpened(let header):
                    require(!opened, "a second stream header")
                    opened = true
                    for attribute in header.attributes {
                        require(XMLEscaping.isValidXMLText(attribute.value), "a header attribute holds a character XML forbids")
                    }
                case .element(let element):
                    require(opened, "a stanza before the stream header")
                    XMLChecks.requireWellFormed(element, limits: limits)
                    XMLChecks.requireRoundTrip(element, namespaceInScope: Namespace.client)
                case .streamClosed:
                    require(opened, "the end of a stream that never began")
                    closed = true
                case .droppedStanza(let dropped):
                    require(opened, "a dropped stanza before the stream header")
                    if let element = dropped.element {
                        XMLChecks.requireWellFormed(element, limits: limits)
                        require(element.children.isEmpty, "a dropped stanza kept its content")
                    }
                case .unreadElement(let element):
                    require(opened, "an unread stanza before the stream header")
                    require(element.children.isEmpty && element.attributes.isEmpty, "an unread stanza kept its content")
                }
            }
        }
    }
}
