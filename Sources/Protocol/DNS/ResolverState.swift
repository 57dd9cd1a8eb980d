internal import CResolv

#if canImport(Glibc)
    import Glibc
#endif

/// Where the stub resolver's configuration comes from.
enum ResolverConfiguration: Sendable {
    /// /etc/resolv.conf (and the LOCALDOMAIN and RES_OPTIONS variables), as glibc reads it.
    case system
    /// One IPv4 name server on `port`, at most one search domain, ndots 1 and glibc's default
    /// options, whatever resolv.conf says: for tests that run a name server of their own.
    case fixed(nameServer: IPAddress, port: UInt16, searchDomain: String?)
}

/// What one look-up through the stub resolver came to.
enum QueryOutcome: Equatable {
    /// The response, with at least one answer record.
    case answer([UInt8])
    /// NXDOMAIN: the name does not exist.
    case nameNotFound
    /// The name exists but has no records of the type asked ("NODATA").
    case noRecords
    /// No name server answered before the time given ran out.
    case noAnswer
    /// Anything else, in a clause such as "the DNS server answered SERVFAIL".
    case failed(String)
}

/// Owns one `__res_state`: initialised by `res_ninit`, released by `res_nclose`. The only
/// door to glibc's stub resolver.
///
/// Every look-up gets its own state, read afresh from resolv.conf, so look-ups on different
/// threads never share the process-wide `_res`. Truncated answers are taken as they are
/// (glibc's TCP retry has no timeout), and the retry timing is chosen from the deadline.
final class ResolverState {
    private let state: UnsafeMutablePointer<__res_state>

    /// Large enough for any DNS message, so an answer is never cut short here.
    private static let answerCapacity = 65_535
    private static let classIN: Int32 = 1

    init(_ configuration: ResolverConfiguration = .system) throws(EndpointError) {
        state = UnsafeMutablePointer<__res_state>.allocate(capacity: 1)
        state.initialize(to: __res_state())
        guard xmppcli_res_ninit(state) == 0 else {
            let reason = String(cString: strerror(errno))
            state.deallocate()
            throw EndpointError.dnsFailed("cannot initialise the resolver (res_ninit: \(reason))")
        }
        if case .fixed(let nameServer, let port, let searchDomain) = configuration {
            guard nameServer.family == .ipv4,
                nameServer.bytes.withUnsafeBufferPointer({ xmppcli_res_set_fixed(state, $0.baseAddress, port.bigEndian, searchDomain) }) == 0
            else {
                xmppcli_res_nclose(state)
                state.deallocate()
                throw EndpointError.dnsFailed("cannot configure the resolver for \(nameServer) port \(port)")
            }
        }
        xmppcli_res_ignore_truncation(state)
    }

    deinit {
        xmppcli_res_nclose(state)
        state.deallocate()
    }

    /// Asks for the records of `type` for `name` exactly as written (`res_nquery`), or, with
    /// `searching`, for each name the search list makes of it (`res_nsearch`), timed to end
    /// by `deadline`; see `ResolverTiming` for how close that comes.
    func lookUp(_ name: String, type: UInt16, searching: Bool, deadline: Deadline) -> QueryOutcome {
        let remaining = deadline.remainingSeconds
        guard remaining > 0 else { return .noAnswer }
        // res_nsearch may spend a full query's time on a search-list name and another on the
        // name as written.
        let queries = searching && xmppcli_res_has_search_list(state) != 0 ? 2.0 : 1.0
        let timing = ResolverTiming(remainingSeconds: remaining / queries, nameServers: Int(xmppcli_res_nscount(state)))
        xmppcli_res_set_timing(state, Int32(timing.retransSeconds), Int32(timing.attempts))

        var answer = [UInt8](repeating: 0, count: Self.answerCapacity)
        var savedErrno: Int32 = 0
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            let query = searching ? xmppcli_res_nsearch : xmppcli_res_nquery
            return query(state, name, Self.classIN, Int32(type), buffer.baseAddress, Int32(buffer.count), &savedErrno)
        }
        guard length >= 0 else {
            return failure(code: xmppcli_res_h_errno(state), errno: savedErrno, lastFlags: UInt16(answer[2]) << 8 | UInt16(answer[3]))
        }
        return .answer(Array(answer.prefix(min(Int(length), answer.count))))
    }

    /// Makes sense of a failed query from glibc's `h_errno`, `errno` and the header flags
    /// of the last response received, which glibc leaves in the answer buffer (zeroed
    /// before the query, so flags without the response bit mean none arrived).
    private func failure(code: Int32, errno savedErrno: Int32, lastFlags flags: UInt16) -> QueryOutcome {
        let isResponse = flags & 0x8000 != 0
        switch code {
        case xmppcli_host_not_found():
            return .nameNotFound
        case xmppcli_no_data():
            // With truncated answers taken as they are, an answer cut down to nothing also
            // reads as "no records"; it is not.
            if isResponse && flags & DNSMessage.truncatedFlag != 0 {
                return .failed("the DNS answer was truncated (too large for UDP)")
            }
            return .noRecords
        case xmppcli_try_again():
            if savedErrno == ECONNREFUSED {
                return .failed("the DNS server cannot be reached (connection refused)")
            }
            if isResponse, let name = DNSMessage.responseCodeName(UInt8(flags & 0x000F)) {
                return .failed("the DNS server answered \(name)")
            }
            return .noAnswer
        case xmppcli_no_recovery():
            return .failed("the DNS server refused the query")
        case xmppcli_netdb_internal():
            return .failed("the query could not be made (\(String(cString: strerror(savedErrno))))")
        case let code:
            return .failed("resolver error \(code)")
        }
    }
}
