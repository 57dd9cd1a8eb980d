/// How a session handles what the server sends: stream-management elements, answers to
/// our requests (matched by id and sender), requests from others, and stanzas for the
/// command.
extension XMPPSession {
    func dispatch(_ element: XMLElement) throws(XMPPError) {
        if element.namespace == Namespace.streamManagement {
            try handleStreamManagement(element)
            return
        }
        guard element.namespace == Namespace.client else {
            throw .protocolViolation("unexpected <\(element.name)> from \(stream.peerName)")
        }
        if let readsStanza, case let start = XMLElementStart(element), !Self.mustRead(start), !readsStanza(start) {
            // Built only because a trace is watching: handled as the stream would have had it.
            handleUnread(element)
            return
        }
        if refusesFurtherMessages && element.name == "message" {
            // Messages stay with the server. Presences and IQs are still processed, so a
            // room join or a request under way can finish, but nothing is counted any
            // more: an `h` past a message left behind would acknowledge it.
            countingStopped = true
            return
        }
        if !countingStopped && delivery.sm.isEnabledForInbound {
            delivery.sm.handled &+= 1
        }
        switch element.name {
        case "iq":
            try handleIQ(element)
        case "message":
            if element[attribute: "type"] == "error", let id = element[attribute: "id"], recentMessageIDs.contains(id) {
                if bounces.count < 100 { bounces.append((id, Self.stanzaError(in: element))) }
            }
            deliverIncoming(element)
        case "presence":
            deliverIncoming(element)
        default:
            throw .protocolViolation("unexpected <\(element.name)> from \(stream.peerName)")
        }
    }

    /// A stanza that broke a limit was left out by the parser. It still counts as handled
    /// (XEP-0198), or the server would send it again, and again at every later login; a
    /// request in it still gets an answer (RFC 6120 §8.2.3).
    func handleDropped(_ dropped: DroppedStanza) {
        droppedStanzaCount += 1
        let stanza = dropped.element
        let name = stanza?.name ?? dropped.qualifiedName
        if refusesFurtherMessages && name == "message" {
            countingStopped = true  // left with the server, as any other message would be
        } else if !countingStopped && delivery.sm.isEnabledForInbound {
            delivery.sm.handled &+= 1
        }
        if let stanza, name == "iq", ["get", "set"].contains(stanza[attribute: "type"] ?? ""),
            let id = stanza[attribute: "id"], answersUnhandledRequests
        {
            var reply = XMLElement("iq", attributes: ["type": "error", "id": id])
            if let from = stanza[attribute: "from"] { reply[attribute: "to"] = from }
            var error = Self.errorElement(type: "modify", condition: "policy-violation")
            var text = XMLElement("text", namespace: Namespace.stanzaErrors)
            text.append(text: "not accepted: \(dropped.reason)")
            error.append(text)
            reply.append(error)
            send(reply)
        }
        onDroppedStanza?(dropped)
    }

    /// Has the stream build trees only for the stanzas someone reads (`readsStanza`).
    func watchUnreadStanzas() {
        guard let readsStanza else {
            stream.readsElement = nil
            return
        }
        stream.readsElement = { element in Self.mustRead(element) || readsStanza(element) }
    }

    /// What the session itself reads whatever the command does: IQs (requests are answered
    /// with their payload, results are matched), error messages (bounces are recorded), and
    /// anything that is not a message or presence of the client namespace (which `dispatch`
    /// refuses).
    static func mustRead(_ element: XMLElementStart) -> Bool {
        guard element.namespace == Namespace.client, element.name == "message" || element.name == "presence" else { return true }
        return element[attribute: "type"] == "error"
    }

    /// A message or presence nobody reads: counted as `dispatch` counts it, and no more.
    func handleUnread(_ stanza: XMLElement) {
        if refusesFurtherMessages && stanza.name == "message" {
            countingStopped = true
            return
        }
        if !countingStopped && delivery.sm.isEnabledForInbound {
            delivery.sm.handled &+= 1
        }
    }

    func deliverIncoming(_ stanza: XMLElement) {
        if let onStanza {
            onStanza(stanza)
        } else {
            inbox.append(stanza)
        }
    }

    func handleStreamManagement(_ element: XMLElement) throws(XMPPError) {
        switch element.name {
        case "enabled":
            let resumable = ["true", "1"].contains(element[attribute: "resume"] ?? "")
            delivery.streamManagementEnabled(resumptionID: element[attribute: "id"], resumable: resumable)
            tracer?(.stage("stream management enabled\(resumable ? " (resumable)" : "")"))
        case "failed":
            delivery.streamManagementFailed()
            tracer?(.stage("stream management refused by the server; delivery will be confirmed by a ping"))
        case "a":
            try delivery.acknowledge(try Self.handledCount(element))
        case "r":
            queueAck()
        default:
            break
        }
    }

    /// Queues `<a h='…'/>`: how many of the server's stanzas we have handled.
    func queueAck() {
        stream.queue(XMLElement("a", namespace: Namespace.streamManagement, attributes: ["h": String(delivery.sm.handled)]))
    }

    func handleIQ(_ iq: XMLElement) throws(XMPPError) {
        let type = iq[attribute: "type"] ?? ""
        let id = iq[attribute: "id"] ?? ""
        if type == "result" || type == "error" {
            guard let expectedFrom = pendingRequests[id], isValidResponder(iq[attribute: "from"], expected: expectedFrom) else {
                return  // an unsolicited or spoofed response: ignore (RFC 6120 §8.2.3)
            }
            pendingRequests.removeValue(forKey: id)
            if delivery.checkpointAnswered(id: id) { return }
            if id == bindRequestID {
                try completeBind(iq)
            } else if id == sessionRequestID {
                try completeLegacySession(iq)
            } else {
                responses[id] = iq
            }
            return
        }
        if type == "get" || type == "set" {
            answerRequest(iq)
        }
    }

    func completeBind(_ iq: XMLElement) throws(XMPPError) {
        func fail(_ reason: String) throws(XMPPError) -> Never {
            establishmentError = .protocolViolation(reason)
            throw establishmentError!
        }
        if iq[attribute: "type"] == "error" {
            try fail("the server refused to bind a resource: \(Self.stanzaError(in: iq).condition)")
        }
        guard let text = iq.child("bind", namespace: Namespace.bind)?.child("jid", namespace: Namespace.bind)?.text,
            let jid = try? JID(text.trimmingXMLWhitespace())
        else {
            try fail("the server's bind result has no valid JID")
        }
        // RFC 6120 §7.7.2.1: a resource of the account's own address, whatever the server chose.
        guard jid.bare == accountJID.bare, !jid.isBare else {
            try fail("the server bound the session to \(jid), not to a resource of \(accountJID.bare)")
        }
        boundJID = jid
        if sentAhead > 0 { knowledge.stanzasBeforeBind = true }
        tracer?(.stage("bound as \(jid)"))
    }

    /// RFC 3921's session establishment, for servers that still ask for it: refused, the
    /// session cannot be used.
    func completeLegacySession(_ iq: XMLElement) throws(XMPPError) {
        if iq[attribute: "type"] == "error" {
            establishmentError = .protocolViolation(
                "the server refused to establish a session: \(Self.stanzaError(in: iq).condition)")
            throw establishmentError!
        }
        sessionRequestID = nil
    }

    /// Answers get/set IQs addressed to us: pings get a result; anything else gets
    /// `service-unavailable` (RFC 6120 §8.2.3: every get/set must be answered).
    func answerRequest(_ iq: XMLElement) {
        var reply = XMLElement("iq", attributes: ["type": "result"])
        if let id = iq[attribute: "id"] { reply[attribute: "id"] = id }
        if let from = iq[attribute: "from"] { reply[attribute: "to"] = from }
        let responder = iq.elementChildren.first?.namespace.flatMap { responders[$0] }
        if let answer = onRequest?(iq) ?? responder?(iq) {
            reply.children = answer.children
            if let type = answer[attribute: "type"] { reply[attribute: "type"] = type }
            send(reply)
            return
        }
        let isPing = iq[attribute: "type"] == "get" && iq.child("ping", namespace: Namespace.ping) != nil
        if !isPing && !answersUnhandledRequests { return }
        if !isPing {
            reply[attribute: "type"] = "error"
            reply.children = iq.children
            reply.append(Self.errorElement(type: "cancel", condition: "service-unavailable"))
        }
        send(reply)
    }

    /// RFC 6120 §8.1.2.1: a response to a request sent without 'to' comes from the server
    /// on the account's behalf: no 'from', the bare or full JID, or the domain.
    func isValidResponder(_ from: String?, expected: String?) -> Bool {
        let accountAddresses = [accountJID.bare.description, accountJID.domainpart, boundJID?.description].compactMap { $0 }
        guard let expected else {
            guard let from else { return true }
            return accountAddresses.contains(Self.normalized(from))
        }
        guard let from else {
            // The server itself may answer without 'from' for requests to the account's domain.
            return accountAddresses.contains(Self.normalized(expected))
        }
        return Self.normalized(from) == Self.normalized(expected)
    }

    static func normalized(_ address: String) -> String {
        (try? JID(address))?.description ?? address
    }
}
