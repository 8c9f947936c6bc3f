import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync product …`: the catalog as this store sees it.
    struct ProductCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "product",
            abstract: CLIWords.text("cli.help.product.about", english: "Add products to the catalog and list them."),
            subcommands: [Add.self, List.self],
            defaultSubcommand: List.self)
    }
}

extension ReturnSync.ProductCommand {
    /// `returnsync product add`: defines (or redefines) a product.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.product.add",
                english: "Add a product, or change one (the same SKU again replaces its details)."),
            discussion: """
                Prices include VAT, as on the shelf label. Sales keep the price they were rung up at, \
                so changing a price never changes what an old receipt refunds.

                Example:
                  returnsync product add --sku KET-1 --name "Kettle 1.7 l" \\
                    --category kitchen --price 39.90 --cost 21.00 --vat 20
                """)

        @OptionGroup var options: DeskOptions

        @Option(help: ArgumentHelp("Stock-keeping unit.", valueName: "sku")) var sku: String
        @Option(help: "Name on the receipt.") var name: String
        @Option(help: "Category (policies can exclude whole categories).") var category: String
        @Option(help: "Model, if any.") var model = ""
        @Option(
            help: ArgumentHelp(
                "Shelf price including VAT, in the node's currency's decimals: 39.90 (EUR), 3990 (JPY).",
                valueName: "amount"))
        var price: String
        @Option(help: ArgumentHelp("Purchase cost per unit, e.g. 21.00.", valueName: "amount"))
        var cost: String
        @Option(
            help: ArgumentHelp("VAT rate in percent, e.g. 20 or 5.5.", valueName: "percent"),
            transform: { try DecimalText.vatRate($0) })
        var vat: VATRate
        @Option(help: ArgumentHelp("Supplier, for returns to vendor.", valueName: "id")) var vendor: String?
        @Flag(name: .customLong("serial-tracked"), help: "Each unit has a serial number to capture on sale and return.")
        var serialTracked = false
        @Flag(name: .customLong("lot-tracked"), help: "Units carry a batch/lot number.") var lotTracked = false
        @Flag(name: .customLong("not-returnable"), help: "Never taken back (hygiene, custom-made, …).")
        var notReturnable = false
        @Flag(
            help: """
                A service or fee (installation, delivery): rung up at an open price, never stocked, \
                taken back without goods to grade.
                """)
        var service = false

        func validate() throws {
            guard !sku.isEmpty, !sku.contains(":") else {
                throw ValidationError("catalog.missingSKU: a SKU must be non-empty and contain no ':'")
            }
        }

        func run() async throws {
            let service = try options.node.service()
            let currency = service.identity.currency
            let product = ReturnsDomain.Product(
                sku: SKU(sku), name: name, model: model, category: category,
                unitPrice: try MoneyText.money(price, currency), unitCost: try MoneyText.money(cost, currency),
                vatRate: vat, serialTracked: serialTracked, lotTracked: lotTracked,
                returnable: !notReturnable, vendor: vendor.map(VendorID.init), kind: self.service ? .service : nil)
            try await service.defineProduct(product, staff: StaffID(options.staffID))
            try options.emit(product) {
                CLIWords.text(
                    "cli.product.added",
                    ["sku": "\(product.sku)", "name": product.name, "price": "\(product.unitPrice)"],
                    english: "Product \(product.sku) \"\(product.name)\" at \(product.unitPrice)")
            }
        }
    }

    /// `returnsync product list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text("cli.help.product.list", english: "List the catalog."))

        @OptionGroup var options: DeskOptions

        func run() async throws {
            let products = try await options.node.service().read { try $0.products() }
            try options.emit(products) { Render.products(products) }
        }
    }
}
