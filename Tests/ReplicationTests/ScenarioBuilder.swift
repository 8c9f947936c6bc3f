import Replication
import ReturnsDomain

/// Hand-written histories: each `author` call names its node and which events that node has seen.
struct ScenarioBuilder {
    static let eur = Currency("EUR")
    var seqs: [NodeID: UInt64] = [:]
    var events: [Event] = []
    var wall: Int64 = 1_700_000_000_000

    /// Authors an event on `node` whose context is exactly the record events in `seen`.
    @discardableResult
    mutating func author(
        _ node: NodeID, _ record: RecordKey, _ payload: DomainEvent, seen: [Event] = [], wallOffset: Int64 = 0
    ) -> Event {
        seqs[node, default: 0] += 1
        wall += 1_000
        var context = VersionVector()
        for e in seen where e.record == record { context.record(e.dot) }
        let e = Event(
            dot: Dot(node: node, seq: seqs[node]!), record: record, context: context,
            hlc: HLCTimestamp(wall: wall + wallOffset), staff: StaffID("staff-\(node)"), payload: payload)
        events.append(e)
        return e
    }

    static func product(_ sku: SKU = "SKU-1") -> Product {
        Product(
            sku: sku, name: "Kettle", category: "kitchen", unitPrice: Money(5_000, eur), unitCost: Money(3_000, eur),
            vatRate: VATRate(basisPoints: 2000))
    }

    static func sale(
        _ id: SaleID = "R-A-1", store: StoreID = "S-A", quantity: Int = 2, customer: CustomerID? = "C-1",
        serials: [String] = []
    ) -> Sale {
        let line = SaleLine(
            line: 1, sku: "SKU-1", quantity: quantity, unitPrice: Money(5_000, eur), unitCost: Money(3_000, eur),
            vatRate: VATRate(basisPoints: 2000), serials: serials)
        return Sale(
            id: id, store: store, customer: customer, soldAt: Instant(millis: 1_700_000_000_000), currency: eur,
            lines: [line], tenders: [TenderPayment(tender: .card, amount: line.gross)])
    }

    static func request(
        _ id: ReturnID, store: StoreID, sale: SaleID? = "R-A-1", quantity: Int = 1, serials: [String] = [],
        fee: Int64 = 0
    ) -> ReturnRequest {
        let line = ReturnLine(
            line: 1, saleLine: sale == nil ? nil : 1, sku: "SKU-1", quantity: quantity, unitRefund: Money(5_000, eur),
            unitCost: Money(3_000, eur), vatRate: VATRate(basisPoints: 2000), reason: .changedMind,
            condition: .unopened, serials: serials)
        return ReturnRequest(
            id: id, store: store, sale: sale, saleStore: "S-A", customer: "C-1", type: .refund, method: .counter,
            currency: eur, lines: [line], requestedAt: Instant(millis: 1_700_000_100_000),
            restockingFee: Money(fee, eur))
    }

    static func refund(_ amount: Int64, fee: Int64 = 0, tender: Tender = .card, gross: Int64 = 5_000) -> Refund {
        Refund(
            gross: Money(gross, eur), restockingFee: Money(fee, eur),
            allocations: [RefundAllocation(tender: tender, amount: Money(amount, eur))],
            refundedAt: Instant(millis: 1_700_000_200_000))
    }

    static let at = Instant(millis: 1_700_000_150_000)
}
