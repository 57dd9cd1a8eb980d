import XMPPProtocol

/// What `doctor` found: sections of checks, each `ok`, `warn`, `fail`, or `missing` (an
/// optional feature the server lacks: neither good nor bad), or `info` (a fact), with the
/// figures that go in Nagios perfdata.
struct DoctorReport {
    enum Status: String {
        case ok, warn, fail, missing, info
    }

    struct Check {
        var status: Status
        var item: String
        var detail: String
        /// For a failure: the exit status of its class (CLI.md), the first of which is the run's.
        var failure: ExitStatus?
    }

    struct Section {
        var title: String
        var checks: [Check] = []
    }

    var domain: String
    var sections: [Section] = []
    /// label → (value, unit), in the order measured: connect, tls, login, ping times; days.
    var perfdata: [(label: String, value: Double, unit: String)] = []

    mutating func section(_ title: String) {
        sections.append(Section(title: title))
    }

    mutating func add(_ status: Status, _ item: String, _ detail: String, failure: ExitStatus? = nil) {
        if sections.isEmpty { section("") }
        sections[sections.count - 1].checks.append(
            Check(status: status, item: item, detail: detail, failure: status == .fail ? failure ?? .unavailable : nil))
    }

    mutating func measure(_ label: String, _ value: Double, unit: String = "ms") {
        guard !perfdata.contains(where: { $0.label == label }) else { return }
        perfdata.append((label, value, unit))
    }

    var checks: [Check] { sections.flatMap(\.checks) }
    func count(_ status: Status) -> Int { checks.filter { $0.status == status }.count }

    /// 0 when nothing failed, else the exit code of the first failure's class.
    var exitStatus: ExitStatus { checks.first { $0.status == .fail }?.failure ?? .success }

    /// Nagios's 0/1/2 (OK, WARNING, CRITICAL).
    var nagiosStatus: Int32 { count(.fail) > 0 ? 2 : count(.warn) > 0 ? 1 : 0 }
}
