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
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    // Always two digits: "\x1" then "f" would read as "\x1f".
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// `--format` of the commands that print records.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
