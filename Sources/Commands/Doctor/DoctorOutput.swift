/// How `doctor` prints its report: aligned text with `ok`/`warn`/`fail` marks (coloured on a
/// terminal unless NO_COLOR), one JSON document, or one Nagios line with perfdata.
enum DoctorOutput {
    static func text(_ report: DoctorReport, colour: Bool) -> String {
        var lines = ["xmpp-cli doctor \(TerminalText.escape(report.domain))"]
        let width = report.checks.map { TerminalText.escape($0.item).count }.max() ?? 0
        for section in report.sections {
            lines.append("")
            lines.append(TerminalText.escape(section.title))
            for check in section.checks {
                let item = TerminalText.escape(check.item)
                let mark = check.status.rawValue.padding(7)
                let shown = colour ? paint(mark, check.status) : mark
                lines.append("  \(shown) \(item.padding(width))  \(TerminalText.escape(check.detail))")
            }
        }
        lines.append("")
        lines.append("\(report.count(.ok)) ok, \(report.count(.warn)) warn, \(report.count(.fail)) fail, \(report.count(.missing)) missing")
        return lines.joined(separator: "\n")
    }

    private static func paint(_ text: String, _ status: DoctorReport.Status) -> String {
        let code: String
        switch status {
        case .ok: code = "32"
        case .warn: code = "33"
        case .fail: code = "31;1"
        case .missing: code = "2"
        case .info: return text
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    static func json(_ report: DoctorReport) -> String {
        let sections = report.sections.map { section in
            JSONValue.object([
                ("title", .string(section.title)),
                ("checks", .array(section.checks.map { check in
                    JSONValue.object([("status", .string(check.status.rawValue)), ("item", .string(check.item)), ("detail", .string(check.detail))])
                })),
            ])
        }
        return JSONValue.object([
            ("domain", .string(report.domain)),
            ("status", .string(["ok", "warn", "fail"][Int(report.nagiosStatus)])),
            ("summary", .object([
                ("ok", .number(report.count(.ok))), ("warn", .number(report.count(.warn))), ("fail", .number(report.count(.fail))),
                ("missing", .number(report.count(.missing))),
            ])),
            ("perfdata", .array(report.perfdata.map { entry in
                JSONValue.object([("label", .string(entry.label)), ("value", .number(Int(entry.value.rounded()))), ("unit", .string(entry.unit))])
            })),
            ("sections", .array(sections)),
        ]).encoded
    }

    /// "XMPP OK - localhost: 41 ok, 0 warn, 0 fail | connect=1.2ms tls=4.0ms ... days=3649;14;3".
    static func nagios(_ report: DoctorReport, warnDays: Int, critDays: Int) -> String {
        let state = ["OK", "WARNING", "CRITICAL"][Int(report.nagiosStatus)]
        let first = report.checks.first { $0.status == .fail } ?? report.checks.first { $0.status == .warn }
        let reason = first.map { ": \($0.item) \($0.detail)" } ?? ""
        let perfdata = report.perfdata.map { entry in
            let value = entry.unit == "ms" ? DoctorEndpoints.milliseconds(entry.value).replacingSpaceBeforeUnit : String(Int(entry.value))
            return entry.label == "days" ? "days=\(value);\(warnDays);\(critDays)" : "\(entry.label)=\(value)"
        }.joined(separator: " ")
        let line = "XMPP \(state) - \(report.domain)\(reason); \(report.count(.ok)) ok, \(report.count(.warn)) warn, \(report.count(.fail)) fail | \(perfdata)"
        return TerminalText.escape(line)
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// "1.2 ms" as Nagios perfdata writes it: "1.2ms".
    fileprivate var replacingSpaceBeforeUnit: String { split(separator: " ").joined() }
}
