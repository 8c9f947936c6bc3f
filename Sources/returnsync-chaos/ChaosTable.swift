import Foundation

/// The matrix's figures per fault, and the table printed at the end.
struct ChaosTable {
    private var rows: [Fault: RunOutcome] = [:]
    private var counts: [Fault: Int] = [:]
    private var skipped: [Fault: String] = [:]
    private var order: [Fault] = []

    mutating func add(_ outcome: RunOutcome) {
        let fault = outcome.fault
        if rows[fault] == nil {
            order.append(fault)
            rows[fault] = RunOutcome(fault: fault)
        }
        if let reason = outcome.skipped {
            skipped[fault] = reason
            return
        }
        counts[fault, default: 0] += 1
        var row = rows[fault]!
        row.acknowledged += outcome.acknowledged
        row.lost += outcome.lost
        row.duplicated += outcome.duplicated
        row.undetectedOverReturns += outcome.undetectedOverReturns
        row.detectedOverReturns += outcome.detectedOverReturns
        row.verifyFailures += outcome.verifyFailures
        row.kills += outcome.kills
        row.injected += outcome.injected
        row.seconds += outcome.seconds
        rows[fault] = row
    }

    func runs(of fault: Fault) -> Int { counts[fault, default: 0] + (skipped[fault] == nil ? 0 : 1) }
    var totalKills: Int { rows.values.reduce(0) { $0 + $1.kills } }
    var totalViolations: Int { rows.values.reduce(0) { $0 + $1.violations } }

    static let header = [
        "fault", "runs", "kills", "other faults", "acknowledged returns", "lost", "duplicated",
        "undetected over-returns", "verify failures", "detected over-returns", "seconds",
    ]

    func render() -> String {
        var lines: [[String]] = []
        var total = RunOutcome(fault: .proxy)
        var totalRuns = 0
        for fault in order {
            guard skipped[fault] == nil || counts[fault, default: 0] > 0, let row = rows[fault] else {
                lines.append([fault.rawValue, "0", "skipped: \(skipped[fault] ?? "")"])
                continue
            }
            let runs = counts[fault, default: 0]
            totalRuns += runs
            lines.append(Self.cells(fault.rawValue, runs, row))
            total.acknowledged += row.acknowledged
            total.lost += row.lost
            total.duplicated += row.duplicated
            total.undetectedOverReturns += row.undetectedOverReturns
            total.detectedOverReturns += row.detectedOverReturns
            total.verifyFailures += row.verifyFailures
            total.kills += row.kills
            total.injected += row.injected
            total.seconds += row.seconds
        }
        lines.append(Self.cells("total", totalRuns, total))
        let widths = Self.header.indices.map { i in
            ([Self.header] + lines).map { i < $0.count ? $0[i].count : 0 }.max() ?? 0
        }
        func format(_ row: [String]) -> String {
            guard row.count == Self.header.count else { return row.joined(separator: "  ") }
            return zip(row, widths).enumerated().map { i, pair in
                i == 0
                    ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: pair.1 - pair.0.count) + pair.0
            }.joined(separator: "  ")
        }
        var out = format(Self.header) + "\n"
        for row in lines { out += format(row) + "\n" }
        return out
    }

    private static func cells(_ name: String, _ runs: Int, _ row: RunOutcome) -> [String] {
        [
            name, String(runs), String(row.kills), String(row.injected), String(row.acknowledged), String(row.lost),
            String(row.duplicated), String(row.undetectedOverReturns), String(row.verifyFailures),
            String(row.detectedOverReturns), String(Int(row.seconds.rounded())),
        ]
    }

    static func describe(_ o: RunOutcome) -> String {
        if let skipped = o.skipped { return "  skipped: \(skipped)" }
        return
            "  \(o.acknowledged) acknowledged, \(o.kills) kills, lost \(o.lost), duplicated \(o.duplicated), undetected over-returns \(o.undetectedOverReturns), verify failures \(o.verifyFailures), detected over-returns \(o.detectedOverReturns), \(Int(o.seconds)) s"
    }
}
