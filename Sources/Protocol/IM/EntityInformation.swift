/// What a client says about itself when asked: service discovery (XEP-0030 disco#info),
/// software version (XEP-0092) and pings (XEP-0199).
public struct EntityInformation: Sendable {

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
        if let query = iq.child("query", namespace: Namespace.discoInfo) {
            guard query[attribute: "node"] == nil else { return nil }
            var result = XMLElement("query", namespace: Namespace.discoInfo)
            result.append(XMLElement("identity", namespace: Namespace.discoInfo, attributes: ["category": "client", "type": "console", "name": name]))
            for feature in ([Namespace.discoInfo, Namespace.version, Namespace.ping] + features).uniqued() {
                result.append(XMLElement("feature", namespace: Namespace.discoInfo, attributes: ["var": feature]))
            }
            return XMLElement("iq", attributes: ["type": "result"], children: [.element(result)])
        }
        if iq.child("query", namespace: Namespace.version) != nil {
            var result = XMLElement("query", namespace: Namespace.version)
            var nameElement = XMLElement("name", namespace: Namespace.version)
            nameElement.append(text: name)
            var versionElement = XMLElement("version", namespace: Namespace.version)
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
