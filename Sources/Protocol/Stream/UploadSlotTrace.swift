/// What `-vv` shows of an upload slot (XEP-0363): the values of its headers redacted, for
/// they are the credentials (a bearer token, a cookie) that let anyone holding them PUT a
/// file in the account's name.
enum UploadSlotTrace {
    /// The element with its slot's header values replaced; nil when it holds no slot.
    static func redacted(_ element: XMLElement) -> XMLElement? {
        guard element.name == "iq", let slotIndex = element.children.firstIndex(where: isSlot),
            case .element(var slot) = element.children[slotIndex]
        else { return nil }
        slot.children = slot.children.map { node in
            guard case .element(var put) = node, put.name == "put", put.namespace == Namespace.httpUpload else { return node }
            put.children = put.children.map { child in
                guard case .element(var header) = child, header.name == "header" else { return child }
                header.children = header.children.isEmpty ? [] : [.text("[redacted]")]
                return .element(header)
            }
            return .element(put)
        }
        var shown = element
        shown.children[slotIndex] = .element(slot)
        return shown
    }

    private static func isSlot(_ node: XMLNode) -> Bool {
        guard case .element(let child) = node else { return false }
        return child.name == "slot" && child.namespace == Namespace.httpUpload
    }
}
