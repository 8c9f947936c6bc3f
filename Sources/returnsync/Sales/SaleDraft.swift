import NodeStore
import ReplicaStore
import ReturnsDomain

/// A sale as a command file gives it: the API's `Sale` JSON works as is, and anything the node
/// already knows may be left out (store, currency, time, line numbers, prices, cost and VAT from
/// the catalog). Amounts may be decimal text (`"12.34"`).
///
///     {"id": "S-A-0001", "customer": "C-17",
///      "lines": [{"sku": "KET-1", "quantity": 1}],
///      "tenders": [{"tender": "card", "amount": "39.90"}]}
struct SaleDraft: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var line: Int?
        var sku: SKU
        var quantity: Int
        var unitPrice: AmountInput?
        var unitCost: AmountInput?
        var vatRate: VATRate?
        var lot: String?
        var serials: [String]?
        /// `refurbished` for a B-grade unit (the node costs it); services are marked by the node.
        var source: LineSource?
    }

    struct Payment: Decodable, Sendable {
        var tender: Tender
        var amount: AmountInput
        var reference: String?
    }

    var id: SaleID
    var store: StoreID?
    var customer: CustomerID?
    var soldAt: InstantInput?
    var currency: Currency?
    var lines: [Line]
    var tenders: [Payment]

    /// The full sale, with the gaps filled from the node and its catalog at time `now` (ms).
    func resolve(identity: NodeIdentity, now: Int64, product: (SKU) throws -> ReturnsDomain.Product?) throws
        -> ReturnsDomain.Sale
    {
        let currency = currency ?? identity.currency
        var resolved: [SaleLine] = []
        for (index, l) in lines.enumerated() {
            let catalog = try product(l.sku)
            guard let price = try l.unitPrice?.money(currency) ?? catalog?.unitPrice,
                let cost = try l.unitCost?.money(currency) ?? catalog?.unitCost,
                let vat = l.vatRate ?? catalog?.vatRate
            else { throw DomainError.unknownSKU(l.sku) }
            resolved.append(
                SaleLine(
                    line: l.line ?? index + 1, sku: l.sku, quantity: l.quantity, unitPrice: price, unitCost: cost,
                    vatRate: vat, lot: l.lot, serials: l.serials ?? [], source: l.source))
        }
        return ReturnsDomain.Sale(
            id: id, store: store ?? identity.store, customer: customer,
            soldAt: soldAt?.instant ?? Instant(millis: now), currency: currency, lines: resolved,
            tenders: try tenders.map {
                TenderPayment(tender: $0.tender, amount: try $0.amount.money(currency), reference: $0.reference)
            })
    }
}
