import ArgumentParser
import Foundation
import HubTesting

/// `returnsync-chaos`: the fault matrix. A binary of its own, so that the product carries no
/// fault injection; it drives the `returnsync` binary next to it as real processes on loopback.
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "returnsync-chaos",
        abstract: "Run ReturnSync's fault matrix: real hub and node processes under faults, then an audit.",
        discussion: """
            Each run starts a fresh hub and two store nodes (real `returnsync hub serve` and `node serve` \
            processes on loopback, the nodes reaching the hub through a proxy of the matrix's own), takes \
            returns at both nodes' HTTP APIs while one fault is injected, heals, lets the nodes sync until \
            nothing moves, and audits: every return acknowledged with 201 must be at the hub once, no return \
            number may name two returns, every over-return must be an exception at the hub, and `hub verify` \
            and `node verify` must pass.

            Faults:
            \(Fault.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

            The table goes to stdout, progress to stderr; the exit status is 1 when any run found a \
            violation. A seed reproduces the schedule (which faults, when, what the proxy does to which \
            request number); the processes' own timing still varies. See docs/reliability.md.
            """)

    @Option(help: "Seed of the schedule.") var seed: UInt64 = 1
    @Option(help: "Runs of each fault.") var runs: Int?
    @Option(help: "Comma-separated faults to run (default: all).") var faults: String?
    @Option(help: "PostgreSQL server URL for the postgres fault; each run makes a fresh database on it.")
    var database: String?
    @Option(
        help:
            "Folder of a cluster made by scripts/postgres-cluster: its URL is read from it, and the postgres fault also crash-restarts it."
    )
    var postgresCluster: String?
    @Option(help: "Folder for the runs' databases and logs (default: the system's temporary folder).") var dir: String?
    @Option(help: "Seconds of load and faults per run.") var seconds: Double?
    @Flag(help: "One short run of each fault (CI).") var quick = false
    @Flag(help: "The full matrix: runs every fault in turn until at least --min-kills kills.") var full = false
    @Option(help: "With --full: kill -9s and PostgreSQL crashes to reach.") var minKills = 1_000
    @Flag(help: "Keep every run's folder (runs with a violation are always kept).") var keep = false

    func validate() throws {
        if let faults {
            for name in faults.split(separator: ",") where Fault(rawValue: String(name)) == nil {
                throw ValidationError(
                    "input.unknownFault: \(name); faults are \(Fault.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if quick && full { throw ValidationError("input.conflict: --quick or --full, not both") }
        if let runs, runs < 1 { throw ValidationError("input.invalidRuns: --runs is at least 1") }
    }

    func run() async throws {
        let chosen =
            faults.map { $0.split(separator: ",").compactMap { Fault(rawValue: String($0)) } } ?? Fault.allCases
        let load = seconds ?? (quick ? 6 : full ? 20 : 12)
        // The full matrix spends its time on kills: a minute of load per killing run.
        var settings = RunSettings(loadSeconds: load, killLoadSeconds: full && seconds == nil ? 60 : load)
        if full {
            settings.killEvery = 200...2_000
            settings.downFor = 0...500
        }
        settings.keep = keep
        settings.postgresURL = database
        if let postgresCluster {
            settings.postgresCluster = postgresCluster
            settings.clusterScript = Self.clusterScript()
            if settings.postgresURL == nil {
                settings.postgresURL = try? String(contentsOfFile: postgresCluster + "/url", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        let root = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.path)
            .appendingPathComponent("returnsync-chaos-\(seed)-\(UUID().uuidString.prefix(8))")
        let perFault = runs ?? 1
        progress("seed \(seed), faults \(chosen.map(\.rawValue).joined(separator: ",")), folder \(root.path)")

        var table = ChaosTable()
        var round = 0
        while true {
            for fault in chosen {
                // A run's seed depends on the fault and the round, not on which faults were chosen.
                let f = Fault.allCases.firstIndex(of: fault) ?? 0
                var mixer = SeededRNG(state: seed &* 0x9E37_79B9 &+ UInt64(f * 1_000_003 + round))
                let runSeed = mixer.next()
                let number = table.runs(of: fault) + 1
                progress("\(fault.rawValue) run \(number) (seed \(runSeed))")
                let run = ChaosRun(
                    fault: fault, seed: runSeed,
                    folder: root.appendingPathComponent("\(fault.rawValue)-\(number)"), settings: settings)
                let outcome = await run.execute()
                table.add(outcome)
                progress(ChaosTable.describe(outcome))
                if !outcome.info.isEmpty { progress("  \(outcome.info)") }
                if full {
                    progress("kills so far: \(table.totalKills) of \(minKills); the table so far:")
                    FileHandle.standardError.write(Data(table.render().utf8))
                }
                for note in outcome.notes.prefix(12) { progress("  \(note)") }
            }
            round += 1
            if full ? table.totalKills >= minKills : round >= perFault { break }
        }
        print(table.render(), terminator: "")
        if table.totalViolations > 0 {
            progress("violations: \(table.totalViolations); run folders kept under \(root.path)")
            throw ExitCode(1)
        }
        if !keep { try? FileManager.default.removeItem(at: root) }
    }

    /// scripts/postgres-cluster: from the working directory (the repository), or from the build
    /// folder this binary sits in (`.build/<triple>/debug/`).
    static func clusterScript() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/scripts/postgres-cluster"]
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var folder = URL(fileURLWithPath: own).deletingLastPathComponent()
            for _ in 0..<4 {
                folder = folder.deletingLastPathComponent()
                candidates.append(folder.appendingPathComponent("scripts/postgres-cluster").path)
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
