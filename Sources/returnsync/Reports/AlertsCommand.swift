import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync alerts …`: early warnings for the store.
    struct AlertsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: CLIWords.text("cli.help.alerts.about", english: "Early warnings for this store."),
            subcommands: [LowStock.self])
    }
}

extension ReturnSync.AlertsCommand {
    /// `returnsync alerts low-stock`.
    struct LowStock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "low-stock",
            abstract: CLIWords.text(
                "cli.help.alerts.lowStock",
                english: "SKUs whose sellable stock is under their reorder point (`stock reorder`)."),
            discussion: "Returned goods waiting for inspection do not count as sellable.")

        @OptionGroup var options: DeskOptions

        func run() async throws {
            let alerts = try await options.node.service().read { try $0.lowStockAlerts() }
            try options.emit(alerts) {
                var table = Table("STORE", "SKU", "SELLABLE>", "MINIMUM>", "SHORTFALL>")
                for a in alerts {
                    table.add(
                        a.store.rawValue, a.sku.rawValue, String(a.sellable), String(a.minimum), String(a.shortfall))
                }
                return table.render(
                    empty: CLIWords.text("cli.empty.lowStock", english: "No SKU is under its reorder point."))
            }
        }
    }
}
