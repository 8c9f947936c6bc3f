import ArgumentParser
import Foundation
import NodeStore
import ReturnsDomain

extension ReturnSync.NodeCommand {
    /// `returnsync node escrow`: the store's risk budget for offline returns against other
    /// stores' sales (escrow, DESIGN §4).
    struct EscrowCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "escrow",
            abstract: CLIWords.text(
                "cli.help.node.escrow.about",
                english: "Show or set the risk budget for offline returns against other stores' sales."),
            discussion: """
                A store's node takes back its own sales offline against what it knows. For a sale \
                made at another store it first claims the quantities from the hub; when the hub \
                cannot be reached it accepts the return only while the value of such returns not yet \
                acknowledged by the hub stays within this budget (default 200.00 in the node's \
                currency). A return that would exceed it is refused with escrow.budgetExhausted. The \
                hub checks every return at merge and raises any over-return for head office.

                Examples:
                  returnsync node escrow --data /var/lib/returnsync
                  returnsync node escrow --data /var/lib/returnsync --risk-budget 500.00
                """)

        @OptionGroup var folder: NodeFolder

        @Option(
            help: ArgumentHelp(
                "Set the risk budget, in the node's currency (e.g. 500.00; 0 takes no such returns offline).",
                valueName: "amount"))
        var riskBudget: String?

        @Flag(help: "Print the status as JSON.")
        var json = false

        func run() async throws {
            let service = try folder.service()
            if let riskBudget {
                try await service.setRiskBudget(try MoneyText.money(riskBudget, service.identity.currency))
            }
            let status = try await service.escrowStatus()
            if json {
                try Output.printJSON(status)
                return
            }
            var fields = Fields()
            fields.add("risk budget", "\(status.riskBudget)")
            fields.add("in use", "\(status.used) (offline returns the hub has not acknowledged)")
            fields.add("available", "\(status.available)")
            Output.print(fields.render())
            if !status.recent.isEmpty {
                Output.print("")
                Output.print("returns against other stores' sales (newest first):")
                for use in status.recent {
                    let basis = use.basis == .claim ? "claimed \(use.claim ?? "")" : "risk budget"
                    Output.print(
                        "  \(use.returnID)  sale \(use.sale)  \(use.value)  \(basis)\(use.acknowledged ? "" : "  (awaiting the hub)")"
                    )
                }
            }
        }
    }
}
