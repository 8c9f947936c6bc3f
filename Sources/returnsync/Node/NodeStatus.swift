import ArgumentParser
import Foundation
import NodeStore

extension ReturnSync.NodeCommand {
    /// `returnsync node status`: who the node is and how much it holds.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.status",
                english: "Show the node's identity, database size, events, outbox and open issues."))

        @OptionGroup var folder: NodeFolder

        @Flag(help: "Print the status as JSON.")
        var json = false

        func run() async throws {
            let database = try folder.open()
            let service = NodeService(database: database)
            let counts = try await service.read { reader in
                (
                    events: try reader.eventCount(), outbox: try reader.outboxCount(),
                    products: try reader.products().count, exceptions: try reader.exceptions().count,
                    lowStock: try reader.lowStockAlerts().count
                )
            }
            let status = NodeStatus(
                node: database.identity.node.rawValue, store: database.identity.store.rawValue,
                currency: database.identity.currency.rawValue, database: database.path,
                bytes: Self.size(of: database.path),
                synchronous: try Self.synchronousName(database.synchronousSetting()),
                events: counts.events, outbox: counts.outbox, products: counts.products,
                exceptions: counts.exceptions, lowStockAlerts: counts.lowStock)
            if json {
                try Output.printJSON(status)
            } else {
                var fields = Fields()
                fields.add("node", status.node)
                fields.add("store", status.store)
                fields.add("currency", status.currency)
                fields.add("database", "\(status.database) (\(status.bytes / 1024) KiB with WAL)")
                fields.add("synchronous", status.synchronous)
                fields.add("events", String(status.events))
                fields.add("outbox", "\(status.outbox) awaiting the hub")
                fields.add("products", String(status.products))
                fields.add("exceptions", String(status.exceptions))
                fields.add("low stock", String(status.lowStockAlerts))
                Output.print(fields.render())
            }
        }

        /// The file plus its WAL: what a backup has to capture.
        static func size(of path: String) -> Int {
            [path, path + "-wal"].reduce(0) { total, p in
                total + ((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0)
            }
        }

        static func synchronousName(_ value: Int) -> String {
            switch value {
            case 0: "OFF"
            case 1: "NORMAL"
            case 2: "FULL"
            case 3: "EXTRA"
            default: String(value)
            }
        }
    }
}

/// What `node status --json` prints.
struct NodeStatus: Codable {
    var node: String
    var store: String
    var currency: String
    var database: String
    var bytes: Int
    var synchronous: String
    var events: Int
    var outbox: Int
    var products: Int
    var exceptions: Int
    var lowStockAlerts: Int
}
