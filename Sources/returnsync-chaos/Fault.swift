/// The faults of the matrix; each run injects one of them into a fresh hub and two store nodes.
enum Fault: String, CaseIterable, Sendable {
    case proxy
    case partition
    case skew
    case hubKill = "hub-kill"
    case nodeKill = "node-kill"
    case postgres
    case diskFull = "disk-full"
    case restore

    /// One line for `--help` and the doc.
    var summary: String {
        switch self {
        case .proxy: "the proxy drops requests, drops answers, duplicates, delays and replays stale requests"
        case .partition: "the proxy cuts nodes off from the hub for seconds at a time, then heals"
        case .skew: "the proxy moves the hub's Date header 6 to 120 minutes either way (clock skew)"
        case .hubKill: "kill -9 of the SQLite hub at random points under load, then a restart"
        case .nodeKill: "kill -9 of a store node at random points under load, then a restart"
        case .postgres:
            "two hub processes over one PostgreSQL: kill -9 of either, and PostgreSQL crash-restarts"
        case .diskFull: "the SQLite hub's or a node's folder (a small tmpfs) filled up, held full, then freed"
        case .restore: "a node restored from a copy of its folder taken earlier; it must stop issuing numbers"
        }
    }

    /// Faults that kill processes; the full matrix gives them longer runs.
    var kills: Bool { [.hubKill, .nodeKill, .postgres].contains(self) }
}

/// Per-run sizes.
struct RunSettings: Sendable {
    /// Seconds of load (and faults) per run.
    var loadSeconds: Double
    /// Seconds of load for the faults that kill processes (hub-kill, node-kill, postgres).
    var killLoadSeconds: Double
    var salesPerNode = 30
    var unitsPerSale = 4
    /// Milliseconds between one crash's restart and the next crash, and a crashed process's downtime.
    var killEvery = 300...2_500
    var downFor = 0...1_000
    /// Concurrent return desks.
    var workers = 3
    /// A PostgreSQL server to make each run's database on, for the `postgres` fault.
    var postgresURL: String?
    /// The `scripts/postgres-cluster` folder of that server and the script, for crash-restarts.
    var postgresCluster: String?
    var clusterScript: String?
    /// Keep every run's folder (else only those of runs with a violation).
    var keep = false
}

/// What one run found.
struct RunOutcome: Sendable {
    var fault: Fault
    var acknowledged = 0
    var lost = 0
    var duplicated = 0
    var undetectedOverReturns = 0
    var detectedOverReturns = 0
    var verifyFailures = 0
    var kills = 0
    var injected = 0
    var seconds = 0.0
    var skipped: String?
    var notes: [String] = []
    /// What the desks and the proxy saw, for the progress lines.
    var info = ""

    var violations: Int { lost + duplicated + undetectedOverReturns + verifyFailures }
}
