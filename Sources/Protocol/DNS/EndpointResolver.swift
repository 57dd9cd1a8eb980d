/// Decides where to connect for an XMPP domain: `--server` if given, else DNS SRV records
/// (RFC 6120 §3.2, XEP-0368), else the domain itself on the default port.
public enum EndpointResolver {
    public static let starttlsPort: UInt16 = 5222
    public static let directTLSPort: UInt16 = 5223

    /// The endpoints to try, in order, for `domain`.
    ///
    /// - `server` given ("host", "host:port", "[v6]:port" or a bare IPv6 address): just
    ///   that; without a port, 5223 with direct TLS for `.direct`, else 5222 with STARTTLS.
    /// - Else SRV: `.auto` orders `_xmpps-client._tcp` (direct TLS) and `_xmpp-client._tcp`
    ///   records together by RFC 2782 priority and weight; `.starttls` uses only
    ///   `_xmpp-client`, `.direct` only `_xmpps-client`. A single "." target means that
    ///   service is not offered; when `.auto` finds "." for either service and no records
    ///   for the other, the domain offers no client service (no A/AAAA fallback, XEP-0368).
    /// - With no SRV records: the domain on 5222 with STARTTLS (5223, direct TLS, for
    ///   `.direct`). An IP-literal domain skips SRV.
    public static func endpoints(
        domain: String, server: String?, mode: TLSMode, deadline: Deadline,
        lookup: any SRVLookup = SystemSRVLookup()
    ) throws(EndpointError) -> [Endpoint] {
        var random = SystemRandomNumberGenerator()
        return try endpoints(domain: domain, server: server, mode: mode, deadline: deadline, lookup: lookup, random: &random)
    }

    /// `endpoints(domain:server:mode:deadline:lookup:)` with a chosen random generator for
    /// the weighted order, so that tests are repeatable.
    public static func endpoints(
        domain: String, server: String?, mode: TLSMode, deadline: Deadline,
        lookup: any SRVLookup, random: inout some RandomNumberGenerator
    ) throws(EndpointError) -> [Endpoint] {
        if let server {
            let (host, port) = try ServerAddress.parse(server)
            let direct = mode == .direct
            return [Endpoint(host: host, port: port ?? (direct ? directTLSPort : starttlsPort), directTLS: direct)]
        }
        let fallback = [fallbackEndpoint(domain: domain, mode: mode)]
        if isIPLiteral(domain) { return fallback }

        switch mode {
        case .starttls, .direct:
            let direct = mode == .direct
            let answer = ServiceAnswer(try lookup.lookup(serviceName(domain, directTLS: direct), deadline: slice(of: deadline)))
            switch answer {
            case .absent: return fallback
            case .unavailable: throw EndpointError.serviceUnavailable(domain: domain)
            case .records(let records):
                return SRVOrdering.order(records, random: &random).map { endpoint($0, directTLS: direct) }
            }
        case .auto:
            let starttls = ServiceAnswer(try lookup.lookup(serviceName(domain, directTLS: false), deadline: slice(of: deadline)))
            // Direct TLS is an optional extra: if its look-up fails while the STARTTLS one
            // answered, carry on with what the STARTTLS one said.
            let direct: ServiceAnswer
            do {
                direct = ServiceAnswer(try lookup.lookup(serviceName(domain, directTLS: true), deadline: slice(of: deadline)))
            } catch {
                direct = .absent
            }
            switch (starttls, direct) {
            case (.absent, .absent):
                return fallback
            case (.unavailable, .absent), (.absent, .unavailable), (.unavailable, .unavailable):
                throw EndpointError.serviceUnavailable(domain: domain)
            default:
                // One RFC 2782 order over both services (XEP-0368). STARTTLS records go in
                // first, so where all weights of a priority are 0 they are tried first.
                let tagged =
                    starttls.records.map { (record: $0, directTLS: false) }
                    + direct.records.map { (record: $0, directTLS: true) }
                return SRVOrdering.order(tagged, priority: \.record.priority, weight: \.record.weight, random: &random)
                    .map { endpoint($0.record, directTLS: $0.directTLS) }
            }
        }
    }

    /// The SRV owner name for the client service of `domain`.
    public static func serviceName(_ domain: String, directTLS: Bool) -> String {
        (directTLS ? "_xmpps-client._tcp." : "_xmpp-client._tcp.") + domain
    }

    /// The RFC 6120 §3.2.2 fallback alone, without SRV: for a proxy that resolves names
    /// itself and cannot look up SRV records (socks5h).
    public static func fallbackEndpoints(domain: String, server: String?, mode: TLSMode) throws(EndpointError) -> [Endpoint] {
        if let server {
            let (host, port) = try ServerAddress.parse(server)
            let direct = mode == .direct
            return [Endpoint(host: host, port: port ?? (direct ? directTLSPort : starttlsPort), directTLS: direct)]
        }
        return [fallbackEndpoint(domain: domain, mode: mode)]
    }

    private static func fallbackEndpoint(domain: String, mode: TLSMode) -> Endpoint {
        let direct = mode == .direct
        var host = domain
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return Endpoint(host: host, port: direct ? directTLSPort : starttlsPort, directTLS: direct)
    }

    private static func isIPLiteral(_ domain: String) -> Bool {
        domain.hasPrefix("[") || IPAddressText.isIPv4(domain)
    }

    private static func endpoint(_ record: SRVRecord, directTLS: Bool) -> Endpoint {
        Endpoint(host: record.target, port: record.port, directTLS: directTLS)
    }

    /// Half the time left: a look-up that times out still leaves time for the other one
    /// and for connecting.
    private static func slice(of deadline: Deadline) -> Deadline {
        deadline.earlier(.after(seconds: deadline.remainingSeconds / 2))
    }
}

/// What one SRV look-up said about one service.
private enum ServiceAnswer {
    /// No records: the domain does not use SRV for this service.
    case absent
    /// Only the "." target: the service is decidedly not offered.
    case unavailable
    /// Usable records.
    case records([SRVRecord])

    init(_ records: [SRVRecord]) {
        // A "." among other records, or port 0, names nothing to connect to.
        let usable = records.filter { !$0.isUnavailableMarker && $0.port != 0 }
        if records.isEmpty {
            self = .absent
        } else if usable.isEmpty {
            self = .unavailable
        } else {
            self = .records(usable)
        }
    }

    var records: [SRVRecord] {
        if case .records(let records) = self { return records }
        return []
    }
}
