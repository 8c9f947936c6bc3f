import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync stock …`: stock per location, goods in, reorder points.
    struct StockCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stock",
            abstract: CLIWords.text(
                "cli.help.stock.about", english: "Show stock per location, receive goods, set reorder points."),
            discussion: """
                Stock is never edited: every figure is the sum of movements (sales, goods in, returns, \
                dispositions). Returned goods arrive in pendingInspection and only reach sellable \
                when inspection grades them A.

                Examples:
                  returnsync stock --sku KET-1
                  returnsync stock receive --sku KET-1 --quantity 24 --cost 21.00
                  returnsync stock count --sku KET-1 --location scrap --counted 2
                  returnsync stock adjust --sku KET-1 --quantity 1 --reason damaged --note "dropped"
                """,
            subcommands: [Show.self, Receive.self, Reorder.self, Count.self, Adjust.self],
            defaultSubcommand: Show.self)
    }
}

extension ReturnSync.StockCommand {
    /// `returnsync stock [show]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.stock.show",
                english: "This store's stock per location and SKU (the default); head office's hub has every store's."))

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("Only this SKU.", valueName: "sku")) var sku: String?
        @Option(help: ArgumentHelp("Only this location.", valueName: "location")) var location: StockLocation?

        func run() async throws {
            let skuFilter = sku.map(SKU.init)
            let service = try options.node.service()
            let store = service.identity.store
            var rows = try await service.read { try $0.stock(sku: skuFilter, store: store) }
            if let location { rows = rows.filter { $0.location == location } }
            try options.emit(rows) { Render.stock(rows) }
        }
    }

    /// `returnsync stock receive`: goods in from a supplier.
    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text("cli.help.stock.receive", english: "Book goods received into sellable stock."))

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The product received.", valueName: "sku")) var sku: String
        @Option(help: ArgumentHelp("Units received.", valueName: "n")) var quantity: Int
        @Option(help: ArgumentHelp("Cost per unit (default: the catalog cost).", valueName: "amount"))
        var cost: String?
        @Option(help: ArgumentHelp("Supplier.", valueName: "id")) var vendor: String?

        func validate() throws {
            guard quantity > 0 else { throw ValidationError("input.invalidQuantity: --quantity must be positive") }
        }

        func run() async throws {
            let service = try options.node.service()
            let currency = service.identity.currency
            try await service.receiveInventory(
                sku: SKU(sku), quantity: quantity, unitCost: try cost.map { try MoneyText.money($0, currency) },
                vendor: vendor.map(VendorID.init), staff: StaffID(options.staffID))
            let skuValue = SKU(sku)
            let rows = try await service.read { try $0.stock(sku: skuValue, store: service.identity.store) }
            try options.emit(rows) {
                CLIWords.text(
                    "cli.stock.received", ["quantity": "\(quantity)", "sku": sku],
                    english: "Received \(quantity) × \(sku)") + "\n" + Render.stock(rows)
            }
        }
    }

    /// `returnsync stock reorder`: the minimum that triggers a low-stock alert.
    struct Reorder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.stock.reorder",
                english: "Set a SKU's reorder point: below it, `alerts low-stock` lists the SKU."))

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The product.", valueName: "sku")) var sku: String
        @Option(help: ArgumentHelp("Minimum sellable units.", valueName: "n")) var minimum: Int

        func validate() throws {
            guard minimum >= 0 else { throw ValidationError("input.invalidQuantity: --minimum must not be negative") }
        }

        func run() async throws {
            let service = try options.node.service()
            try await service.setReorderPoint(sku: SKU(sku), minimum: minimum, staff: StaffID(options.staffID))
            let point = ReorderPoint(store: service.identity.store, sku: SKU(sku), minimum: minimum)
            try options.emit(point) {
                CLIWords.text(
                    "cli.stock.reorderPoint", ["sku": sku, "minimum": "\(minimum)"],
                    english: "Reorder point of \(sku): \(minimum)")
            }
        }
    }

    /// `returnsync stock count`: a stock-take of one location.
    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.stock.count",
                english: "Record a stock-take of one location: the difference moves stock and posts to the journal."),
            discussion: """
                Count what is on the shelf (or in the returns room's locations: pendingInspection, \
                repair, refurbished, scrap, returnToVendor) and give the figure; the node compares it \
                with the ledger and books the difference at cost (inventory against inventory \
                variance). A count below the ledger writes goods off: when the store signs staff in, \
                that needs a store manager or after-sales.
                """)

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The product counted.", valueName: "sku")) var sku: String
        @Option(help: ArgumentHelp("Where it was counted.", valueName: "location")) var location: StockLocation
        @Option(help: ArgumentHelp("Units counted.", valueName: "n")) var counted: Int

        func run() async throws {
            let service = try options.node.service()
            let view = try await service.countStock(
                sku: SKU(sku), location: location, counted: counted, staff: StaffID(options.staffID),
                signedIn: try await options.signedIn(service))
            let c = view.count
            try options.emit(view) {
                CLIWords.text(
                    "cli.stock.counted",
                    [
                        "id": "\(view.id)", "sku": "\(c.sku)",
                        "location": CLIWords.value("location", c.location.rawValue),
                        "counted": "\(c.counted)", "expected": "\(c.expected)",
                        "variance": "\(c.variance > 0 ? "+" : "")\(c.variance)", "cost": "\(c.unitCost)",
                    ],
                    english:
                        "Stock-take \(view.id): \(c.sku) at \(c.location.rawValue): counted \(c.counted), ledger \(c.expected), "
                        + "difference \(c.variance > 0 ? "+" : "")\(c.variance) at \(c.unitCost) each")
            }
        }
    }

    /// `returnsync stock adjust`: stock out with a reason, or found.
    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.stock.adjust",
                english: "Take stock out (damaged, writeOff, zeroValueIssue) or book it found, at cost, with why."),
            discussion: """
                damaged and writeOff post to the write-off account, zeroValueIssue (a sample, a \
                replacement handed out) to samples and replacements, found against inventory \
                variance; each says why in --note (needed for everything but found). Taking goods out \
                is a write-off: when the store signs staff in, it needs a store manager or after-sales.
                """)

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The product.", valueName: "sku")) var sku: String
        @Option(help: ArgumentHelp("Where (default: sellable).", valueName: "location")) var location: StockLocation =
            .sellable
        @Option(help: ArgumentHelp("Units.", valueName: "n")) var quantity: Int
        @Option(help: ArgumentHelp("damaged, writeOff, zeroValueIssue or found.", valueName: "reason")) var reason:
            AdjustmentReason
        @Option(help: ArgumentHelp("Why.", valueName: "text")) var note: String?

        func run() async throws {
            let service = try options.node.service()
            let view = try await service.adjustStock(
                sku: SKU(sku), location: location, quantity: quantity, reason: reason, note: note,
                staff: StaffID(options.staffID), signedIn: try await options.signedIn(service))
            let a = view.adjustment
            try options.emit(view) {
                CLIWords.text(
                    "cli.stock.adjusted",
                    [
                        "id": "\(view.id)", "quantity": "\(a.isIncoming ? "+" : "-")\(a.quantity)", "sku": "\(a.sku)",
                        "location": CLIWords.value("location", a.location.rawValue),
                        "reason": CLIWords.value("adjustReason", a.reason.rawValue), "cost": "\(a.unitCost)",
                    ],
                    english:
                        "Stock adjustment \(view.id): \(a.isIncoming ? "+" : "-")\(a.quantity) \(a.sku) at \(a.location.rawValue) "
                        + "(\(a.reason.rawValue)) at \(a.unitCost) each")
            }
        }
    }
}
