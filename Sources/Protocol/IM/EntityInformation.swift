/// What a client says about itself when asked: service discovery (XEP-0030 disco#info),
/// software version (XEP-0092) and pings (XEP-0199).
public struct EntityInformation: Sendable {
    public static let discoInfoNamespace = "http://jabber.org/protocol/disco#info"
    public static let versionNamespace = "jabber:iq:version"

    public var name: String
    public var version: String
    /// The features announced in disco#info, besides disco#info itself.
    public var features: [String]

    public init(name: String, version: String, features: [String]) {
        self.name = name
        self.version = version
        self.features = features
    }

    /// The answer to a get IQ this information covers, or nil for anything else.
    public func answer(_ iq: XMLElement) -> XMLElement? {
        guard iq[attribute: "type"] == "get" else { return nil }
        if let query = iq.child("query", namespace: Self.discoInfoNamespace) {
            guard query[attribute: "node"] == nil else { return nil }
            var result = XMLElement("query", namespace: Self.discoInfoNamespace)
            result.append(XMLElement("identity", namespace: Self.discoInfoNamespace, attributes: ["category": "client", "type": "console", "name": name]))
            for feature in ([Self.discoInfoNamespace, Self.versionNamespace, Namespace.ping] + features).uniqued() {
                result.append(XMLElement("feature", namespace: Self.discoInfoNamespace, attributes: ["var": feature]))
            }
            return XMLElement("iq", attributes: ["type": "result"], children: [.element(result)])
        }
        if iq.child("query", namespace: Self.versionNamespace) != nil {
            var result = XMLElement("query", namespace: Self.versionNamespace)
            var nameElement = XMLElement("name", namespace: Self.versionNamespace)
            nameElement.append(text: name)
            var versionElement = XMLElement("version", namespace: Self.versionNamespace)
            versionElement.append(text: version)
            result.append(nameElement)
            result.append(versionElement)
            return XMLElement("iq", attributes: ["type": "result"], children: [.element(result)])
        }
        return nil
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
