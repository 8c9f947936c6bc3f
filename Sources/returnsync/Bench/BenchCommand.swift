import ArgumentParser
import Benchmarks
import Foundation

/// `returnsync bench …`: benchmarks that measure the real code paths and, in the same run, the raw
/// limit of the storage underneath, so each figure is also a ratio that holds on a noisy machine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ReturnSync against the raw limit of its storage, on this machine.",
        discussion: """
            Build in release mode for figures worth quoting: `swift run -c release returnsync bench node`. \
            Each benchmark prints a table for people and, as its last line, one JSON object for scripts.
            """,
        subcommands: [Node.self, HubIngest.self])
}

extension BenchCommand {
    /// `returnsync bench node`: durable returns per second at a store node.
    struct Node: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record returns durably the way the node's API does, against raw one-row SQLite transactions.",
            discussion: """
                Each return is one transaction: the policy check, the return's events, the projections \
                (stock, returnable quantities, customer history, journal) and the outbox, committed with \
                synchronous=FULL. In the same run and folder it times one-row SQLite transactions with the \
                same setting, the physical limit of a durable commit on this disk. Goal: ratio ≥ 0.5, p99 < 5 ms.
                """)

        @Option(help: "How many returns to record (each against its own sale).")
        var returns = 2_000

        @Option(help: "How many raw one-row transactions to time.")
        var raw = 2_000

        @Option(help: "Folder for the throwaway databases (default: the system's temporary folder). Use the disk the node will run on.")
        var dir: String?

        func validate() throws {
            guard returns > 0, raw > 0 else { throw ValidationError("input.invalidQuantity: counts must be positive") }
        }

        func run() throws {
            let folder = dir.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-bench")
            let bench = NodeBenchmark(options: .init(returns: returns, rawTransactions: raw, directory: folder))
            let r = try bench.run { line in
                FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
            }
            print("")
            print("node benchmark (synchronous=\(r.synchronous == 2 ? "FULL" : String(r.synchronous)), \(r.returns) returns)")
            print("  metric                     value")
            print("  node returns/s             \(fixed(r.nodeReturnsPerSecond))")
            print("  node p50 latency (ms)      \(fixed(r.p50Millis, 3))")
            print("  node p99 latency (ms)      \(fixed(r.p99Millis, 3))")
            print("  raw one-row txn/s          \(fixed(r.rawTransactionsPerSecond))")
            print("  raw p99 latency (ms)       \(fixed(r.rawP99Millis, 3))")
            print("  ratio (node / raw)         \(fixed(r.ratio, 3))   goal ≥ 0.5")
            print(
                #"{"node_returns_per_s":\#(fixed(r.nodeReturnsPerSecond)),"raw_txn_per_s":\#(fixed(r.rawTransactionsPerSecond)),"ratio":\#(fixed(r.ratio, 3)),"p99_ms":\#(fixed(r.p99Millis, 3)),"p50_ms":\#(fixed(r.p50Millis, 3))}"#)
        }
    }
}

extension BenchCommand {
    /// `returnsync bench hub-ingest`: events merged per second at the embedded hub.
    struct HubIngest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hub-ingest",
            abstract: "Merge pushed change sets at the embedded (SQLite) hub, against raw batched inserts of the same rows.",
            discussion: """
                Simulated stores record sales through the node's own code; their outboxes are pushed \
                into a hub in change sets, interleaved across stores. Each push is one durable \
                transaction: duplicate and gap checks, the events, their projections and the feed. \
                The raw figure inserts the same event rows in the same batches into a bare table.
                """)
        @Option(help: "Simulated stores.") var nodes = 4
        @Option(help: "Events per store.") var events = 5_000
        @Option(help: "Events per change set.") var batch = 500
        @Option(help: "Folder for the throwaway databases.") var dir: String?

        func run() async throws {
            let folder = dir.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-bench")
            let r = try await HubIngestBenchmark(options: .init(nodes: nodes, eventsPerNode: events, batch: batch, directory: folder)).run { line in
                FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
            }
            print("")
            print("hub ingest benchmark (embedded SQLite, synchronous=FULL, \(r.events) events, change sets of \(batch))")
            print("  hub events merged/s        \(fixed(r.hubEventsPerSecond))")
            print("  raw batched rows/s         \(fixed(r.rawRowsPerSecond))")
            print("  ratio (hub / raw)          \(fixed(r.ratio, 3))   goal ≥ 0.3")
            print(#"{"hub_events_per_s":\#(fixed(r.hubEventsPerSecond)),"raw_rows_per_s":\#(fixed(r.rawRowsPerSecond)),"ratio":\#(fixed(r.ratio, 3)),"events":\#(r.events)}"#)
        }
    }
}
