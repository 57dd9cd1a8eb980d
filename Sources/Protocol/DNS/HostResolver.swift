/// Turns a host name into the addresses to connect to, within a deadline, without
/// `getaddrinfo` (which cannot be given one).
///
/// In order, as nsswitch's usual `hosts: files dns` does:
/// 1. a numeric IPv4 or IPv6 address (with or without brackets) is itself;
/// 2. /etc/hosts (`HostsFile`);
/// 3. "localhost" and names under ".localhost" are the loopback addresses (RFC 6761 §6.3),
///    with or without a line in /etc/hosts, and never go to DNS;
/// 4. DNS: A and AAAA records through glibc's stub resolver with the search list
///    (`res_nsearch`), CNAME chains followed.
///
/// Families and order come from `AddressPreference`. The preferred family is looked up
/// first; each look-up but the last one that could still find something gets half the
/// time left, so a server that drops queries of one type leaves time for the other and
/// for connecting. A name that does not exist (NXDOMAIN) is not asked for again with the
/// other type.
public struct HostResolver: Sendable {
    let configuration: ResolverConfiguration
    let hostsFilePath: String
    /// nil: the machine's own, read at each look-up.
    let preference: AddressPreference?

    public init() { self.init(configuration: .system, hostsFilePath: HostsFile.systemPath, preference: nil) }

    init(configuration: ResolverConfiguration, hostsFilePath: String, preference: AddressPreference?) {
        self.configuration = configuration
        self.hostsFilePath = hostsFilePath
        self.preference = preference
    }

    /// The addresses of `host`, most preferred first; never empty.
    public func addresses(of host: String, deadline: Deadline) throws(HostResolutionError) -> [IPAddress] {
        if let address = Self.numericAddress(host) { return [address] }
        guard Self.isLookupable(host) else { throw .failed(host: host, reason: "not a valid host name") }
        let preference = preference ?? .current()

        let fromFile = preference.order(HostsFile.addresses(of: host, path: hostsFilePath))
        if !fromFile.isEmpty { return fromFile }
        if Self.isLocalhost(host) { return preference.order([.loopbackIPv6, .loopbackIPv4]) }
        let found = preference.order(try lookUpInDNS(host, families: preference.familiesToLookUp, deadline: deadline))
        guard !found.isEmpty else { throw .noAddresses(host: host) }
        return found
    }

    /// The name `host` is an alias of, when DNS has a CNAME record for it (an SRV target
    /// must not be one, RFC 2782); nil when it is none, or is answered without DNS (an
    /// address, /etc/hosts, localhost). Asked as written, without the search list.
    public func alias(of host: String, deadline: Deadline) throws(HostResolutionError) -> String? {
        guard Self.numericAddress(host) == nil, Self.isLookupable(host), !Self.isLocalhost(host),
            HostsFile.addresses(of: host, path: hostsFilePath).isEmpty
        else { return nil }
        let resolver: ResolverState
        do {
            resolver = try ResolverState(configuration)
        } catch {
            throw .failed(host: host, reason: Self.explanation(error))
        }
        switch resolver.lookUp(host, type: DNSMessage.typeA, searching: false, deadline: deadline) {
        case .answer(let bytes):
            do throws(EndpointError) { return try DNSMessage.parseAlias(bytes) } catch { throw .failed(host: host, reason: Self.explanation(error)) }
        case .nameNotFound, .noRecords:
            return nil
        case .noAnswer:
            throw .timedOut(host: host)
        case .failed(let reason):
            throw .failed(host: host, reason: reason)
        }
    }

    private func lookUpInDNS(
        _ host: String, families: [IPAddress.Family], deadline: Deadline
    ) throws(HostResolutionError) -> [IPAddress] {
        let resolver: ResolverState
        do {
            resolver = try ResolverState(configuration)
        } catch {
            throw .failed(host: host, reason: Self.explanation(error))
        }
        var addresses: [IPAddress] = []
        var outcomes: [FamilyOutcome] = []
        for (index, family) in families.enumerated() {
            guard !deadline.hasPassed else {
                outcomes.append(.noAnswer)
                break
            }
            let lastHope = index == families.count - 1 && addresses.isEmpty
            let slice = deadline.earlier(.after(seconds: Self.share(of: deadline.remainingSeconds, lastHope: lastHope)))
            let type = family == .ipv4 ? DNSMessage.typeA : DNSMessage.typeAAAA
            let outcome = FamilyOutcome(resolver.lookUp(host, type: type, searching: true, deadline: slice), family: family)
            if case .found(let found) = outcome {
                for address in found where !addresses.contains(address) { addresses.append(address) }
            }
            outcomes.append(outcome)
            if case .nameNotFound = outcome { break }
        }
        if !addresses.isEmpty { return addresses }
        if outcomes.contains(where: { if case .noAnswer = $0 { true } else { false } }) {
            throw .timedOut(host: host)
        }
        for case .failed(let reason) in outcomes {
            throw .failed(host: host, reason: reason)
        }
        if outcomes.contains(where: { if case .nameNotFound = $0 { true } else { false } }) {
            throw .noSuchHost(host: host)
        }
        return []
    }

    /// The seconds one family's look-up may take out of `remaining`: all of it for the last
    /// one that could still find an address, else half, so that a server that drops one
    /// type of query leaves time for the other and for connecting.
    static func share(of remaining: Double, lastHope: Bool) -> Double {
        lastHope ? remaining : remaining / 2
    }

    /// One family's look-up, its answer read.
    private enum FamilyOutcome {
        case found([IPAddress])
        case nameNotFound
        case noAnswer
        case failed(String)

        init(_ outcome: QueryOutcome, family: IPAddress.Family) {
            switch outcome {
            case .answer(let bytes):
                do {
                    self = .found(try DNSMessage.parseAddressAnswers(bytes, family: family))
                } catch {
                    self = .failed(HostResolver.explanation(error))
                }
            case .nameNotFound: self = .nameNotFound
            case .noRecords: self = .found([])
            case .noAnswer: self = .noAnswer
            case .failed(let reason): self = .failed(reason)
            }
        }
    }

    /// What a DNS error says, without `EndpointError.message`'s "DNS look-up failed".
    private static func explanation(_ error: EndpointError) -> String {
        if case .dnsFailed(let explanation) = error { return explanation }
        return error.message
    }

    /// `host` as an address if it is written as one: "192.0.2.1", "2001:db8::1", "[2001:db8::1]".
    static func numericAddress(_ host: String) -> IPAddress? {
        if host.hasPrefix("["), host.hasSuffix("]") {
            let inside = String(host.dropFirst().dropLast())
            return IPAddress(inside).flatMap { $0.family == .ipv6 ? $0 : nil }
        }
        return IPAddress(host)
    }

    /// RFC 6761 §6.3: "localhost." and every name under it.
    static func isLocalhost(_ host: String) -> Bool {
        let labels = DNSName(host).labels
        return labels.last == Array("localhost".utf8)
    }

    /// Whether `host` can go to the resolver at all: not empty, no NUL (which would cut the
    /// C string short), no longer than a DNS name can be.
    private static func isLookupable(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 253 + 1 && !host.utf8.contains(0)
    }
}

/// Why a host name gave no address.
public enum HostResolutionError: Error, Equatable, Sendable {
    /// DNS says the name does not exist (NXDOMAIN).
    case noSuchHost(host: String)
    /// The name exists, but has no address of a family this machine can use.
    case noAddresses(host: String)
    /// No name server answered in the time there was.
    case timedOut(host: String)
    /// The look-up failed otherwise: a server failure, a malformed answer, ...
    case failed(host: String, reason: String)

    /// What happened, without the host: "no such host".
    public var reason: String {
        switch self {
        case .noSuchHost: return "no such host"
        case .noAddresses: return "the name has no address (A or AAAA record) this machine can use"
        case .timedOut: return "no DNS server answered in time"
        case .failed(_, let reason): return "cannot resolve the name: \(reason)"
        }
    }

    /// One line naming the host: "xmpp.example.org: no such host".
    public var message: String {
        switch self {
        case .noSuchHost(let host), .noAddresses(let host), .timedOut(let host), .failed(let host, _):
            return "\(VisibleText.line(host)): \(reason)"
        }
    }
}
