import XMPPProtocol

/// The DNS part of `doctor`: the SRV records of both services (RFC 6120 §3.2, XEP-0368), the
/// addresses of each target, and the endpoints they lead to.
enum DoctorDNS {
    /// Adds the DNS section and returns the endpoints to check, in SRV order (STARTTLS and
    /// direct TLS mixed by priority); the RFC 6120 fallback where there is no record.
    static func check(_ domain: String, into report: inout DoctorReport, deadline: Deadline) -> [Endpoint] {
        report.section("DNS")
        var endpoints: [(priority: UInt16, endpoint: Endpoint)] = []
        var found = [false, false]
        var failed = false
        for directTLS in [false, true] {
            let name = EndpointResolver.serviceName(domain, directTLS: directTLS)
            let records: [SRVRecord]
            do {
                records = try SystemSRVLookup().lookup(name, deadline: deadline.earlier(.after(seconds: 5)))
            } catch {
                report.add(.fail, name, error.message, failure: .unavailable)
                failed = true
                continue
            }
            found[directTLS ? 1 : 0] = !records.isEmpty
            if records.isEmpty { report.add(.info, name, "no records") }
            for record in records.sorted(by: { ($0.priority, $0.weight) < ($1.priority, $1.weight) }) {
                let text = "priority \(record.priority) weight \(record.weight) port \(record.port) target \(record.target)"
                if record.isUnavailableMarker {
                    report.add(.warn, name, "\(text): the service is declared absent (target \".\")")
                    continue
                }
                report.add(.ok, name, text)
                endpoints.append((record.priority, Endpoint(host: record.target, port: record.port, directTLS: directTLS)))
            }
        }
        if !failed && !found[0] && !found[1] {
            report.add(.info, "fallback", "no SRV records: \(domain) port \(EndpointResolver.starttlsPort) (RFC 6120 §3.2.2)")
            endpoints = [(0, Endpoint(host: domain, port: EndpointResolver.starttlsPort, directTLS: false))]
        } else if found[0] && !found[1] {
            report.add(.warn, "direct TLS", "no _xmpps-client._tcp record: clients cannot use TLS from the first byte (XEP-0368)")
        }
        var seen = Set<String>()
        for endpoint in endpoints.map(\.endpoint) where seen.insert(endpoint.host).inserted {
            let resolver = HostResolver()
            do {
                let addresses = try resolver.addresses(of: endpoint.host, deadline: deadline.earlier(.after(seconds: 5)))
                report.add(.ok, endpoint.host, addresses.map(\.description).joined(separator: ", "))
            } catch {
                report.add(.fail, endpoint.host, error.message, failure: .unavailable)
                continue
            }
            if let alias = try? resolver.alias(of: endpoint.host, deadline: deadline.earlier(.after(seconds: 5))) {
                report.add(.warn, endpoint.host, "is an alias (CNAME) of \(alias): an SRV target must be a host's own name (RFC 2782)")
            }
        }
        return endpoints.sorted { $0.priority < $1.priority }.map(\.endpoint)
    }
}
