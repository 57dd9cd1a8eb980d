/// What `-vv` shows of SASL2 elements (XEP-0388, XEP-0484): their structure, with every
/// secret replaced. `StreamConnection` applies this to every element it traces, sent or
/// received, so no caller can forget it: SASL payloads may hold a password (PLAIN) or a
/// proof derived from it, and a FAST `<token/>` is as good as the password.
enum SASL2Trace {
    static let placeholder = "[redacted]"

    /// A copy fit for a trace, or nil when the element holds nothing secret.
    static func redacted(_ element: XMLElement) -> XMLElement? {
        guard element.namespace == Namespace.sasl2 else { return nil }
        switch element.name {
        case "challenge", "response":
            return element.text.isEmpty ? nil : withText(element)
        case "authenticate", "success", "continue", "next", "task-data":
            var shown = element
            shown.children = element.children.map(redactedChild)
            return shown
        default:
            return nil
        }
    }

    private static func redactedChild(_ node: XMLNode) -> XMLNode {
        guard case .element(var child) = node else { return node }
        switch (child.namespace, child.name) {
        case (Namespace.sasl2, "initial-response"), (Namespace.sasl2, "additional-data"):
            return .element(withText(child))
        case (Namespace.fast, "token"):
            if child[attribute: "token"] != nil { child[attribute: "token"] = placeholder }
            return .element(child)
        case (Namespace.sasl2, _) where child.name != "user-agent" && child.name != "authorization-identifier"
            && child.name != "tasks" && child.name != "text":
            // Task data (XEP-0388 §3.5) of kinds unknown here may carry anything.
            return .element(withText(child))
        default:
            return node
        }
    }

    private static func withText(_ element: XMLElement) -> XMLElement {
        var shown = element
        shown.children = element.children.isEmpty ? [] : [.text(placeholder)]
        return shown
    }
}
