import ArgumentParser
import Foundation
import NodeStore

extension ReturnSync {
    /// `returnsync demo`: a scripted day at one store, in a throw-away node.
    struct DemoCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: CLIWords.text(
                "cli.help.demo.about",
                english:
                    "Run a small chain on this machine: a hub, three stores and the online shop, one store offline."),
            discussion: """
                Starts a hub and four nodes (stores S-A, S-B, S-C and the online channel WEB) as real \
                HTTP servers on loopback, all on embedded SQLite in a temporary folder. Store B is cut \
                off from the hub while it takes a return against store A's receipt and races store A \
                for the last returnable unit of a sale; then it reconnects and everyone syncs. Prints \
                the consolidated stock, the exceptions head office must look at (the over-return), \
                whether every node agrees with the hub, and a return-rate report. Exits 0 when all \
                of that holds.

                --one-store walks a day at a single store instead (approval, grading, repair, \
                refund to split tenders, store credit, an exchange, the trial balance).

                --database postgres://USER@HOST:PORT/DB puts the hub on that PostgreSQL server \
                instead, in a new database of its own (named returnsync_demo_…, left in place so \
                that you can look at it); the nodes stay on SQLite, as stores do.

                Nothing outside the temporary folder is touched; it is removed afterwards unless you \
                pass --keep.
                """)

        @Flag(help: "Keep the demo's folder and print its path, to explore it with the other commands.")
        var keep = false

        @Flag(name: .customLong("one-store"), help: "Walk a day at one store instead of the chain.")
        var oneStore = false

        @Option(
            help: ArgumentHelp(
                "Run the hub on PostgreSQL: a server URL; the demo creates a new database on it.", valueName: "url"))
        var database: String?

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent(
                    "returnsync-demo-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
            defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
            guard oneStore else {
                let ok = try await ChainDemo(folder: folder, postgresServer: database).run()
                if keep { Output.print("\nThe demo's hub and nodes are kept in \(folder.path)") }
                if !ok { throw ExitCode.failure }
                return
            }
            let report = try await DemoDay(folder: folder).run()
            if keep {
                Output.print("\nThe demo node is kept in \(folder.path); try:")
                Output.print("  returnsync return list --data \(folder.path)")
            }
            if !report.isOK { throw ExitCode.failure }
        }
    }
}
