import ReturnsDomain

/// Small hand-computable worlds for the analytics tests.
///
/// The main world (all EUR, prices VAT-inclusive):
///
///     products  KETTLE  kitchen      price 50.00   cost 30.00
///               PHONE   electronics  price 1000.00 cost 600.00 (serial-tracked)
///               TOASTER kitchen      price 40.00   cost 20.00
///     stores    A branch, B branch, W online
///     S1  A  C1  2025-03-01  line 1 KETTLE ×10 lot L1; line 2 PHONE ×2 serials X1 X2
///     S2  B  C2  2025-03-02  line 1 KETTLE ×5 lot L2
///     S3  W  C1  2025-02-10  line 1 TOASTER ×4
///     R1  at A for S1  2025-03-05  KETTLE ×2 defective lot L1; refunded 100.00; 1 scrapped, 1 restocked
///     R2  at B for S1  2025-03-06  PHONE ×1 changedMind serial X1 (cross-store, seller found via the sale);
///                                  fee 10.00, refunded 1000.00, refurbished at 450.00, shipping 5.00
///     R3  at B for S2  2025-03-07  KETTLE ×1 changedMind lot L2; REJECTED, shipping 3.00
///     R4  at W for S3  2025-04-02  TOASTER ×1 defective; exchanged (no refund), sent to repair for 8.00
enum AnalyticsFixtures {
    static let eur = Currency("EUR")
    static func eur(_ minor: Int64) -> Money { Money(minor, eur) }
    static let vat = VATRate(basisPoints: 2000)

    static let kettle: SKU = "KETTLE"
    static let phone: SKU = "PHONE"
    static let toaster: SKU = "TOASTER"
    static let storeA: StoreID = "A"
    static let storeB: StoreID = "B"
    static let web: StoreID = "W"

    static let products: [SKU: Product] = [
        kettle: Product(
            sku: kettle, name: "Kettle", category: "kitchen", unitPrice: eur(5_000), unitCost: eur(3_000), vatRate: vat),
        phone: Product(
            sku: phone, name: "Phone", category: "electronics", unitPrice: eur(100_000), unitCost: eur(60_000),
            vatRate: vat, serialTracked: true),
        toaster: Product(
            sku: toaster, name: "Toaster", category: "kitchen", unitPrice: eur(4_000), unitCost: eur(2_000),
            vatRate: vat),
    ]

    static let stores: [StoreID: Store] = [
        storeA: Store(id: storeA, name: "Branch A", kind: .branch, currency: eur),
        storeB: Store(id: storeB, name: "Branch B", kind: .branch, currency: eur),
        web: Store(id: web, name: "Web shop", kind: .online, currency: eur),
    ]

    static func day(_ y: Int64, _ m: Int64, _ d: Int64) -> Instant { Instant.date(y, m, d) }

    /// A sale line at the catalog's price and cost.
    static func saleLine(
        _ number: Int, _ sku: SKU, _ quantity: Int, lot: String? = nil, serials: [String] = [], unitPrice: Int64? = nil
    ) -> SaleLine {
        let p = products[sku]!
        return SaleLine(
            line: number, sku: sku, quantity: quantity, unitPrice: unitPrice.map(eur) ?? p.unitPrice,
            unitCost: p.unitCost, vatRate: vat, lot: lot, serials: serials)
    }

    /// A sale paid in cash.
    static func sale(_ id: SaleID, at store: StoreID, customer: CustomerID?, on date: Instant, _ lines: [SaleLine])
        -> Sale
    {
        let total = lines.reduce(Int64(0)) { $0 + $1.gross.minor }
        return Sale(
            id: id, store: store, customer: customer, soldAt: date, currency: eur, lines: lines,
            tenders: [TenderPayment(tender: .cash, amount: eur(total))])
    }

    /// A return line refunded at the catalog price unless `unitRefund` says otherwise.
    static func returnLine(
        _ number: Int, saleLine: Int?, _ sku: SKU, _ quantity: Int, reason: ReasonCode = .defective,
        lot: String? = nil, serials: [String] = [], unitRefund: Int64? = nil
    ) -> ReturnLine {
        let p = products[sku]!
        return ReturnLine(
            line: number, saleLine: saleLine, sku: sku, quantity: quantity,
            unitRefund: unitRefund.map(eur) ?? p.unitPrice, unitCost: p.unitCost, vatRate: vat, reason: reason,
            condition: .openedComplete, lot: lot, serials: serials)
    }

    static func request(
        _ id: ReturnID, at store: StoreID, sale: SaleID?, saleStore: StoreID? = nil, customer: CustomerID?,
        on date: Instant, _ lines: [ReturnLine], fee: Int64 = 0
    ) -> ReturnRequest {
        ReturnRequest(
            id: id, store: store, sale: sale, saleStore: saleStore, customer: customer, type: .refund,
            method: .counter, currency: eur, lines: lines, requestedAt: date, restockingFee: eur(fee))
    }

    static let mainSales: [Sale] = [
        sale(
            "S1", at: storeA, customer: "C1", on: day(2025, 3, 1),
            [saleLine(1, kettle, 10, lot: "L1"), saleLine(2, phone, 2, serials: ["X1", "X2"])]),
        sale("S2", at: storeB, customer: "C2", on: day(2025, 3, 2), [saleLine(1, kettle, 5, lot: "L2")]),
        sale("S3", at: web, customer: "C1", on: day(2025, 2, 10), [saleLine(1, toaster, 4)]),
    ]

    static let r1 = ReturnFacts(
        request: request(
            "R1", at: storeA, sale: "S1", saleStore: storeA, customer: "C1", on: day(2025, 3, 5),
            [returnLine(1, saleLine: 1, kettle, 2, lot: "L1")]),
        refundedAmount: eur(10_000),
        dispositions: [
            LineDisposition(line: 1, quantity: 1, disposition: .scrap(reason: "cracked")),
            LineDisposition(line: 1, quantity: 1, disposition: .restock),
        ])

    static let r2 = ReturnFacts(
        request: request(
            "R2", at: storeB, sale: "S1", customer: "C1", on: day(2025, 3, 6),
            [returnLine(1, saleLine: 2, phone, 1, reason: .changedMind, serials: ["X1"])], fee: 1_000),
        refundedAmount: eur(100_000),
        dispositions: [
            LineDisposition(line: 1, quantity: 1, disposition: .refurbish(unitValue: eur(45_000), disclosure: "scuff"))
        ],
        shippingCost: eur(500))

    static let r3 = ReturnFacts(
        request: request(
            "R3", at: storeB, sale: "S2", saleStore: storeB, customer: "C2", on: day(2025, 3, 7),
            [returnLine(1, saleLine: 1, kettle, 1, reason: .changedMind, lot: "L2")]),
        rejected: true, shippingCost: eur(300))

    static let r4 = ReturnFacts(
        request: request(
            "R4", at: web, sale: "S3", saleStore: web, customer: "C1", on: day(2025, 4, 2),
            [returnLine(1, saleLine: 1, toaster, 1)]),
        dispositions: [
            LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "RO-1", technician: "Lee"))
        ],
        repairCost: eur(800))

    static let mainStock: [StockKey: Int] = [
        StockKey(store: storeA, location: .sellable, sku: kettle): 3,
        StockKey(store: storeA, location: .pendingInspection, sku: kettle): 10,
        StockKey(store: storeA, location: .sellable, sku: phone): 5,
    ]

    static let mainReorderPoints: [ReorderPoint] = [
        ReorderPoint(store: storeB, sku: toaster, minimum: 2),
        ReorderPoint(store: storeA, sku: kettle, minimum: 4),
        ReorderPoint(store: storeA, sku: phone, minimum: 5),
        ReorderPoint(store: storeA, sku: kettle, minimum: 5),
    ]

    static var main: AnalyticsInput {
        AnalyticsInput(
            products: products, stores: stores, sales: mainSales, returns: [r1, r2, r3, r4], stock: mainStock,
            reorderPoints: mainReorderPoints)
    }

    static func row(_ key: String, _ sold: Int, _ returned: Int, _ rate: Int?, _ share: Int) -> ReturnRateRow {
        ReturnRateRow(
            key: key, soldUnits: sold, returnedUnits: returned, rateBasisPoints: rate, shareBasisPoints: share)
    }

    /// The main world's return rates, computed by hand.
    static let mainRates: [AnalyticsDimension: [ReturnRateRow]] = [
        // KETTLE 2/15 (R3 rejected), PHONE 1/2, TOASTER 1/4; 4 units returned in all.
        .sku: [
            row("KETTLE", 15, 2, 1_333, 5_000), row("PHONE", 2, 1, 5_000, 2_500), row("TOASTER", 4, 1, 2_500, 2_500),
        ],
        .category: [row("electronics", 2, 1, 5_000, 2_500), row("kitchen", 19, 3, 1_578, 7_500)],
        // No product names a vendor: all of it is the unknown vendor's.
        .vendor: [row("(unknown)", 21, 4, 1_904, 10_000)],
        // R2 was taken in at B but S1 was sold at A, so it counts against A.
        .store: [row("A", 12, 3, 2_500, 7_500), row("B", 5, 0, 0, 0), row("W", 4, 1, 2_500, 2_500)],
        .channel: [row("branch", 17, 3, 1_764, 7_500), row("online", 4, 1, 2_500, 2_500)],
        // Reasons do not split sales: every reason row has all 21 units sold.
        .reason: [row("changedMind", 21, 1, 476, 2_500), row("defective", 21, 3, 1_428, 7_500)],
        .lot: [row("L1", 10, 2, 2_000, 10_000), row("L2", 5, 0, 0, 0)],
        // R4 is requested in April, when nothing was sold: no rate.
        .period: [row("2025-02", 4, 0, 0, 0), row("2025-03", 17, 3, 1_764, 7_500), row("2025-04", 0, 1, nil, 2_500)],
    ]

    static func cost(
        _ key: String, refund: Int64 = 0, repair: Int64 = 0, shipping: Int64 = 0, scrap: Int64 = 0,
        writeDown: Int64 = 0, currency: Currency = eur
    ) -> CostOfReturnsRow {
        CostOfReturnsRow(
            key: key, currency: currency, refundCost: Money(refund, currency), repairCost: Money(repair, currency),
            shippingCost: Money(shipping, currency), scrapLoss: Money(scrap, currency),
            writeDown: Money(writeDown, currency))
    }

    // MARK: Spikes

    /// KETTLE and MUG (kitchen) sell 100 units a month from 2024-11 to 2025-02. KETTLE's returns are
    /// 2, 4, 3 and then `latestKettleReturns` in February; MUG is never returned. NEWBIE (garden) is
    /// only sold in February, 10 units, and 6 come back.
    static func spikeWorld(latestKettleReturns: Int, withNovemberSales: Bool = true) -> AnalyticsInput {
        let mug: SKU = "MUG"
        let newbie: SKU = "NEWBIE"
        var catalog = products
        catalog[mug] = Product(
            sku: mug, name: "Mug", category: "kitchen", unitPrice: eur(1_000), unitCost: eur(400), vatRate: vat)
        catalog[newbie] = Product(
            sku: newbie, name: "Newbie", category: "garden", unitPrice: eur(2_000), unitCost: eur(900), vatRate: vat)
        let months: [(Int64, Int64, Int)] = [
            (2024, 11, 2), (2024, 12, 4), (2025, 1, 3), (2025, 2, latestKettleReturns),
        ]
        var sales: [Sale] = []
        var returns: [ReturnFacts] = []
        for (i, (y, m, back)) in months.enumerated() {
            let id = SaleID("SP-\(i)")
            if withNovemberSales || i > 0 {
                sales.append(
                    sale(
                        id, at: storeA, customer: nil, on: day(y, m, 1),
                        [
                            SaleLine(
                                line: 1, sku: kettle, quantity: 100, unitPrice: eur(5_000), unitCost: eur(3_000),
                                vatRate: vat),
                            SaleLine(
                                line: 2, sku: mug, quantity: 100, unitPrice: eur(1_000), unitCost: eur(400),
                                vatRate: vat),
                        ]))
            }
            if back > 0 {
                returns.append(
                    ReturnFacts(
                        request: request(
                            ReturnID("SPR-\(i)"), at: storeA, sale: id, customer: nil, on: day(y, m, 20),
                            [returnLine(1, saleLine: 1, kettle, back)])))
            }
        }
        sales.append(
            sale(
                "SP-NEW", at: storeA, customer: nil, on: day(2025, 2, 1),
                [
                    SaleLine(
                        line: 1, sku: newbie, quantity: 10, unitPrice: eur(2_000), unitCost: eur(900), vatRate: vat)
                ]))
        returns.append(
            ReturnFacts(
                request: ReturnRequest(
                    id: "SPR-NEW", store: storeA, sale: "SP-NEW", saleStore: storeA, customer: nil, type: .refund,
                    method: .counter, currency: eur,
                    lines: [
                        ReturnLine(
                            line: 1, saleLine: 1, sku: newbie, quantity: 6, unitRefund: eur(2_000),
                            unitCost: eur(900), vatRate: vat, reason: .defective, condition: .used)
                    ],
                    requestedAt: day(2025, 2, 15), restockingFee: eur(0))))
        return AnalyticsInput(products: catalog, stores: stores, sales: sales, returns: returns)
    }
}
