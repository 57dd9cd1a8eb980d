/// XEP-0363 HTTP File Upload over a session: the account's upload service and its size
/// limit (service discovery), and upload slots. The HTTP transfer itself is `HTTP/`'s.
public enum HTTPFileUpload {
    /// An upload service: its address and the largest file it takes, where it says.
    public struct Service: Sendable, Equatable {
        public var jid: JID
        public var maxFileSize: Int64?

        public init(jid: JID, maxFileSize: Int64?) {
            self.jid = jid
            self.maxFileSize = maxFileSize
        }
    }

    /// What a slot request describes: the name the file will have, its size in bytes and
    /// its content type.
    public struct FileDescription: Sendable, Equatable {
        public var name: String
        public var size: Int64
        public var contentType: String

        public init(name: String, size: Int64, contentType: String) {
            self.name = name
            self.size = size
            self.contentType = contentType
        }
    }

    /// Where to PUT a file, with the headers to send, and where it can then be fetched.
    public struct Slot: Sendable, Equatable, SecretHolding {
        public var putURL: String
        public var getURL: String
        /// Only the headers XEP-0363 §5 lets a service ask for (Authorization, Cookie,
        /// Expires), and none whose value could end the header line: they are secrets.
        public var headers: [HTTPHeader]

        public var visibleFields: KeyValuePairs<String, Any> {
            ["putURL": putURL, "getURL": getURL, "headers": headers.map(\.name)]
        }
    }

    /// The headers a slot may ask for (XEP-0363 §5); any other is ignored.
    static let permittedHeaders: Set<String> = ["authorization", "cookie", "expires"]

    /// The service the last upload to this server found (`ServerKnowledge`), if any: asking
    /// it for slots straight away saves service discovery's two round trips.
    public static func knownService(session: XMPPSession) -> Service? {
        guard let known = session.knowledge.uploadService, let jid = try? JID(known) else { return nil }
        return Service(jid: jid, maxFileSize: session.knowledge.uploadMaxFileSize)
    }

    /// The account's upload service: the domain itself, or one of the items it lists
    /// (disco#items, then disco#info on each, each step in one flight); nil when there is
    /// none. What is found is remembered in the session's `knowledge`.
    public static func findService(domain: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> Service? {
        let service = try discoverService(domain: domain, session: session, deadline: deadline)
        session.knowledge.uploadService = service?.jid.description
        session.knowledge.uploadMaxFileSize = service?.maxFileSize
        return service
    }

    private static func discoverService(domain: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> Service? {
        let domainInfo = session.sendRequest(infoRequest(domain))
        let items = session.sendRequest(XMLElement("iq", attributes: ["type": "get", "to": domain.description], children: [.element(XMLElement("query", namespace: Namespace.discoItems))]))
        let answers = try session.waitForResponses([domainInfo, items], deadline: deadline, waitingFor: "the server's service discovery")
        if let info = answers[domainInfo], let service = service(domain, info: info) { return service }
        guard let list = answers[items], list[attribute: "type"] == "result" else { return nil }
        var seen = Set<JID>()
        let candidates = (list.child("query", namespace: Namespace.discoItems)?.elements(named: "item", namespace: Namespace.discoItems) ?? [])
            .compactMap { $0[attribute: "jid"].flatMap { try? JID($0) } }
            .filter { $0 != domain && $0.localpart == nil && seen.insert($0).inserted }
            .prefix(64)
        let asked = candidates.map { ($0, session.sendRequest(infoRequest($0))) }
        let infos = try session.waitForResponses(asked.map(\.1), deadline: deadline, waitingFor: "the disco#info of the server's services")
        for (jid, id) in asked {
            if let info = infos[id], let service = service(jid, info: info) { return service }
        }
        return nil
    }

    /// The service `jid` is, if its disco#info answer shows the upload feature.
    public static func service(_ jid: JID, info: XMLElement) -> Service? {
        guard info[attribute: "type"] == "result", let query = info.child("query", namespace: Namespace.discoInfo) else { return nil }
        let features = query.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] }
        guard features.contains(Namespace.httpUpload) else { return nil }
        return Service(jid: jid, maxFileSize: maxFileSize(in: query))
    }

    /// `max-file-size` of the XEP-0128 form whose FORM_TYPE is the upload namespace.
    static func maxFileSize(in query: XMLElement) -> Int64? {
        for form in query.elements(named: "x", namespace: Namespace.dataForms) {
            let fields = form.elements(named: "field", namespace: Namespace.dataForms)
            func value(_ name: String) -> String? {
                fields.first { $0[attribute: "var"] == name }?.child("value", namespace: Namespace.dataForms)?.text
            }
            guard value("FORM_TYPE") == Namespace.httpUpload else { continue }
            if let text = value("max-file-size"), let size = Int64(text.trimmingXMLWhitespace()), size > 0 { return size }
        }
        return nil
    }

    /// Why a slot was not given: the service's error, and the limit it named when the file
    /// is too large.
    public struct Refusal: Error, Sendable, Equatable {
        public var error: StanzaError
        /// `<file-too-large>`'s `<max-file-size>`, or 0 when it named none; nil for other refusals.
        public var tooLargeFor: Int64?
    }

    /// A slot for each file, asked for in one flight; each a slot or the service's refusal.
    public static func requestSlots(
        for files: [FileDescription], service: Service, session: XMPPSession, deadline: Deadline
    ) throws(XMPPError) -> [Result<Slot, Refusal>] {
        let ids = files.map { file in
            let request = XMLElement(
                "request", namespace: Namespace.httpUpload,
                attributes: ["filename": file.name, "size": String(file.size), "content-type": file.contentType])
            return session.sendRequest(XMLElement("iq", attributes: ["type": "get", "to": service.jid.description], children: [.element(request)]))
        }
        let answers = try session.waitForResponses(ids, deadline: deadline, waitingFor: "upload slots from \(service.jid)")
        return ids.map { id in
            guard let answer = answers[id] else {
                return .failure(Refusal(error: StanzaError(type: "cancel", condition: "undefined-condition"), tooLargeFor: nil))
            }
            if answer[attribute: "type"] == "error" {
                let error = XMPPSession.stanzaError(in: answer)
                let tooLarge = answer.child("error")?.child("file-too-large", namespace: Namespace.httpUpload)
                let limit = tooLarge.map { Int64($0.child("max-file-size", namespace: Namespace.httpUpload)?.text.trimmingXMLWhitespace() ?? "") ?? 0 }
                return .failure(Refusal(error: error, tooLargeFor: limit))
            }
            guard let slot = slot(in: answer) else {
                return .failure(Refusal(error: StanzaError(type: "cancel", condition: "undefined-condition", text: "the slot has no put and get URLs"), tooLargeFor: nil))
            }
            return .success(slot)
        }
    }

    /// The `<slot>` of an answer; nil without both URLs.
    static func slot(in answer: XMLElement) -> Slot? {
        guard let slot = answer.child("slot", namespace: Namespace.httpUpload),
            let put = slot.child("put", namespace: Namespace.httpUpload), let putURL = put[attribute: "url"],
            let getURL = slot.child("get", namespace: Namespace.httpUpload)?[attribute: "url"],
            !putURL.isEmpty, !getURL.isEmpty
        else { return nil }
        let headers = put.elements(named: "header", namespace: Namespace.httpUpload).compactMap { header -> HTTPHeader? in
            guard let name = header[attribute: "name"], permittedHeaders.contains(name.lowercased()) else { return nil }
            return HTTPHeader(name: name, value: header.text)
        }
        return Slot(putURL: putURL, getURL: getURL, headers: headers)
    }

    private static func infoRequest(_ jid: JID) -> XMLElement {
        XMLElement("iq", attributes: ["type": "get", "to": jid.description], children: [.element(XMLElement("query", namespace: Namespace.discoInfo))])
    }
}
