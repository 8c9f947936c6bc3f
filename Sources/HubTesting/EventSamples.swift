public import Replication
public import ReturnsDomain

/// One event of every kind about a record of one store, for the admission tests: a new sale,
/// return, repair order and so on (their ids end in `tag`), and steps on a return and a repair
/// order the store already holds.
public enum EventSamples {
    public static let eur = Currency("EUR")

    public static func payloads(
        about store: StoreID, tag: String, heldReturn: ReturnID, heldRepair: RepairOrderID, now: Int64
    ) -> [(DomainEvent, RecordKey)] {
        let t = Instant(millis: now)
        let m = Money(1_000, eur)
        let vat = VATRate(basisPoints: 1300)
        let sale = Sale(
            id: SaleID("R-\(store)-\(tag)"), store: store, customer: "C-1", soldAt: t, currency: eur,
            lines: [
                SaleLine(line: 1, sku: "SKU-1", quantity: 1, unitPrice: m, unitCost: Money(500, eur), vatRate: vat)
            ],
            tenders: [TenderPayment(tender: .card, amount: m)])
        let returnID = ReturnID("RT-\(store)-\(tag)")
        let repairID = RepairOrderID("RO-\(store)-\(tag)")
        let count = StockCount(
            store: store, location: .sellable, sku: "SKU-1", expected: 3, counted: 2, unitCost: m, countedAt: t)
        let exchange = Exchange(
            returnedValue: m, restockingFee: .zero(eur),
            outLines: [ExchangeLine(sku: "SKU-1", quantity: 1, unitPrice: m, unitCost: m, vatRate: vat)],
            difference: .zero(eur), settlementTender: .card, exchangedAt: t)
        let refund = Refund(
            gross: m, restockingFee: .zero(eur), allocations: [RefundAllocation(tender: .card, amount: m)],
            refundedAt: t)
        let held = RecordKey.returnOrder(heldReturn)
        let product = Product(sku: "SKU-1", name: "水壶", category: "kitchen", unitPrice: m, unitCost: m, vatRate: vat)
        return [
            (.productDefined(product), .product("SKU-1")),
            (.storeDefined(Store(id: store, name: "门店 \(store)", currency: eur)), RecordKey(.store, store.rawValue)),
            (.policySet(store: store, policy: .standard(currency: eur)), RecordKey(.policy, store.rawValue)),
            (
                .reorderPointSet(ReorderPoint(store: store, sku: "SKU-1", minimum: 3)),
                RecordKey(.reorderPoint, "\(store)/SKU-1")
            ),
            (.customerRegistered(Customer(id: "C-1", name: "王丽")), .customer("C-1")),
            (.customerFieldChanged(customer: "C-1", field: .phone, value: "138 0000 0000"), .customer("C-1")),
            (
                .inventoryReceived(
                    InventoryReceipt(store: store, sku: "SKU-1", quantity: 3, unitCost: m, receivedAt: t)),
                RecordKey(.inventoryReceipt, "GR-\(store)-\(tag)")
            ),
            (.stockCounted(count), RecordKey(.stockCount, "SC-\(store)-\(tag)")),
            (.saleRecorded(sale), .sale(sale.id)),
            (.returnRequested(request(returnID, store: store, sale: sale.id, now: now)), .returnOrder(returnID)),
            (.returnApproved(at: t, note: nil), held),
            (.returnRejected(at: t, reason: "超出期限"), held),
            (.returnReceived(at: t, trackingNumber: nil), held),
            (.returnInspected(at: t, grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), held),
            (
                .returnDisposed(at: t, dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
                held
            ),
            (.refundIssued(refund), held),
            (.exchangeCompleted(exchange), held),
            (.returnClosed(at: t), held),
            (.repairOpened(repair(repairID, of: heldReturn, store: store, now: now)), .repairOrder(repairID)),
            (.repairProgressed(at: t, status: .inProgress, parts: [], laborCost: .zero(eur)), .repairOrder(heldRepair)),
            (
                .repairCompleted(at: t, outcome: .unrepairable(reason: "主板损坏"), totalCost: .zero(eur)),
                .repairOrder(heldRepair)
            ),
            (
                .storeCreditAdjusted(customer: "C-1", store: store, amount: Money(-100, eur), memo: "补偿", at: t),
                .storeCredit("C-1")
            ),
            (
                .staffDefined(
                    StaffMember(
                        id: "S-WANGLI", name: "王丽", roles: [.clerk], store: store,
                        pinHash: "$2b$04$abcdefghijklmnopqrstuu5Y9vJ5k0m0v3Fz1r7WcZC8mGqGf1tKe")),
                RecordKey(.staff, "S-WANGLI")
            ),
            (
                .stockAdjusted(
                    StockAdjustment(
                        store: store, location: .sellable, sku: "SKU-1", quantity: 1, reason: .damaged, unitCost: m,
                        note: "摔坏", adjustedAt: t)),
                RecordKey(.stockAdjustment, "\(store)-SA-1")
            ),
        ]
    }

    /// A one-line return of `store` against `sale`.
    public static func request(_ id: ReturnID, store: StoreID, sale: SaleID?, now: Int64) -> ReturnRequest {
        let line = ReturnLine(
            line: 1, saleLine: sale == nil ? nil : 1, sku: "SKU-1", quantity: 1, unitRefund: Money(1_000, eur),
            unitCost: Money(500, eur), vatRate: VATRate(basisPoints: 1300), reason: .defective, condition: .unopened)
        return ReturnRequest(
            id: id, store: store, sale: sale, saleStore: sale == nil ? nil : store, customer: "C-1", type: .refund,
            method: .counter, currency: eur, lines: [line], requestedAt: Instant(millis: now), restockingFee: .zero(eur)
        )
    }

    /// A repair order of `store` for a unit of return `returnID`.
    public static func repair(_ id: RepairOrderID, of returnID: ReturnID, store: StoreID, now: Int64) -> RepairOrder {
        RepairOrder(
            id: id, returnID: returnID, store: store, sku: "SKU-1", quantity: 1, unitCost: Money(500, eur),
            technician: "张师傅", openedAt: Instant(millis: now))
    }
}
