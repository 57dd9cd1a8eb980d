/// SRV look-ups through glibc's stub resolver (`res_nquery`), bounded by a deadline.
public struct SystemSRVLookup: SRVLookup {
    let configuration: ResolverConfiguration

    public init() { self.init(configuration: .system) }

    init(configuration: ResolverConfiguration) { self.configuration = configuration }

    public func lookup(_ name: String, deadline: Deadline) throws(EndpointError) -> [SRVRecord] {
        guard deadline.remainingSeconds > 0 else { throw EndpointError.dnsFailed("timed out before looking up \(name)") }
        // The owner name is complete: no search list.
        switch try ResolverState(configuration).lookUp(name, type: DNSMessage.typeSRV, searching: false, deadline: deadline) {
        case .answer(let bytes):
            return try DNSMessage.parseSRVAnswers(bytes)
        case .nameNotFound, .noRecords:
            // There are no such records, which is an answer.
            return []
        case .noAnswer:
            throw EndpointError.dnsFailed("no DNS server answered for \(name)")
        case .failed(let reason):
            throw EndpointError.dnsFailed("\(reason) for \(name)")
        }
    }
}
