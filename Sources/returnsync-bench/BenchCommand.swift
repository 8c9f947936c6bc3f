import ArgumentParser
import Benchmarks
import Foundation

/// `returnsync-bench`: benchmarks that measure the real code paths and, in the same run, the raw
/// limit of the storage underneath, so each figure is also a ratio that holds on a noisy machine.
/// A binary of its own, so that the product (`returnsync`) carries no benchmark code.
///
/// Every benchmark subcommand accepts `--quick` (the small sizes `returnsync-bench all --quick`
/// uses) and `--dir DIR`, prints a table for people on stdout with progress on stderr, and ends
/// its output with one JSON object on a line of its own; `returnsync-bench all` runs each in a
/// child process and combines those lines.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "returnsync-bench",
        abstract: "Measure ReturnSync against the raw limit of its storage, on this machine.",
        discussion: """
            Build in release mode for figures worth quoting: `swift build -c release --product returnsync-bench`, \
            then `.build/release/returnsync-bench all`. Each benchmark prints a table for people and, as its \
            last line, one JSON object for scripts; progress goes to stderr. `returnsync-bench NAME --help` \
            explains a benchmark and its options. See docs/performance.md.
            """,
        subcommands: [
            Node.self, HubIngest.self, Pull.self, Bootstrap.self,
            StockQuery.self, Scale.self, Memory.self, HubsOverPostgres.self, All.self,
        ])
}

/// Progress for people watching, on stderr so that stdout stays a table and a JSON line.
func benchProgress(_ line: String) {
    FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
}

/// Where the throwaway databases go, and which hub backend to measure.
struct BenchStorageOptions: ParsableArguments {
    @Option(
        help:
            "Folder for the throwaway databases (default: the system's temporary folder). Use the disk the hub will run on."
    )
    var dir: String?

    @Option(
        help:
            "Hub backend: sqlite (the embedded hub) or postgres (needs --database; each run makes fresh databases on that server)."
    )
    var backend = "sqlite"

    @Option(help: "PostgreSQL connection URL for --backend postgres.")
    var database: String?

    var folder: URL {
        dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-bench")
    }

    func validate() throws {
        guard ["sqlite", "postgres"].contains(backend) else {
            throw ValidationError("input.invalidBackend: --backend is sqlite or postgres, not \(backend)")
        }
        if backend == "postgres" && database == nil {
            throw ValidationError("input.missingDatabase: --backend postgres needs --database URL")
        }
    }

    /// The backend to measure.
    func make() throws -> HubBenchBackend {
        switch backend {
        case "postgres":
            // Each hub and raw table in a fresh database of its own on that server.
            return .postgres(serverURL: database ?? "")
        default:
            return .sqlite(directory: folder)
        }
    }
}

extension BenchCommand {
    /// `returnsync-bench node`: durable returns per second at a store node.
    struct Node: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record returns durably the way the node's API does, against raw one-row SQLite transactions.",
            discussion: """
                Each return is one transaction: the policy check, the return's events, the projections \
                (stock, returnable quantities, customer history, journal) and the outbox, committed with \
                synchronous=FULL. Returns go through the API's own entry point (async, as the HTTP \
                route calls it), one at a time like the raw transactions, then from --tills clients at \
                once (a store's tills and desk). In the same run and folder it times \
                one-row SQLite transactions with the same setting, the physical limit of a durable \
                commit on this disk, after 1,200 unmeasured ones: a new database's WAL grows at \
                every commit until its first checkpoint, which slows each fsync, whereas a running \
                database's (and the seeded node's) is written over. Goal: ratio ≥ 0.5, p99 < 5 ms. The raw rate is also shown in a \
                file with the node's 1 KB pages, which make every commit shorter, raw ones too.

                Then the floor: transactions that write exactly the rows a return writes (same tables, \
                indexes, event sizes and durability; values bound through SQLite's C API; no policy, \
                folding or encoding). floor / raw is the best ratio any code writing those rows could \
                reach on this disk. Last, where each transaction's time goes: the process's CPU (user, \
                system) per transaction and, one at a time, the rest, which is waiting for the disk.
                """)

        @Option(
            help:
                "How many returns to record one at a time, and again from the tills at once (each against its own sale)."
        )
        var returns = 2_000

        @Option(help: "How many raw one-row transactions to time.")
        var raw = 2_000

        @Option(help: "How many clients record returns at once.")
        var tills = 2

        @Flag(help: "Small sizes (500 returns, 500 raw transactions), for `returnsync-bench all --quick`.")
        var quick = false

        @Option(
            help:
                "Folder for the throwaway databases (default: the system's temporary folder). Use the disk the node will run on."
        )
        var dir: String?

        func validate() throws {
            guard returns > 0, raw > 0, tills > 0 else {
                throw ValidationError("input.invalidQuantity: counts must be positive")
            }
        }

        func run() async throws {
            let folder =
                dir.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-bench")
            let bench = NodeBenchmark(
                options: .init(
                    returns: quick ? 500 : returns, rawTransactions: quick ? 500 : raw, directory: folder, tills: tills)
            )
            let r = try await bench.run(progress: benchProgress)
            print("")
            print(
                "node benchmark (synchronous=\(r.synchronous == 2 ? "FULL" : String(r.synchronous)), \(r.returns) returns one at a time, \(r.returns) from \(r.tills) tills at once)"
            )
            print("  metric                     value")
            print(
                "  node returns/s             \(fixed(r.nodeReturnsPerSecond))   (one at a time, through the API's entry point)"
            )
            print("  node p50 latency (ms)      \(fixed(r.p50Millis, 3))")
            print("  node p99 latency (ms)      \(fixed(r.p99Millis, 3))   goal < 5")
            print("  raw one-row txn/s          \(fixed(r.rawTransactionsPerSecond))")
            print("  raw p99 latency (ms)       \(fixed(r.rawP99Millis, 3))")
            print("  ratio (node / raw)         \(fixed(r.ratio, 3))   goal ≥ 0.5")
            print(
                "  \("\(r.tills) tills: returns/s".padding(toLength: 27, withPad: " ", startingAt: 0))\(fixed(r.tillsReturnsPerSecond))   ratio \(fixed(r.tillsReturnsPerSecond / r.rawTransactionsPerSecond, 3)), p50 \(fixed(r.tillsP50Millis, 3)) ms, p99 \(fixed(r.tillsP99Millis, 3)) ms"
            )
            print(
                "  raw at 1 KB pages, txn/s   \(fixed(r.rawNodePageTransactionsPerSecond))   node / this: \(fixed(r.nodeReturnsPerSecond / r.rawNodePageTransactionsPerSecond, 3))"
            )
            print(
                "  floor: a return's rows/s   \(fixed(r.floorTransactionsPerSecond))   (its row writes only, no logic)")
            print(
                "  floor ratio (floor / raw)  \(fixed(r.floorRatio, 3))   the best any code writing these rows gets here"
            )
            // Where each transaction's time goes: the process's CPU, user and system, and for those
            // made one at a time the rest, which is waiting for the disk.
            let wall = (
                node: 1e6 / r.nodeReturnsPerSecond, tills: 1e6 / r.tillsReturnsPerSecond,
                raw: 1e6 / r.rawTransactionsPerSecond,
                floor: 1e6 / r.floorTransactionsPerSecond
            )
            print("")
            print("  per transaction (µs)       wall    user  system   waiting")
            let rows: [(String, Double, (user: Double, system: Double), Bool)] = [
                ("node return", wall.node, r.nodeCPUMicros, true),
                ("node return, \(r.tills) tills", wall.tills, r.tillsCPUMicros, false),
                ("raw one-row", wall.raw, r.rawCPUMicros, true),
                ("floor (a return's rows)", wall.floor, r.floorCPUMicros, true),
            ]
            for (name, w, c, serial) in rows {
                let label = name.padding(toLength: 25, withPad: " ", startingAt: 0)
                let waiting = serial ? fixed(max(0, w - c.user - c.system)).leftPad(9) : "(overlaps)".leftPad(11)
                print(
                    "  \(label)\(fixed(w).leftPad(7)) \(fixed(c.user).leftPad(7)) \(fixed(c.system).leftPad(7)) \(waiting)"
                )
            }
            var json = JSONLine()
            json.add("node_returns_per_s", r.nodeReturnsPerSecond)
            json.add("raw_txn_per_s", r.rawTransactionsPerSecond)
            json.add("ratio", r.ratio, decimals: 3)
            json.add("p99_ms", r.p99Millis, decimals: 3)
            json.add("p50_ms", r.p50Millis, decimals: 3)
            json.add("returns", r.returns)
            json.add("tills", r.tills)
            json.add("tills_returns_per_s", r.tillsReturnsPerSecond)
            json.add("tills_ratio", r.tillsReturnsPerSecond / r.rawTransactionsPerSecond, decimals: 3)
            json.add("tills_p99_ms", r.tillsP99Millis, decimals: 3)
            json.add("raw_1k_pages_txn_per_s", r.rawNodePageTransactionsPerSecond)
            json.add("floor_txn_per_s", r.floorTransactionsPerSecond)
            json.add("floor_ratio", r.floorRatio, decimals: 3)
            json.add("node_cpu_us", r.nodeCPUMicros.user + r.nodeCPUMicros.system)
            json.add("tills_cpu_us", r.tillsCPUMicros.user + r.tillsCPUMicros.system)
            json.add("raw_cpu_us", r.rawCPUMicros.user + r.rawCPUMicros.system)
            json.add("floor_cpu_us", r.floorCPUMicros.user + r.floorCPUMicros.system)
            print(json)
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
