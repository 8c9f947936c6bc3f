import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `returnsync-bench all`: every benchmark in turn, each in its own process.
    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every benchmark in turn and end with one JSON line combining their figures.",
            discussion: """
                Each benchmark runs as a child process of this binary (`returnsync-bench NAME`), so each \
                starts with a fresh heap (the memory benchmark measures its own peak) and a crash in one \
                does not stop the others. Their output passes through; the last line is one JSON object \
                with each benchmark's JSON line under its name, null for a benchmark not built into this \
                binary or not runnable (pg-hubs without --database), and the seconds each took. With \
                --quick the whole run takes a few minutes.

                With --database URL (a PostgreSQL server), hub-ingest also runs on PostgreSQL \
                (hub_ingest_postgres) and pg-hubs runs; the other hub benchmarks use --backend.

                Example (what CI runs, with its throwaway PostgreSQL):
                  returnsync-bench all --quick --database postgres://postgres@127.0.0.1:5432/postgres
                """)

        /// One run of a benchmark: its key in the JSON line, its subcommand, and how it is given storage.
        struct Run {
            enum Storage { case none, backend, postgres, serverOnly }
            var key: String
            var name: String
            var storage: Storage
        }

        /// The order benchmarks run in; a name not registered as a subcommand is reported
        /// as missing (null) rather than failing the run.
        static let order: [Run] = [
            Run(key: "node", name: "node", storage: .none),
            Run(key: "hub_ingest", name: "hub-ingest", storage: .backend),
            Run(key: "hub_ingest_postgres", name: "hub-ingest", storage: .postgres),
            Run(key: "pull", name: "pull", storage: .none),
            Run(key: "bootstrap", name: "bootstrap", storage: .none),
            Run(key: "stock_query", name: "stock-query", storage: .backend),
            Run(key: "scale", name: "scale", storage: .backend),
            Run(key: "memory", name: "memory", storage: .backend),
            Run(key: "pg_hubs", name: "pg-hubs", storage: .serverOnly),
        ]

        @Flag(help: "Small sizes: the whole run in a few minutes (what CI runs).") var quick = false
        @OptionGroup var storage: BenchStorageOptions

        func run() async throws {
            let registered = Set(BenchCommand.configuration.subcommands.map { $0._commandName })
            let executable = Self.executable()
            var json = JSONLine()
            json.add("quick", quick)
            json.add("backend", storage.backend)
            var seconds = JSONLine()
            var failed: [String] = []
            let start = monotonicNanos()
            for run in Self.order {
                let (key, name) = (run.key, run.name)
                guard registered.contains(name) else {
                    benchProgress("\(name): not built into this binary yet, skipped")
                    json.add(key, raw: "null")
                    continue
                }
                var arguments = [name]
                if quick { arguments.append("--quick") }
                switch run.storage {
                case .none:
                    if let dir = storage.dir { arguments += ["--dir", dir] }
                case .backend:
                    if let dir = storage.dir { arguments += ["--dir", dir] }
                    arguments += ["--backend", storage.backend]
                    if let database = storage.database { arguments += ["--database", database] }
                case .postgres, .serverOnly:
                    // A second run on PostgreSQL only when a server was given and --backend did not
                    // already measure it.
                    guard let database = storage.database, run.storage == .serverOnly || storage.backend != "postgres"
                    else {
                        if storage.database == nil {
                            benchProgress("\(key): needs --database URL (a PostgreSQL server), skipped")
                        }
                        json.add(key, raw: "null")
                        continue
                    }
                    if run.storage == .postgres { arguments += ["--backend", "postgres"] }
                    arguments += ["--database", database]
                }
                benchProgress("── \(key) ──")
                let t0 = monotonicNanos()
                let (status, output) = try Self.runChild(executable, arguments)
                let elapsed = Double(monotonicNanos() - t0) / 1e9
                FileHandle.standardOutput.write(output)
                let last = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
                if status == 0, last.hasPrefix("{"), last.hasSuffix("}") {
                    json.add(key, raw: last)
                } else {
                    failed.append(name)
                    json.add(key, raw: "{\"error\":\(JSONLine.quote("exit status \(status)"))}")
                }
                seconds.add(key, elapsed)
                benchProgress("\(name): \(fixed(elapsed)) s")
            }
            let total = Double(monotonicNanos() - start) / 1e9
            seconds.add("total", total)
            json.add("seconds", raw: seconds.description)
            print("")
            print(
                "returnsync-bench all\(quick ? " --quick" : ""): \(fixed(total)) s\(failed.isEmpty ? "" : "; failed: \(failed.joined(separator: ", "))")"
            )
            print(json)
            if !failed.isEmpty { throw ExitCode(1) }
        }

        /// This very binary, so that the children are the same build.
        static func executable() -> URL {
            let proc = URL(fileURLWithPath: "/proc/self/exe")
            if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: proc.path) {
                return URL(fileURLWithPath: resolved)
            }
            return URL(fileURLWithPath: CommandLine.arguments[0])
        }

        /// Runs a child with stderr passed through, returning its exit status and stdout.
        static func runChild(_ executable: URL, _ arguments: [String]) throws -> (Int32, Data) {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.standardError
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data)
        }
    }
}
