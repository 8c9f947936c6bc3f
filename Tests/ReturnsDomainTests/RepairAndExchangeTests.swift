import ReturnsDomain
import Testing

/// A phone in the catalog (for exchanges) and a return of two cables (for repairs).
private enum R {
    static let eur = Currency("EUR")
    static let vat = VATRate(basisPoints: 2000)
    static let soldAt = Instant.date(2025, 3, 1)
    static func eur(_ minor: Int64) -> Money { Money(minor, eur) }
    static let phone = Product(
        sku: "PH-1", name: "Phone", category: "phones", unitPrice: eur(150_000), unitCost: eur(90_000), vatRate: vat)
    static let catalog: [SKU: Product] = ["PH-1": phone]
}

@Suite struct RepairAndExchangeLineTests {
    static let request = ReturnRequest(
        id: "RT-S-01-000001", store: "S-01", sale: "S-01-0007", saleStore: "S-01", customer: "C-1", type: .refund,
        method: .counter, currency: R.eur,
        lines: [
            ReturnLine(
                line: 1, saleLine: 1, sku: "CB-1", quantity: 2, unitRefund: R.eur(1_800), unitCost: R.eur(800),
                vatRate: R.vat, reason: .defective, condition: .used)
        ],
        requestedAt: R.soldAt, restockingFee: R.eur(0), trackingNumber: nil, policyNotes: [])

    @Test("a repair without an order number gets the next one; a numbered repair and other dispositions keep theirs")
    func numberRepairs() throws {
        var minted = 0
        let numbered = try ReturnDesk.numberRepairs([
            LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "Ana")),
            LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "RO-X", technician: "Bo")),
            LineDisposition(line: 2, quantity: 1, disposition: .restock),
        ]) {
            minted += 1
            return RepairOrderID("RO-S-01-00000\(minted)")
        }
        #expect(minted == 1)
        #expect(numbered[0].disposition == .repair(order: "RO-S-01-000001", technician: "Ana"))
        #expect(numbered[1].disposition == .repair(order: "RO-X", technician: "Bo"))
        #expect(numbered[2].disposition == .restock)
    }

    @Test("each repair disposition opens a repair order with the line's SKU and cost")
    func repairsOpened() {
        let at = R.soldAt.adding(days: 3)
        let opened = ReturnDesk.repairsOpened(
            by: [
                LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "RO-1", technician: "Ana")),
                LineDisposition(line: 1, quantity: 1, disposition: .scrap(reason: "burnt")),
            ], of: Self.request, at: at)
        #expect(opened.count == 1)
        #expect(opened.first?.order == "RO-1")
        #expect(
            opened.first?.event
                == .repairOpened(
                    RepairOrder(
                        id: "RO-1", returnID: "RT-S-01-000001", store: "S-01", sku: "CB-1", quantity: 1,
                        unitCost: R.eur(800), technician: "Ana", openedAt: at)))
    }

    @Test("exchange lines are priced from the catalog; an unknown SKU or a quantity under 1 is refused")
    func exchangeLines() throws {
        let lines = try ExchangePlanner.outLines([("PH-1", 1, nil)]) { R.catalog[$0] }
        #expect(
            lines == [
                ExchangeLine(
                    sku: "PH-1", quantity: 1, unitPrice: R.eur(150_000), unitCost: R.eur(90_000), vatRate: R.vat)
            ])
        #expect(throws: DomainError.self) { try ExchangePlanner.outLines([("NOPE", 1, nil)]) { R.catalog[$0] } }
        #expect(throws: DomainError.self) { try ExchangePlanner.outLines([("PH-1", 0, nil)]) { R.catalog[$0] } }
    }
}
