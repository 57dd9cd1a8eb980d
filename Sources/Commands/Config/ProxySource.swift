import Glibc
import XMPPProtocol

/// Where the proxy comes from (CLI.md): `--proxy`, else `ALL_PROXY`, else `all_proxy`, as
/// curl reads them; `NO_PROXY` (or `no_proxy`) names the hosts reached without it. An empty
/// value means no proxy.
enum ProxySource {
    static func proxy(flag: String?) throws(Failure) -> ProxyConfiguration? {
        let (value, name) = flag.map { ($0, "--proxy") }
            ?? FileInput.environment("ALL_PROXY").map { ($0, "ALL_PROXY") }
            ?? FileInput.environment("all_proxy").map { ($0, "all_proxy") }
            ?? ("", "")
        guard !value.isEmpty else { return nil }
        do {
            return try ProxyConfiguration.parse(value)
        } catch {
            throw Failure(name == "--proxy" ? .usage : .config, "\(name): \(error)")
        }
    }

    static func noProxy() -> NoProxyRules {
        NoProxyRules(FileInput.environment("NO_PROXY") ?? FileInput.environment("no_proxy") ?? "")
    }

    /// Blanks the user name and password of a `--proxy URL` in this process's arguments,
    /// once parsed, so that `ps` stops showing them (as curl does); they were visible until
    /// then, which is why the man page points to ALL_PROXY for a proxy that needs them.
    static func hideCredentialsInArguments() {
        let count = Int(CommandLine.argc)
        var takesValue = false
        for index in 1..<max(count, 1) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            let text = String(cString: argument)
            if takesValue {
                blankUserinfo(argument, text: text, from: 0)
                takesValue = false
            } else if text == "--proxy" {
                takesValue = true
            } else if text.hasPrefix("--proxy=") {
                blankUserinfo(argument, text: text, from: "--proxy=".utf8.count)
            }
        }
    }

    /// Overwrites with '*' what lies between "://" (or the start) and the last '@' before
    /// the host, in place.
    private static func blankUserinfo(_ argument: UnsafeMutablePointer<CChar>, text: String, from start: Int) {
        let bytes = Array(text.utf8)
        var begin = start
        if let scheme = findSubsequence(Array("://".utf8), in: bytes, from: start) { begin = scheme + 3 }
        let hostEnd = bytes[begin...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.count
        guard let at = bytes[begin..<hostEnd].lastIndex(of: UInt8(ascii: "@")) else { return }
        for index in begin..<at { argument[index] = CChar(bitPattern: UInt8(ascii: "*")) }
    }

    private static func findSubsequence(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where Array(haystack[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }
}
