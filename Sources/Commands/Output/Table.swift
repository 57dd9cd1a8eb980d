import ArgumentParser

/// Text output of records: an aligned table for people on a terminal, tab-separated values
/// for scripts otherwise. Tabs, newlines and control characters inside values are escaped
/// so every record stays one line with the same number of fields.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    func render(aligned: Bool) -> [String] {
        let cells = rows.map { $0.map(Self.escaped) }
        guard aligned else { return cells.map { $0.joined(separator: "\t") } }
        let all = [header] + cells
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
    }

    static func escaped(_ value: String) -> String {
        TerminalText.escape(value)
    }
}

/// `--format` of the commands that print records.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
