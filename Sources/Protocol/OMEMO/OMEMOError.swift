/// Why an OMEMO operation failed, in words for a person; `code` is libomemo-c's where it gave one.
public struct OMEMOError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public let code: Int32?

    public init(_ reason: String, code: Int32? = nil) {
        self.reason = reason
        self.code = code
    }

    /// libomemo-c's result `code` for `operation`, as a sentence.
    static func library(_ operation: String, _ code: Int32) -> OMEMOError {
        let meaning: String =
            switch code {
            case -12: "out of memory"
            case -1001: "the message was already received (a duplicate)"
            case -1002: "a key is malformed"
            case -1003: "the pre-key it was encrypted with is no longer here (already used, or the store was reset)"
            case -1004: "its authentication code does not match"
            case -1005: "it is not a valid message"
            case -1006, -1007: "it uses a protocol version this library does not speak"
            case -1008: "there is no session with that device"
            case -1010: "the device's identity key changed"
            case -1011: "a signature does not verify"
            case -1100: "it is not well-formed (protobuf)"
            default: "error \(code)"
            }
        return OMEMOError("\(operation): \(meaning)", code: code)
    }

    public var description: String { reason }
}
