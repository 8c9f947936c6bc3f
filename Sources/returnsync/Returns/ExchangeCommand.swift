import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync exchange ID`: settles a disposed return with new goods (换货).
    struct ExchangeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exchange",
            abstract: CLIWords.text(
                "cli.help.exchange.about",
                english: "Hand out new goods for a disposed return and settle the price difference."),
            discussion: """
                Prices of the new goods come from the catalog. The difference is settled either way \
                on --settle: positive, the customer pays; negative, the customer gets it back.

                Example:
                  returnsync exchange RT-S-A-000004 --item KET-2:1 --settle card
                """)

        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(
            help: ArgumentHelp("Goods handed out (repeatable).", valueName: "sku:qty[:serials]"),
            transform: StepArguments.exchangeItem)
        var item: [ExchangeItem] = []
        @Option(
            help: ArgumentHelp("cash, card, bank or credit.", valueName: "tender"), transform: StepArguments.settlement)
        var settle: Tender

        func validate() throws {
            guard !item.isEmpty else { throw ValidationError("input.missingItem: give at least one --item SKU:QTY") }
        }

        func run() async throws {
            let items = item
            try await ReturnStepRunner.run(options, id) { _ in .exchange(items: items, settlement: settle) }
        }
    }
}
