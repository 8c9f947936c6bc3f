import NodeStore
import ReturnsDomain

/// A return as a command file gives it: the API's `CreateReturnCommand` JSON, where `serials`
/// may be left out and a receipt-less line's `unitRefund` may be decimal text (`"12.34"`).
///
///     {"sale": "S-A-0001",
///      "lines": [{"saleLine": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened"}]}
struct ReturnDraft: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var saleLine: Int?
        var sku: SKU?
        var quantity: Int
        var reason: ReasonCode
        var condition: ItemCondition
        var serials: [String]?
        var unitRefund: AmountInput?
    }

    var sale: SaleID?
    var customer: CustomerID?
    var type: ReturnType?
    var method: ReturnMethod?
    var lines: [Line]
    var trackingNumber: String?

    func command(currency: Currency) throws -> CreateReturnCommand {
        try CreateReturnCommand(
            sale: sale, customer: customer, type: type, method: method,
            lines: lines.map {
                RequestedLine(
                    saleLine: $0.saleLine, sku: $0.sku, quantity: $0.quantity, reason: $0.reason,
                    condition: $0.condition, serials: $0.serials ?? [], unitRefund: try $0.unitRefund?.money(currency))
            },
            trackingNumber: trackingNumber)
    }
}
