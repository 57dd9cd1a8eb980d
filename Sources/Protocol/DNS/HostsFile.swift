#if canImport(Glibc)
    import Glibc
#endif

/// The static host table, /etc/hosts (hosts(5)), which nsswitch's usual `hosts: files dns`
/// consults before DNS.
///
/// A line is an address followed by names (a canonical name, then aliases), separated by
/// spaces or tabs; `#` starts a comment. Names match without regard to ASCII case and a
/// trailing dot; every line that names the host contributes its address, as glibc's
/// `multi on` (its default) does. Lines whose address is not numeric IPv4 or IPv6 (a zone
/// such as "fe80::1%eth0", say) are skipped.
///
/// The file is read in chunks, so memory stays bounded whatever its size: at most
/// `maximumBytes` are read, and a line longer than `maximumLineLength` is skipped.
enum HostsFile {
    static let systemPath = "/etc/hosts"
    static let maximumBytes = 64 << 20
    static let maximumLineLength = 8192
    private static let chunkSize = 64 << 10

    /// The addresses the file at `path` gives `name`, in file order without repeats; none
    /// when the file is missing, unreadable, not a regular file or has no line for `name`.
    static func addresses(of name: String, path: String = systemPath) -> [IPAddress] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return [] }

        var lookup = Lookup(name: name)
        var pending: [UInt8] = []
        var skippingLongLine = false
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var total = 0
        while total < maximumBytes {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, maximumBytes - total)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            total += count
            var lineStart = 0
            for index in 0..<count where chunk[index] == UInt8(ascii: "\n") {
                if !skippingLongLine {
                    pending += chunk[lineStart..<index]
                    if pending.count <= maximumLineLength { lookup.consider(line: pending[...]) }
                }
                pending.removeAll(keepingCapacity: true)
                skippingLongLine = false
                lineStart = index + 1
            }
            if !skippingLongLine {
                pending += chunk[lineStart..<count]
                if pending.count > maximumLineLength {
                    pending.removeAll(keepingCapacity: true)
                    skippingLongLine = true
                }
            }
        }
        if !skippingLongLine { lookup.consider(line: pending[...]) }
        return lookup.addresses
    }

    /// The addresses the hosts-file text `text` gives `name`, as `addresses(of:path:)` reads them.
    static func addresses(of name: String, inText text: String) -> [IPAddress] {
        var lookup = Lookup(name: name)
        for line in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            lookup.consider(line: line)
        }
        return lookup.addresses
    }

    /// The address and names of one line, or nil for a blank line, a comment, or a line
    /// without a usable address or any name.
    static func entry(_ line: ArraySlice<UInt8>) -> (address: IPAddress, names: [DNSName])? {
        let content = line.prefix { $0 != UInt8(ascii: "#") }
        let fields = content.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        guard fields.count >= 2, let address = IPAddress(String(decoding: fields[0], as: UTF8.self)) else { return nil }
        return (address, fields.dropFirst().map { DNSName(String(decoding: $0, as: UTF8.self)) })
    }

    /// Collects the addresses of the lines that name one host.
    private struct Lookup {
        let name: DNSName
        var addresses: [IPAddress] = []

        init(name: String) { self.name = DNSName(name) }

        mutating func consider(line: ArraySlice<UInt8>) {
            guard let (address, names) = HostsFile.entry(line), names.contains(name), !addresses.contains(address) else { return }
            addresses.append(address)
        }
    }
}
