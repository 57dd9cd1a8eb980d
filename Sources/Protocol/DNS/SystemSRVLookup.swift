internal import CResolv

#if canImport(Glibc)
    import Glibc
#endif

/// SRV look-ups through glibc's stub resolver (`res_nquery`), bounded by a deadline.
///
/// Each look-up uses its own resolver state, read afresh from /etc/resolv.conf, so look-ups
/// on different threads never share the process-wide `_res`.
public struct SystemSRVLookup: SRVLookup {
    public init() {}

    public func lookup(_ name: String, deadline: Deadline) throws(EndpointError) -> [SRVRecord] {
        let remaining = deadline.remainingSeconds
        guard remaining > 0 else { throw EndpointError.dnsFailed("timed out before looking up \(name)") }
        let resolver = try ResolverState()
        let timing = ResolverTiming(remainingSeconds: remaining, nameServers: resolver.nameServerCount)
        resolver.setTiming(timing)
        return try resolver.querySRV(name)
    }
}

/// Owns one `__res_state`: initialised by `res_ninit`, released by `res_nclose`.
private final class ResolverState {
    private let state: UnsafeMutablePointer<__res_state>

    /// Large enough for any DNS message, so an answer is never cut short here.
    private static let answerCapacity = 65_535

    init() throws(EndpointError) {
        state = UnsafeMutablePointer<__res_state>.allocate(capacity: 1)
        state.initialize(to: __res_state())
        guard xmppcli_res_ninit(state) == 0 else {
            let reason = String(cString: strerror(errno))
            state.deallocate()
            throw EndpointError.dnsFailed("cannot initialise the resolver (res_ninit: \(reason))")
        }
    }

    deinit {
        xmppcli_res_nclose(state)
        state.deallocate()
    }

    var nameServerCount: Int { Int(xmppcli_res_nscount(state)) }

    func setTiming(_ timing: ResolverTiming) {
        xmppcli_res_set_timing(state, Int32(timing.retransSeconds), Int32(timing.attempts))
    }

    func querySRV(_ name: String) throws(EndpointError) -> [SRVRecord] {
        var answer = [UInt8](repeating: 0, count: Self.answerCapacity)
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            xmppcli_res_nquery(
                state, name, xmppcli_ns_c_in(), xmppcli_ns_t_srv(), buffer.baseAddress, Int32(buffer.count))
        }
        guard length >= 0 else {
            let code = xmppcli_res_h_errno(state)
            // NXDOMAIN and NODATA: there are no such records, which is an answer.
            if code == xmppcli_host_not_found() || code == xmppcli_no_data() { return [] }
            throw failure(code: code, errno: errno, name: name)
        }
        return try DNSMessage.parseSRVAnswers(Array(answer.prefix(min(Int(length), answer.count))))
    }

    private func failure(code: Int32, errno savedErrno: Int32, name: String) -> EndpointError {
        switch code {
        case xmppcli_try_again():
            return .dnsFailed("no answer for \(name) (timed out or server failure)")
        case xmppcli_no_recovery():
            return .dnsFailed("the DNS server refused the query for \(name)")
        case xmppcli_netdb_internal():
            return .dnsFailed("cannot query \(name): \(String(cString: strerror(savedErrno)))")
        case let code:
            return .dnsFailed("cannot query \(name) (resolver error \(code))")
        }
    }
}
