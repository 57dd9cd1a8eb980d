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
        String(decoding: serializedBytes(parentNamespace: parentNamespace, indentation: nil), as: UTF8.self)
    }

    /// `serialized(parentNamespace:)` appended to UTF-8 output: what a stream writes, with
    /// no `String` made on the way. Output is built as bytes because every stanza sent is.
    public func appendSerialized(to output: inout [UInt8], parentNamespace: String? = nil) {
        output.append(contentsOf: serializedBytes(parentNamespace: parentNamespace, indentation: nil))
    }

    /// Like `serialized(parentNamespace:)`, with child elements on their own lines indented
    /// by two spaces, for display. Whitespace-only text between child elements is dropped;
    /// an element that holds any other text is written on one line, since re-indenting it
    /// would change its content.
    public func prettySerialized(parentNamespace: String? = nil) -> String {
        String(decoding: serializedBytes(parentNamespace: parentNamespace, indentation: 0), as: UTF8.self)
    }

    /// The serialization, written into room made once, as much as the element could take:
    /// appending piece by piece to an array costs more than all the escaping of a stanza.
    private func serializedBytes(parentNamespace: String?, indentation: Int?) -> [UInt8] {
        let room = mostBytes(indentation: indentation)
        return [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
            var cursor = buffer.baseAddress!
            write(at: &cursor, parentNamespace: parentNamespace, indentation: indentation)
            count = buffer.baseAddress!.distance(to: cursor)
            precondition(count <= room, "a serialization outgrew the room made for it")
        }
    }

    /// The most bytes `write` can take for this element, at `indentation` (nil: compact):
    /// escaped text at most `XMLEscaping.mostBytes`, names and markup as they are.
    private func mostBytes(indentation: Int?) -> Int {
        // `<xml:name xmlns='…'` and `</xml:name>`, or `/>`.
        var total = 2 * (name.utf8.count + 4) + 24 + XMLEscaping.mostBytes((namespace ?? "").utf8.count)
        for attribute in attributes {
            // ` xmlns:prefix='…'` before it, and ` name='…'`.
            total += 2 * attribute.name.utf8.count + 24 + XMLEscaping.mostBytes((attribute.namespace ?? "").utf8.count)
                + XMLEscaping.mostBytes(attribute.value.utf8.count)
        }
        for child in children {
            switch child {
            case .text(let run): total += XMLEscaping.mostBytes(run.utf8.count)
            case .element(let element):
                // A line feed and the child's indent before it, at most.
                total += element.mostBytes(indentation: indentation.map { $0 + 2 }) + 1 + (indentation ?? 0) + 2
            }
        }
        // The line feed and indent before the end tag.
        return total + 1 + (indentation ?? 0)
    }

    /// `indentation` is nil for compact output, else the current line's indent in spaces.
    private func write(at cursor: inout UnsafeMutablePointer<UInt8>, parentNamespace: String?, indentation: Int?) {
        // The XML namespace is bound to the `xml` prefix by definition and may never be a
        // default namespace: an element in it keeps the prefix, and its children see the
        // namespace in scope around it.
        let inXMLNamespace = namespace == Namespace.xml
        XMLEscaping.put(UInt8(ascii: "<"), at: &cursor)
        writeQualifiedName(at: &cursor, inXMLNamespace: inXMLNamespace)
        let effectiveNamespace = inXMLNamespace ? parentNamespace : namespace ?? parentNamespace
        if effectiveNamespace != parentNamespace && !(effectiveNamespace == "" && parentNamespace == nil) {
            XMLEscaping.put(" xmlns='", at: &cursor)
            XMLEscaping.write(effectiveNamespace ?? "", attribute: true, at: &cursor)
            XMLEscaping.put(UInt8(ascii: "'"), at: &cursor)
        }
        var declaredPrefixes: Set<String> = []
        for attribute in attributes {
            if let uri = attribute.namespace, let colon = attribute.name.firstIndex(of: ":") {
                let prefix = String(attribute.name[..<colon])
                if prefix != "xml", declaredPrefixes.insert(prefix).inserted {
                    XMLEscaping.put(" xmlns:", at: &cursor)
                    XMLEscaping.put(prefix, at: &cursor)
                    XMLEscaping.put("='", at: &cursor)
                    XMLEscaping.write(uri, attribute: true, at: &cursor)
                    XMLEscaping.put(UInt8(ascii: "'"), at: &cursor)
                }
            }
            XMLEscaping.put(UInt8(ascii: " "), at: &cursor)
            XMLEscaping.put(attribute.name, at: &cursor)
            XMLEscaping.put("='", at: &cursor)
            XMLEscaping.write(attribute.value, attribute: true, at: &cursor)
            XMLEscaping.put(UInt8(ascii: "'"), at: &cursor)
        }
        if children.isEmpty {
            XMLEscaping.put("/>", at: &cursor)
            return
        }
        XMLEscaping.put(UInt8(ascii: ">"), at: &cursor)
        if let indentation, !hasSignificantText {
            let inner = indentation + 2
            var wroteChild = false
            for case .element(let child) in children {
                XMLEscaping.put(UInt8(ascii: "\n"), at: &cursor)
                XMLEscaping.putSpaces(inner, at: &cursor)
                child.write(at: &cursor, parentNamespace: effectiveNamespace, indentation: inner)
                wroteChild = true
            }
            if wroteChild {
                XMLEscaping.put(UInt8(ascii: "\n"), at: &cursor)
                XMLEscaping.putSpaces(indentation, at: &cursor)
            }
        } else {
            for child in children {
                switch child {
                case .text(let run):
                    XMLEscaping.write(run, attribute: false, at: &cursor)
                case .element(let element):
                    element.write(at: &cursor, parentNamespace: effectiveNamespace, indentation: nil)
                }
            }
        }
        XMLEscaping.put("</", at: &cursor)
        writeQualifiedName(at: &cursor, inXMLNamespace: inXMLNamespace)
        XMLEscaping.put(UInt8(ascii: ">"), at: &cursor)
    }

    private func writeQualifiedName(at cursor: inout UnsafeMutablePointer<UInt8>, inXMLNamespace: Bool) {
        if inXMLNamespace { XMLEscaping.put("xml:", at: &cursor) }
        XMLEscaping.put(name, at: &cursor)
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
