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
        var output: [UInt8] = []
        write(to: &output, parentNamespace: parentNamespace, indentation: nil)
        return String(decoding: output, as: UTF8.self)
    }

    /// `serialized(parentNamespace:)` appended to UTF-8 output: what a stream writes, with
    /// no `String` made on the way. Output is built as bytes because every stanza sent is.
    public func appendSerialized(to output: inout [UInt8], parentNamespace: String? = nil) {
        write(to: &output, parentNamespace: parentNamespace, indentation: nil)
    }

    /// Like `serialized(parentNamespace:)`, with child elements on their own lines indented
    /// by two spaces, for display. Whitespace-only text between child elements is dropped;
    /// an element that holds any other text is written on one line, since re-indenting it
    /// would change its content.
    public func prettySerialized(parentNamespace: String? = nil) -> String {
        var output: [UInt8] = []
        write(to: &output, parentNamespace: parentNamespace, indentation: "")
        return String(decoding: output, as: UTF8.self)
    }

    /// `indentation` is nil for compact output, else the current line's indent.
    private func write(to output: inout [UInt8], parentNamespace: String?, indentation: String?) {
        // The XML namespace is bound to the `xml` prefix by definition and may never be a
        // default namespace: an element in it keeps the prefix, and its children see the
        // namespace in scope around it.
        let inXMLNamespace = namespace == Namespace.xml
        output.append(UInt8(ascii: "<"))
        writeQualifiedName(to: &output, inXMLNamespace: inXMLNamespace)
        let effectiveNamespace = inXMLNamespace ? parentNamespace : namespace ?? parentNamespace
        if effectiveNamespace != parentNamespace && !(effectiveNamespace == "" && parentNamespace == nil) {
            output.append(literal: " xmlns='")
            XMLEscaping.appendAttribute(effectiveNamespace ?? "", to: &output)
            output.append(UInt8(ascii: "'"))
        }
        var declaredPrefixes: Set<String> = []
        for attribute in attributes {
            if let uri = attribute.namespace, let colon = attribute.name.firstIndex(of: ":") {
                let prefix = String(attribute.name[..<colon])
                if prefix != "xml", declaredPrefixes.insert(prefix).inserted {
                    output.append(literal: " xmlns:")
                    output.append(utf8Of: prefix)
                    output.append(literal: "='")
                    XMLEscaping.appendAttribute(uri, to: &output)
                    output.append(UInt8(ascii: "'"))
                }
            }
            output.append(UInt8(ascii: " "))
            output.append(utf8Of: attribute.name)
            output.append(literal: "='")
            XMLEscaping.appendAttribute(attribute.value, to: &output)
            output.append(UInt8(ascii: "'"))
        }
        if children.isEmpty {
            output.append(literal: "/>")
            return
        }
        output.append(UInt8(ascii: ">"))
        if let indentation, !hasSignificantText {
            let inner = indentation + "  "
            var wroteChild = false
            for case .element(let child) in children {
                output.append(UInt8(ascii: "\n"))
                output.append(contentsOf: inner.utf8)
                child.write(to: &output, parentNamespace: effectiveNamespace, indentation: inner)
                wroteChild = true
            }
            if wroteChild {
                output.append(UInt8(ascii: "\n"))
                output.append(contentsOf: indentation.utf8)
            }
        } else {
            for child in children {
                switch child {
                case .text(let run):
                    XMLEscaping.appendText(run, to: &output)
                case .element(let element):
                    element.write(to: &output, parentNamespace: effectiveNamespace, indentation: nil)
                }
            }
        }
        output.append(literal: "</")
        writeQualifiedName(to: &output, inXMLNamespace: inXMLNamespace)
        output.append(UInt8(ascii: ">"))
    }

    private func writeQualifiedName(to output: inout [UInt8], inXMLNamespace: Bool) {
        if inXMLNamespace { output.append(literal: "xml:") }
        output.append(utf8Of: name)
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

extension [UInt8] {
    /// Appends a string's UTF-8 through its contiguous storage: a fraction of what appending
    /// its `utf8` view costs, which counts for every name and value of every stanza sent.
    mutating func append(utf8Of text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends a literal's UTF-8 as it is stored in the program.
    mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }
}
