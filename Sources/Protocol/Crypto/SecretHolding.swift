/// A value that holds a secret (a password, a room password) and so describes itself
/// without it. `print`, string interpolation, `String(reflecting:)`, `dump()` and the
/// debugger's summaries all go through `visibleFields`, which lists what may be shown; the
/// secret appears there as `Redacted()`. Without this, Swift's default description prints
/// every stored property, the password included, wherever a value is logged or dumped.
public protocol SecretHolding: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The fields that may be shown, in order, with `Redacted()` in place of each secret.
    var visibleFields: KeyValuePairs<String, Any> { get }
}

extension SecretHolding {
    public var description: String {
        let fields = visibleFields.map { "\($0.key): \(Self.text(of: $0.value))" }
        return "\(Self.self)(\(fields.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    /// What `dump()` and the debugger walk instead of the stored properties.
    public var customMirror: Mirror {
        Mirror(self, children: visibleFields.map { (label: $0.key, value: $0.value) }, displayStyle: .struct)
    }

    /// An optional's value, or `nil`, rather than `Optional(...)`.
    private static func text(of value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return String(describing: value) }
        return mirror.children.first.map { String(describing: $0.value) } ?? "nil"
    }
}

/// Stands for a secret in descriptions and mirrors.
public struct Redacted: CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    public init() {}
    public var description: String { "<redacted>" }
    public var debugDescription: String { description }
}
