#if canImport(Glibc)
    import Glibc
#endif

/// Which address families are worth looking up and trying, and in what order: what
/// `getaddrinfo` with `AI_ADDRCONFIG` and the RFC 6724 default policy give on a typical
/// machine, kept simple.
///
/// - A family is looked up only if the machine has an address of it other than loopback
///   (127.0.0.1, ::1); a link-local IPv6 address counts, as in glibc. A machine with
///   neither looks up both.
/// - IPv6 comes first when the machine has a global IPv6 address (2000::/3); with only
///   link-local or unique local ones it could not reach a global IPv6 destination, so
///   IPv4 comes first.
/// - Loopback destinations are always kept: every machine reaches its own.
///
/// `HappyEyeballs` races them from the first, families alternating.
struct AddressPreference: Equatable, Sendable {
    var hasIPv4: Bool
    var hasIPv6: Bool
    var hasGlobalIPv6: Bool

    /// The families to look up, the preferred one first.
    var familiesToLookUp: [IPAddress.Family] {
        let usable = IPAddress.Family.allCases.filter(isUsable)
        return usable.sorted { rank($0) < rank($1) }
    }

    /// `addresses` without those of families the machine cannot use (loopback ones stay),
    /// the preferred family first, in the order given within a family.
    func order(_ addresses: [IPAddress]) -> [IPAddress] {
        let kept = addresses.filter { $0.isLoopback || isUsable($0.family) }
        return IPAddress.Family.allCases.sorted { rank($0) < rank($1) }.flatMap { family in
            kept.filter { $0.family == family }
        }
    }

    private func isUsable(_ family: IPAddress.Family) -> Bool {
        guard hasIPv4 || hasIPv6 else { return true }
        return family == .ipv4 ? hasIPv4 : hasIPv6
    }

    private func rank(_ family: IPAddress.Family) -> Int {
        (family == .ipv6) == hasGlobalIPv6 ? 0 : 1
    }

    /// The machine's addresses now, from `getifaddrs(3)`. If they cannot be read, both
    /// families are looked up and IPv4 comes first.
    static func current() -> AddressPreference {
        var preference = AddressPreference(hasIPv4: false, hasIPv6: false, hasGlobalIPv6: false)
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return preference }
        defer { freeifaddrs(list) }
        var entry = list
        while let current = entry {
            entry = current.pointee.ifa_next
            guard let address = current.pointee.ifa_addr.flatMap(Self.ipAddress), !address.isLoopback else { continue }
            switch address.family {
            case .ipv4: preference.hasIPv4 = true
            case .ipv6:
                preference.hasIPv6 = true
                if address.isGlobalIPv6 { preference.hasGlobalIPv6 = true }
            }
        }
        return preference
    }

    /// The address in an interface's `sockaddr`, if it is IPv4 or IPv6.
    static func ipAddress(_ socket: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socket.pointee.sa_family) {
        case AF_INET:
            return socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        case AF_INET6:
            return socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        default:
            return nil
        }
    }
}
