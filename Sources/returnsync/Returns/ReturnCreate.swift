import ArgumentParser
import NodeStore
import ReturnsDomain
import SyncClient

extension ReturnSync.ReturnCommand {
    /// `returnsync return create`: opens a return document against a receipt.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.create",
                english: "Open a return against a receipt; the return policy is checked at once."),
            discussion: """
                Give one --line/--quantity pair per receipt line taken back, in the same order. \
                --reason and --condition apply to every line when given once, or one per line.
                Reasons: \(ReasonCode.allCases.map(\.rawValue).joined(separator: ", ")).
                Conditions: \(ItemCondition.allCases.map(\.rawValue).joined(separator: ", ")).

                For serial numbers or a return without a receipt, use --file with the
                API's JSON, for example:
                  {"customer": "C-17",
                   "lines": [{"sku": "KET-1", "quantity": 1, "unitRefund": "25.00",
                              "reason": "defective", "condition": "used"}]}

                Example:
                  returnsync return create --sale S-A-0001 --line 1 --quantity 1 \\
                    --reason changedMind --condition unopened
                """)

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The receipt number of the sale.", valueName: "receipt")) var sale: String?
        @Option(help: ArgumentHelp("A receipt line taken back (repeat for more lines).", valueName: "n")) var line:
            [Int] = []
        @Option(help: ArgumentHelp("Units of that line (one per --line).", valueName: "n")) var quantity: [Int] = []
        @Option(help: ArgumentHelp("Why it comes back: once, or once per line.", valueName: "reason")) var reason:
            [ReasonCode] = []
        @Option(help: ArgumentHelp("The goods' condition: once, or once per line.", valueName: "condition"))
        var condition: [ItemCondition] = []
        @Option(help: ArgumentHelp("The customer, when not on the receipt.", valueName: "id")) var customer: String?
        @Option(help: "refund or exchange (default refund).") var type: ReturnType?
        @Option(help: "counter, courier, homePickup or onlineSelfService (default counter).") var method: ReturnMethod?
        @Option(help: ArgumentHelp("Courier tracking number.", valueName: "number")) var tracking: String?
        @Option(
            name: .shortAndLong,
            help: ArgumentHelp("The return as JSON instead of flags (- for stdin).", valueName: "path"))
        var file: String?

        func validate() throws {
            if file != nil {
                guard sale == nil, line.isEmpty, quantity.isEmpty, reason.isEmpty, condition.isEmpty else {
                    throw ValidationError(
                        "input.conflictingInput: give either --file or --sale with --line flags, not both")
                }
                return
            }
            guard sale != nil else { throw ValidationError("input.missingSale: give --sale RECEIPT (or --file)") }
            guard !line.isEmpty else {
                throw ValidationError("input.missingLine: give at least one --line N --quantity Q")
            }
            guard quantity.count == line.count else {
                throw ValidationError(
                    "input.lineQuantityMismatch: give one --quantity per --line "
                        + "(\(line.count) lines, \(quantity.count) quantities)"
                )
            }
            guard reason.count == 1 || reason.count == line.count else {
                throw ValidationError("input.missingReason: give --reason once, or once per --line")
            }
            guard condition.count == 1 || condition.count == line.count else {
                throw ValidationError("input.missingCondition: give --condition once, or once per --line")
            }
        }

        func command(currency: Currency) throws -> CreateReturnCommand {
            if let file { return try JSONInput.decode(ReturnDraft.self, from: file).command(currency: currency) }
            let lines = line.indices.map { i in
                RequestedLine(
                    saleLine: line[i], quantity: quantity[i], reason: reason.count == 1 ? reason[0] : reason[i],
                    condition: condition.count == 1 ? condition[0] : condition[i])
            }
            return CreateReturnCommand(
                sale: sale.map(SaleID.init), customer: customer.map(CustomerID.init), type: type, method: method,
                lines: lines, trackingNumber: tracking)
        }

        func run() async throws {
            let service = try options.node.service()
            // Another store's sale is claimed from the hub when this node is connected to one.
            let claimer = try await service.hubConnection().map { HubEscrowClaimer(baseURL: $0.url, token: $0.token) }
            let view = try await service.createReturn(
                try command(currency: service.identity.currency), staff: StaffID(options.staffID), claimer: claimer)
            try options.emit(view) { Render.returnDocument(view) }
        }
    }
}
