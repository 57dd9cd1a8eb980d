extension XMLElement {
    /// Serializes the element, emitting `xmlns` only where the namespace differs from the
    /// one in scope: a stanza inside a `jabber:client` stream is written with
    /// `parentNamespace: "jabber:client"`, giving `<message>` without `xmlns` but
    /// `<ping xmlns='urn:xmpp:ping'/>` for its child. An element whose namespace is `nil`
    /// inherits the one in scope, so stanzas can be built without naming `jabber:client`;
    /// the empty string `""` stands for "no namespace" and is written as `xmlns=''` where needed.
    ///
    /// Text and attribute values go through `XMLEscaping`, so the output is always
    /// well-formed; characters XML 1.0 forbids are replaced with U+FFFD.
    public func serialized(parentNamespace: String? = nil) -> String {
        var output = ""
        write(to: &output, parentNamespace: parentNamespace, indentation: nil)
        return output
    }

    /// Like `serialized(parentNamespace:)`, with child elements on their own lines indented
    /// by two spaces, for display. Whitespace-only text between child elements is dropped;
    /// an element that holds any other text is written on one line, since re-indenting it
    /// would change its content.
    public func prettySerialized(parentNamespace: String? = nil) -> String {
        var output = ""
        write(to: &output, parentNamespace: parentNamespace, indentation: "")
        return output
    }

    /// `indentation` is nil for compact output, else the current line's indent.
    private func write(to output: inout String, parentNamespace: String?, indentation: String?) {
        // The XML namespace is bound to the `xml` prefix by definition and may never be a
        // default namespace: an element in it keeps the prefix, and its children see the
        // namespace in scope around it.
        let inXMLNamespace = namespace == Namespace.xml
        let qualifiedName = inXMLNamespace ? "xml:" + name : name
        output += "<" + qualifiedName
        let effectiveNamespace = inXMLNamespace ? parentNamespace : namespace ?? parentNamespace
        if effectiveNamespace != parentNamespace && !(effectiveNamespace == "" && parentNamespace == nil) {
            output += " xmlns='" + XMLEscaping.escapeAttribute(effectiveNamespace ?? "") + "'"
        }
        var declaredPrefixes: Set<String> = []
        for attribute in attributes {
            if let uri = attribute.namespace, let colon = attribute.name.firstIndex(of: ":") {
                let prefix = String(attribute.name[..<colon])
                if prefix != "xml", declaredPrefixes.insert(prefix).inserted {
                    output += " xmlns:" + prefix + "='" + XMLEscaping.escapeAttribute(uri) + "'"
                }
            }
            output += " " + attribute.name + "='" + XMLEscaping.escapeAttribute(attribute.value) + "'"
        }
        if children.isEmpty {
            output += "/>"
            return
        }
        output += ">"
        if let indentation, !hasSignificantText {
            let inner = indentation + "  "
            var wroteChild = false
            for case .element(let child) in children {
                output += "\n" + inner
                child.write(to: &output, parentNamespace: effectiveNamespace, indentation: inner)
                wroteChild = true
            }
            if wroteChild { output += "\n" + indentation }
        } else {
            for child in children {
                switch child {
                case .text(let run):
                    output += XMLEscaping.escapeText(run)
                case .element(let element):
                    element.write(to: &output, parentNamespace: effectiveNamespace, indentation: nil)
                }
            }
        }
        output += "</" + qualifiedName + ">"
    }

    private var hasSignificantText: Bool {
        children.contains {
            if case .text(let run) = $0 {
                return run.unicodeScalars.contains { !" \t\r\n".unicodeScalars.contains($0) }
            }
            return false
        }
    }
}
