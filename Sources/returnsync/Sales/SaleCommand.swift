import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync sale …`: the receipts returns refer to.
    struct SaleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sale",
            abstract: CLIWords.text(
                "cli.help.sale.about", english: "Record a sale from the till, show a receipt, find a customer's sales."),
            discussion: """
                The till normally posts sales to the node's HTTP API; `sale record` takes the same \
                JSON from a file. A receipt shows, per line, what was sold, already returned and \
                still returnable.
                """,
            subcommands: [Record.self, Show.self, Find.self])
    }
}

extension ReturnSync.SaleCommand {
    /// `returnsync sale record --file sale.json`.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.sale.record", english: "Record a sale from a JSON file (or - for standard input)."),
            discussion: """
                The file holds the API's sale JSON; store, currency, sale time, line numbers and \
                catalog prices may be left out, and amounts may be written as "12.34":

                  {"id": "S-A-0001", "customer": "C-17",
                   "lines": [{"sku": "KET-1", "quantity": 2}],
                   "tenders": [{"tender": "card", "amount": "79.80"}]}

                Tenders are cash, card, bankTransfer or storeCredit and must add up to the total.
                """)

        @OptionGroup var options: DeskOptions
        @Option(name: .shortAndLong, help: ArgumentHelp("The sale JSON, or - for standard input.", valueName: "path"))
        var file: String

        func run() async throws {
            let draft = try JSONInput.decode(SaleDraft.self, from: file)
            let service = try options.node.service()
            let identity = service.identity
            let skus = draft.lines.map(\.sku)
            let catalog = try await service.read { reader in
                try Dictionary(
                    skus.compactMap { try reader.product($0) }.map { ($0.sku, $0) }, uniquingKeysWith: { a, _ in a })
            }
            let sale = try draft.resolve(identity: identity, now: TimeText.nowMillis()) { catalog[$0] }
            let view = try await service.recordSale(sale, staff: StaffID(options.staffID))
            try options.emit(view) {
                CLIWords.text(
                    "cli.sale.recorded", ["id": "\(sale.id)", "total": "\(sale.total)"],
                    english: "Recorded sale \(sale.id), \(sale.total)") + "\n\n" + Render.sale(view)
            }
        }
    }

    /// `returnsync sale show RECEIPT`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.sale.show", english: "Show a receipt with what is still returnable per line."))

        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The receipt number.", valueName: "receipt")) var receipt: String

        func run() async throws {
            let id = SaleID(receipt)
            guard let view = try await options.node.service().read({ try $0.saleView(id) }) else {
                throw DomainError.invalid(
                    "sale.notFound", "no sale with receipt \(receipt) on this node", ["receipt": "\(receipt)"])
            }
            try options.emit(view) { Render.sale(view) }
        }
    }

    /// `returnsync sale find --phone|--serial|--customer`.
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.sale.find", english: "Find sales by the customer's phone, a serial number or a customer id."),
            discussion: "Example:\n  returnsync sale find --phone +33612345678")

        @OptionGroup var options: DeskOptions
        @Option(help: "The customer's phone number, as registered.") var phone: String?
        @Option(help: "A serial number sold on the receipt.") var serial: String?
        @Option(help: ArgumentHelp("The customer id.", valueName: "id")) var customer: String?

        func validate() throws {
            guard phone != nil || serial != nil || customer != nil else {
                throw ValidationError("input.missingQuery: give --phone, --serial or --customer")
            }
        }

        func run() async throws {
            let (phone, serial, customer) = (phone, serial, customer.map(CustomerID.init))
            let views = try await options.node.service().read {
                try $0.findSales(phone: phone, serial: serial, customer: customer)
            }
            try options.emit(views) { Render.saleList(views) }
        }
    }
}
