/// A child of an `XMLElement`: another element or a run of character data.
///
/// CDATA sections, character references and the five predefined entities are all resolved
/// to plain text by the parser, so text is always the decoded character data.
public enum XMLNode: Equatable, Sendable {
    case element(XMLElement)
    case text(String)
}

/// One attribute of an element, as written.
///
/// `name` is the qualified name (`xml:lang`, `type`). Namespace declarations (`xmlns`,
/// `xmlns:p`) are never attributes: they become an element's `namespace`. For a prefixed
/// attribute other than `xml:` the parser records the prefix's namespace URI in `namespace`
/// so that serialization can declare the prefix again.
public struct XMLAttribute: Equatable, Sendable {
    public var name: String
    public var value: String
    /// The namespace URI of a prefixed attribute's prefix (`nil` for unprefixed and `xml:`).
    public var namespace: String?

    public init(name: String, value: String, namespace: String? = nil) {
        self.name = name
        self.value = value
        self.namespace = namespace
    }
}

/// A small, self-contained XML element tree: a stanza, a stream feature, a SASL element.
///
/// Elements are values. Equality compares names, namespaces, attributes in order and
/// children in order, so two trees are equal when they would serialize identically.
/// The parser merges adjacent character data into a single `.text` child, and
/// `append(text:)` does the same, so trees built either way compare equal.
public struct XMLElement: Equatable, Sendable {
    /// The local name, without any prefix (`message`, `features`).
    public var name: String
    /// The resolved namespace URI (`jabber:client`), or `nil` for no namespace.
    public var namespace: String?
    /// The attributes in document order (`init` sorts a dictionary by name).
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]

    /// Creates an element; `attributes` are stored sorted by name so output is deterministic.
    public init(
        _ name: String, namespace: String? = nil, attributes: [String: String] = [:],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes.sorted { $0.key < $1.key }
            .map { XMLAttribute(name: $0.key, value: $0.value) }
        self.children = children
    }

    /// Creates an element with attributes in the given order.
    public init(
        _ name: String, namespace: String?, orderedAttributes: [XMLAttribute],
        children: [XMLNode] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = orderedAttributes
        self.children = children
    }

    /// The value of the attribute with this qualified name. Setting `nil` removes it;
    /// setting a new name appends it.
    public subscript(attribute name: String) -> String? {
        get { attributes.first { $0.name == name }?.value }
        set {
            guard let index = attributes.firstIndex(where: { $0.name == name }) else {
                if let newValue { attributes.append(XMLAttribute(name: name, value: newValue)) }
                return
            }
            if let newValue {
                attributes[index].value = newValue
            } else {
                attributes.remove(at: index)
            }
        }
    }

    /// The first child element with this name, in `namespace` (`nil` matches any namespace).
    public func child(_ name: String, namespace: String? = nil) -> XMLElement? {
        for case .element(let element) in children
        where element.name == name && (namespace == nil || element.namespace == namespace) {
            return element
        }
        return nil
    }

    /// The child elements matching `name` and `namespace`; `nil` matches anything.
    public func elements(named name: String? = nil, namespace: String? = nil) -> [XMLElement] {
        elementChildren.filter {
            (name == nil || $0.name == name) && (namespace == nil || $0.namespace == namespace)
        }
    }

    /// The child elements, skipping text.
    public var elementChildren: [XMLElement] {
        children.compactMap {
            if case .element(let element) = $0 { return element }
            return nil
        }
    }

    /// The concatenation of the direct text children (not of descendants).
    public var text: String {
        var result = ""
        for case .text(let run) in children { result += run }
        return result
    }

    public mutating func append(_ child: XMLElement) {
        children.append(.element(child))
    }

    /// Appends character data, merging it into a directly preceding text child.
    public mutating func append(text: String) {
        guard !text.isEmpty else { return }
        if case .text(let previous)? = children.last {
            children[children.count - 1] = .text(previous + text)
        } else {
            children.append(.text(text))
        }
    }
}
