import XMPPProtocol

/// What every element the XML parsers return must be, whatever bytes it came from.
enum XMLChecks {
    /// A well-formed tree within `limits`: local names without prefixes, no namespace
    /// declarations or duplicates among the attributes, only text XML 1.0 allows, adjacent
    /// text merged, and no deeper than the depth limit (the element itself is at `depth`).
    static func requireWellFormed(_ element: XMLElement, limits: XMLLimits, depth: Int = 1) {
        require(depth <= limits.maxDepth, "an element at depth \(depth) passed the limit of \(limits.maxDepth)")
        requireName(element.name, "element")
        var names: Set<String> = []
        for attribute in element.attributes {
            requireName(attribute.name, "attribute", prefixAllowed: true)
            require(attribute.name != "xmlns" && !attribute.name.hasPrefix("xmlns:"),
                    "a namespace declaration became the attribute \(attribute.name)")
            require(names.insert(attribute.name).inserted, "attribute \(attribute.name) appears twice")
            require(XMLEscaping.isValidXMLText(attribute.value), "attribute \(attribute.name) holds a character XML forbids")
        }
        var previousWasText = false
        for child in element.children {
            switch child {
            case .element(let inner):
                requireWellFormed(inner, limits: limits, depth: depth + 1)
                previousWasText = false
            case .text(let text):
                require(!text.isEmpty, "an empty text node in <\(element.name)>")
                require(!previousWasText, "two adjacent text nodes in <\(element.name)>")
                require(XMLEscaping.isValidXMLText(text), "text in <\(element.name)> holds a character XML forbids")
                previousWasText = true
            }
        }
    }

    private static func requireName(_ name: String, _ what: String, prefixAllowed: Bool = false) {
        require(!name.isEmpty, "an \(what) has an empty name")
        require(!name.unicodeScalars.contains { $0 == " " || $0 == "<" || $0 == ">" || $0 == "=" || $0 == "'" || $0 == "\"" },
                "the \(what) name \(name.debugDescription) holds a character no XML name may")
        let colons = name.filter { $0 == ":" }.count
        require(colons == 0 || (prefixAllowed && colons == 1 && !name.hasPrefix(":") && !name.hasSuffix(":")),
                "the \(what) name \(name.debugDescription) is not a local name")
    }

    /// Serializing the element and parsing the result gives the same element back: what
    /// xmpp-cli sends or prints means what it received.
    static func requireRoundTrip(_ element: XMLElement, namespaceInScope: String) {
        let text = element.serialized(parentNamespace: namespaceInScope)
        let parser = XMLFragmentParser(defaultNamespace: namespaceInScope)
        do {
            let reparsed = try parser.feed(Array(text.utf8))
            try parser.finish()
            require(reparsed == [element], "\(text.debugDescription) parses as \(reparsed), not as \(element)")
        } catch {
            require(false, "the serialization \(text.debugDescription) does not parse: \(error)")
        }
    }

}
