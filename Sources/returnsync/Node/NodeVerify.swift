import ArgumentParser
import NodeStore
import ReplicaStore

extension ReturnSync.NodeCommand {
    /// `returnsync node verify`: checks the database file and every projection.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.verify",
                english: "Check the node's file and rebuild every projection from its events to compare."),
            discussion: """
                Runs SQLite's integrity_check, replays every event into fresh state and compares it \
                with the stock, returns, sales, store credit and ledger tables, and checks that the \
                outbox only names events of this node with no gaps. Exits 0 when all is well and 1 \
                when anything differs. Safe to run while `node serve` is running.
                """)

        @OptionGroup var folder: NodeFolder

        @Flag(help: "Print the report as JSON.")
        var json = false

        func run() async throws {
            let database = try folder.open()
            let report = try database.verify()
            if json {
                try Output.printJSON(VerifyOutput(report: report, node: database.identity))
            } else {
                var fields = Fields()
                fields.add("node", "\(database.identity.node) (store \(database.identity.store))")
                fields.add("integrity_check", report.integrity)
                fields.add("events", String(report.events))
                fields.add("records", String(report.records))
                fields.add("outbox", "\(report.outbox) (events not yet taken by the hub)")
                fields.add("mismatches", String(report.mismatches.count))
                Output.print(fields.render())
                for m in report.mismatches { Output.print("  " + m) }
                Output.print(report.isOK ? "OK" : "NOT OK: restore from a backup or rebuild, and report this")
            }
            if !report.isOK { throw ExitCode.failure }
        }
    }
}

/// `node verify --json`: the report plus who was checked.
struct VerifyOutput: Encodable {
    var report: VerificationReport
    var node: NodeIdentity

    enum CodingKeys: String, CodingKey { case ok, integrity, events, records, outbox, mismatches, node }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(report.isOK, forKey: .ok)
        try c.encode(report.integrity, forKey: .integrity)
        try c.encode(report.events, forKey: .events)
        try c.encode(report.records, forKey: .records)
        try c.encode(report.outbox, forKey: .outbox)
        try c.encode(report.mismatches, forKey: .mismatches)
        try c.encode(node, forKey: .node)
    }
}
