/// Parses a `--server` value: "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6
/// address such as "::1" (which cannot carry a port).
public enum ServerAddress {
    public static func parse(_ text: String) throws(EndpointError) -> (host: String, port: UInt16?) {
        guard !text.isEmpty else { throw invalid(text, "the value is empty") }
        let scalars = text.unicodeScalars
        if scalars.first == "[" {
            guard let close = scalars.firstIndex(of: "]") else {
                throw invalid(text, "'[' without a closing ']'")
            }
            let inside = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
            guard let address = IPAddressText.canonicalIPv6(inside) else {
                throw invalid(text, "\"\(inside)\" in brackets is not an IPv6 address")
            }
            let rest = scalars[scalars.index(after: close)...]
            if rest.isEmpty { return (address, nil) }
            guard rest.first == ":" else { throw invalid(text, "expected ':PORT' after ']'") }
            return (address, try port(String(String.UnicodeScalarView(rest.dropFirst())), in: text))
        }

        let colons = scalars.filter { $0 == ":" }.count
        if colons > 1 {
            guard let address = IPAddressText.canonicalIPv6(text) else {
                throw invalid(text, "not an IPv6 address; write a host and port as HOST:PORT or [IPv6]:PORT")
            }
            return (address, nil)
        }
        var host = text
        var portNumber: UInt16?
        if colons == 1, let colon = scalars.firstIndex(of: ":") {
            host = String(String.UnicodeScalarView(scalars[..<colon]))
            portNumber = try port(String(String.UnicodeScalarView(scalars[scalars.index(after: colon)...])), in: text)
        }
        guard !host.isEmpty else { throw invalid(text, "the host is empty") }
        if let bad = host.unicodeScalars.first(where: isForbiddenInHost) {
            throw invalid(text, "the host contains \(VisibleText.character(String(bad)))")
        }
        return (host, portNumber)
    }

    private static func port(_ digits: String, in text: String) throws(EndpointError) -> UInt16 {
        guard !digits.isEmpty else { throw invalid(text, "the port is empty") }
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw invalid(text, "the port \"\(digits)\" is not a number")
        }
        // Leading zeros aside, more than five digits is out of range; avoid overflow.
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 5, let value = Int(significant.isEmpty ? "0" : String(significant)),
            value >= 1, value <= 65535
        else {
            throw invalid(text, "the port \(digits) is not between 1 and 65535")
        }
        return UInt16(value)
    }

    private static func isForbiddenInHost(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", "@", "[", "]", "\\": return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .privateUse, .surrogate, .unassigned:
            return true
        default:
            return false
        }
    }

    private static func invalid(_ text: String, _ reason: String) -> EndpointError {
        .invalidServer("\"\(VisibleText.line(text))\": \(reason)")
    }
}
