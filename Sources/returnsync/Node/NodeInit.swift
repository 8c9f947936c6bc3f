import ArgumentParser
import Foundation
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain

extension ReturnSync.NodeCommand {
    /// `returnsync node init`: creates a store's node database.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.init", english: "Create the node of a store in an empty data folder."),
            discussion: """
                Run once per store. The node id names this replica in every event it records; it \
                defaults to the store id plus 8 random hex digits, so a re-installed store never \
                reuses the id of its old database. Never copy a data folder to a second machine \
                and run both: give each replica its own `node init`.

                Example:
                  returnsync node init --store PARIS-01 --data /var/lib/returnsync --currency EUR
                """)

        @Option(help: ArgumentHelp("The store's id as head office knows it (letters, digits, - _ .).", valueName: "id"))
        var store: String

        @OptionGroup var folder: NodeFolder

        @Option(help: ArgumentHelp("ISO 4217 currency of the store's till.", valueName: "code"))
        var currency = "EUR"

        @Option(
            name: .customLong("node-id"),
            help: ArgumentHelp("This replica's id (default: <store>-<8 random hex>).", valueName: "id"))
        var nodeID: String?

        @Flag(help: "Print the new node's identity as JSON.")
        var json = false

        func validate() throws {
            try Identifiers.check(store, what: "store id", code: "input.invalidStoreID")
            if let nodeID { try Identifiers.check(nodeID, what: "node id", code: "input.invalidNodeID") }
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw ValidationError("input.invalidCurrency: '\(currency)' is not an ISO 4217 code like EUR")
            }
        }

        func run() async throws {
            let identity = NodeIdentity(
                node: NodeID(nodeID ?? Identifiers.mintNodeID(store: store)), store: StoreID(store),
                currency: Currency(currency))
            let database = try NodeDatabase.create(in: folder.url, identity: identity)
            if json {
                try Output.printJSON(identity)
            } else {
                Output.print(
                    "Created node \(identity.node) for store \(identity.store) (\(identity.currency)) "
                        + "in \(database.path)"
                )
                Output.print("Next: returnsync node serve --data \(folder.path ?? ".")")
            }
        }
    }
}

/// The rules for ids typed at `node init`.
enum Identifiers {
    /// Store and node ids appear inside document numbers (`RT-<store>-000001`) and dots
    /// (`<node>#<seq>`), so they stay to letters, digits and `- _ .`.
    static func check(_ id: String, what: String, code: String) throws {
        let allowed = id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        guard !id.isEmpty, id.count <= 64, allowed else {
            throw ValidationError("\(code): '\(id)' is not a valid \(what) (1-64 letters, digits, - _ .)")
        }
    }

    /// `<store>-<8 random hex digits>`.
    static func mintNodeID(store: String) -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(store)-\(String(repeating: "0", count: 8 - hex.count))\(hex)"
    }
}
