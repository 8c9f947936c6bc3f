import Admission
import Replication
import ReturnsDomain
import Testing

/// The value rules: what a well-formed event looks like, and each way one is refused.
@Suite struct EventValuesTests {
    static let now = Instant.date(2026, 3, 10).millis
    static let eur = Currency("EUR")

    static func event(
        _ payload: DomainEvent, on record: RecordKey, seq: UInt64 = 1, node: NodeID = "S-A-1", wall: Int64 = now
    )
        -> Event
    {
        Event(
            dot: Dot(node: node, seq: seq), record: record, context: VersionVector(), hlc: HLCTimestamp(wall: wall),
            staff: "王丽", payload: payload)
    }

    static func receipt(quantity: Int = 5, cost: Int64 = 1_000, store: StoreID = "S-A", sku: SKU = "SKU-1") -> Event {
        event(
            .inventoryReceived(
                InventoryReceipt(
                    store: store, sku: sku, quantity: quantity, unitCost: Money(cost, eur),
                    receivedAt: Instant(millis: now))),
            on: RecordKey(.inventoryReceipt, "GR-S-A-1"))
    }

    static func code(_ event: Event) -> AdmissionError.Code? {
        do {
            try AdmissionRules.checkValues(event, now: now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a well-formed goods receipt, sale and store-credit adjustment are admitted")
    func wellFormed() {
        #expect(Self.code(Self.receipt()) == nil)
        let sale = Sale(
            id: "R-A-1", store: "S-A", customer: "C-1", soldAt: Instant(millis: Self.now), currency: Self.eur,
            lines: [
                SaleLine(
                    line: 1, sku: "SKU-1", quantity: 2, unitPrice: Money(4_990, Self.eur),
                    unitCost: Money(2_500, Self.eur), vatRate: VATRate(basisPoints: 1300))
            ],
            tenders: [TenderPayment(tender: .card, amount: Money(9_980, Self.eur))])
        #expect(Self.code(Self.event(.saleRecorded(sale), on: .sale("R-A-1"))) == nil)
        let credit = DomainEvent.storeCreditAdjusted(
            customer: "C-1", store: "S-A", amount: Money(-500, Self.eur), memo: "商品损坏补偿", at: Instant(millis: Self.now))
        #expect(Self.code(Self.event(credit, on: .storeCredit("C-1"))) == nil)
    }

    @Test(
        "quantities out of range are refused",
        arguments: [0, -1, -1_000_000_000, Limits.maxQuantity + 1, Int.max, Int.min])
    func quantities(_ quantity: Int) {
        #expect(Self.code(Self.receipt(quantity: quantity)) == .quantityOutOfRange)
    }

    @Test(
        "money out of range, or a line whose value overflows, is refused",
        arguments: [Int64(-1), Limits.maxMoney + 1, Int64.max, Int64.min])
    func money(_ minor: Int64) {
        #expect(Self.code(Self.receipt(cost: minor)) == .moneyOutOfRange)
        // In range alone, but quantity × cost past the bound.
        #expect(Self.code(Self.receipt(quantity: 1_000_000, cost: 10_000_000)) == .moneyOutOfRange)
    }

    @Test(
        "ids with control characters, outer spaces, nothing or too much are refused",
        arguments: [
            "A\u{0}B", "\u{0}", "S-A\n", " S-A", "S-A ", "", String(repeating: "x", count: 65), "A\u{202E}B", "A\u{7F}",
        ])
    func badIds(_ id: String) {
        #expect(Self.code(Self.receipt(sku: SKU(id))) == .badIdentifier)
        #expect(!IdentifierAlphabet.isValid(id))
    }

    @Test(
        "ids in any script are fine",
        arguments: ["王丽", "S-01", "SKU 7/B", "Ürün-1", "كتاب", String(repeating: "字", count: 64)])
    func goodIds(_ id: String) {
        #expect(IdentifierAlphabet.isValid(id))
        #expect(Self.code(Self.receipt(sku: SKU(id))) == nil)
    }

    @Test("a 10 MB text or a NUL in a note is refused")
    func texts() {
        let huge = String(repeating: "a", count: 10_000_000)
        let rejected = Self.event(
            .returnRejected(at: Instant(millis: Self.now), reason: huge), on: .returnOrder("RT-1"))
        #expect(Self.code(rejected) == .badText)
        let nul = Self.event(.returnApproved(at: Instant(millis: Self.now), note: "ok\u{0}"), on: .returnOrder("RT-1"))
        #expect(Self.code(nul) == .badText)
        let multiline = Self.event(
            .returnApproved(at: Instant(millis: Self.now), note: "第一行\n第二行\t✓"), on: .returnOrder("RT-1"))
        #expect(Self.code(multiline) == nil)
    }

    @Test("a clock years ahead, or a business date ahead, is refused")
    func clocks() {
        let years = Self.now + 3 * 365 * Instant.millisPerDay
        #expect(
            Self.code(Self.event(.returnClosed(at: Instant(millis: Self.now)), on: .returnOrder("RT-1"), wall: years))
                == .clockAhead)
        #expect(
            Self.code(Self.event(.returnClosed(at: Instant(millis: years)), on: .returnOrder("RT-1"))) == .clockAhead)
        #expect(
            Self.code(Self.event(.returnClosed(at: Instant(millis: Self.now)), on: .returnOrder("RT-1"), wall: .max))
                == .clockAhead)
        // Within the tolerance.
        #expect(
            Self.code(
                Self.event(
                    .returnClosed(at: Instant(millis: Self.now)), on: .returnOrder("RT-1"), wall: Self.now + 3_600_000))
                == nil)
    }

    @Test("seqs past 2^53 are refused", arguments: [Limits.maxSeq + 1, UInt64(Int64.max), UInt64.max, 0])
    func seqs(_ seq: UInt64) {
        #expect(
            Self.code(Self.event(.returnClosed(at: Instant(millis: Self.now)), on: .returnOrder("RT-1"), seq: seq))
                == .sequenceOutOfRange)
    }

    @Test("a payload that names another record than its event is refused")
    func ownRecord() {
        let c = DomainEvent.customerRegistered(Customer(id: "C-1", name: "王丽"))
        #expect(Self.code(Self.event(c, on: .customer("C-2"))) == .inconsistent)
    }

    @Test("a sale whose tenders do not pay its lines is refused")
    func saleTenders() {
        let sale = Sale(
            id: "R-A-1", store: "S-A", customer: nil, soldAt: Instant(millis: Self.now), currency: Self.eur,
            lines: [
                SaleLine(
                    line: 1, sku: "SKU-1", quantity: 1, unitPrice: Money(100, Self.eur), unitCost: Money(50, Self.eur),
                    vatRate: VATRate(basisPoints: 1300))
            ],
            tenders: [TenderPayment(tender: .cash, amount: Money(1_000_000, Self.eur))])
        #expect(Self.code(Self.event(.saleRecorded(sale), on: .sale("R-A-1"))) == .inconsistent)
    }

    @Test("a change set whose seqs would run past UInt64 is refused without trapping")
    func changeSetSeqOverflow() {
        let e = Self.event(.returnClosed(at: Instant(millis: Self.now)), on: .returnOrder("RT-1"), seq: .max)
        #expect(throws: ReplicationError.self) { try ChangeSet(node: "S-A-1", events: [e]).validate(maxEvents: 10) }
    }
}
