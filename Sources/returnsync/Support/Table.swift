import Localization

/// A plain-text table with aligned columns, as a terminal shows it.
struct Table {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    var columns: [Column]
    var rows: [[String]] = []

    /// Columns by title; titles ending in `>` are right-aligned (numbers and money), e.g. `"QTY>"`.
    init(_ titles: String...) {
        columns = titles.map { title in
            title.hasSuffix(">")
                ? Column(title: String(title.dropLast()), alignment: .right)
                : Column(title: title, alignment: .left)
        }
    }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table, or `empty` when it has no rows.
    func render(empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty }
        // Titles in the terminal's language (`CLIWords`); the same titles in English.
        let titles = columns.map { CLIWords.column($0.title) }
        var widths = titles.map(\.displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.displayWidth) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                // Columns, not characters: a CJK name takes two columns per character.
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.displayWidth))
                let isLast = i == columns.count - 1
                parts.append(column.alignment == .right ? pad + cell : (isLast ? cell : cell + pad))
            }
            let text = parts.joined(separator: "  ")
            return String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        return ([line(titles)] + rows.map(line)).joined(separator: "\n")
    }
}

/// `key: value` lines with the keys aligned, for one document's header.
struct Fields {
    var pairs: [(String, String)] = []

    mutating func add(_ key: String, _ value: String?) {
        if let value, !value.isEmpty { pairs.append((key, value)) }
    }

    func render() -> String {
        let pairs = pairs.map { (CLIWords.field($0.0), $0.1) }
        let width = pairs.map(\.0.displayWidth).max() ?? 0
        return pairs.map { key, value in
            key + ":" + String(repeating: " ", count: width - key.displayWidth + 1) + value
        }.joined(separator: "\n")
    }
}
