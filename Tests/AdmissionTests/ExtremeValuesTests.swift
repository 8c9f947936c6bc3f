import Admission
import Foundation
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// Events with extreme values, seeded: whatever admission lets through, the fold and the projection
/// deltas take without trapping (an overflow would end the test process). 20,000 cases by default;
/// `RETURNSYNC_FUZZ_CASES=1000000` for a long run outside CI.
@Suite struct ExtremeValuesTests {
    static let now = EventValuesTests.now
    static let cases = Int(ProcessInfo.processInfo.environment["RETURNSYNC_FUZZ_CASES"] ?? "") ?? 20_000

    /// Draws values from the edges of every range, and now and then an ordinary one.
    struct Draw {
        var rng: SeededRNG
        let eur = Currency("EUR")

        mutating func pick<T>(_ values: [T]) -> T { values[rng.int(0...(values.count - 1))] }
        /// An extreme one time in four, else an ordinary one: most events get through to the fold.
        mutating func edge() -> Bool { rng.chance(4) }
        mutating func int() -> Int {
            edge()
                ? pick([0, -1, Limits.maxQuantity, Limits.maxQuantity + 1, -Limits.maxQuantity, .max, .min])
                : rng.int(1...50)
        }
        mutating func minor() -> Int64 {
            edge()
                ? pick([0, -1, Limits.maxMoney, Limits.maxMoney + 1, Limits.maxMoney / 3, .max, .min])
                : Int64(rng.int(1...100_000))
        }
        mutating func money() -> Money { Money(minor(), rng.chance(40) ? Currency("USD") : eur) }
        mutating func bp() -> Int64 { edge() ? pick([0, 9_999, 10_000, 10_001, -1, .max, .min]) : 1300 }
        mutating func at() -> Instant {
            Instant(millis: edge() ? pick([0, -1, now + 2 * 86_400_000, .max, .min]) : now - 86_400_000)
        }
        mutating func text() -> String { edge() ? pick(["", "a\u{0}b", String(repeating: "x", count: 70)]) : "王丽" }
        mutating func id() -> String {
            edge() ? pick(["", "\u{7}", " x", String(repeating: "x", count: 65)]) : "SKU-1"
        }
        mutating func vat() -> VATRate { VATRate(basisPoints: bp()) }
        mutating func count(_ limit: Int = 3) -> Int { pick([0, 1, 1, 2, limit]) }

        mutating func saleLine(_ n: Int) -> SaleLine {
            SaleLine(
                line: pick([n, int()]), sku: SKU(id()), quantity: int(), unitPrice: money(), unitCost: money(),
                vatRate: vat(), serials: [])
        }
        mutating func returnLine(_ n: Int) -> ReturnLine {
            ReturnLine(
                line: pick([n, int()]), saleLine: pick([1, int()]), sku: SKU(id()), quantity: int(),
                unitRefund: money(),
                unitCost: money(), vatRate: vat(), reason: pick(ReasonCode.allCases),
                condition: pick(ItemCondition.allCases))
        }
        mutating func request() -> ReturnRequest {
            ReturnRequest(
                id: "RT-1", store: "S-A", sale: pick([nil, "R-1"]), saleStore: "S-A", customer: "C-1",
                type: pick([.refund, .exchange]),
                method: .counter, currency: eur, lines: (0..<count()).map { returnLine($0 + 1) }, requestedAt: at(),
                restockingFee: money())
        }
        mutating func disposition() -> Disposition {
            pick([
                .restock, .refurbish(unitValue: money(), disclosure: text()),
                .repair(order: RepairOrderID(id()), technician: text()),
                .scrap(reason: text()), .returnToVendor(vendor: VendorID(id()), rma: nil),
            ])
        }

        /// A payload of a random kind, and its record.
        mutating func payload() -> (DomainEvent, RecordKey) {
            switch rng.int(0...13) {
            case 0:
                let r = InventoryReceipt(
                    store: "S-A", sku: SKU(id()), quantity: int(), unitCost: money(), receivedAt: at())
                return (.inventoryReceived(r), RecordKey(.inventoryReceipt, "GR-1"))
            case 1:
                let c = StockCount(
                    store: "S-A", location: .sellable, sku: "SKU-1", expected: int(), counted: int(), unitCost: money(),
                    countedAt: at())
                return (.stockCounted(c), RecordKey(.stockCount, "SC-1"))
            case 2:
                let lines = (0..<count()).map { saleLine($0 + 1) }
                let total = lines.reduce(Int64(0)) {
                    $0 &+ $1.unitPrice.minor &* Int64(truncatingIfNeeded: $1.quantity)
                }
                let sale = Sale(
                    id: "R-1", store: "S-A", customer: "C-1", soldAt: at(), currency: eur, lines: lines,
                    tenders: [TenderPayment(tender: pick(Tender.allCases), amount: pick([Money(total, eur), money()]))])
                return (.saleRecorded(sale), .sale("R-1"))
            case 3: return (.returnRequested(request()), .returnOrder("RT-1"))
            case 4:
                let grades = (0..<count()).map { _ in
                    LineGrade(line: pick([1, int()]), grade: pick(Grade.allCases), quantity: int())
                }
                return (.returnInspected(at: at(), grades: grades), .returnOrder("RT-1"))
            case 5:
                let d = (0..<count()).map { _ in
                    LineDisposition(line: pick([1, int()]), quantity: int(), disposition: disposition())
                }
                return (.returnDisposed(at: at(), dispositions: d), .returnOrder("RT-1"))
            case 6:
                let refund = Refund(
                    gross: money(), restockingFee: money(),
                    allocations: (0..<count()).map { _ in
                        RefundAllocation(tender: pick(Tender.allCases), amount: money())
                    }, refundedAt: at())
                return (.refundIssued(refund), .returnOrder("RT-1"))
            case 7:
                let out = (0..<count()).map { _ in
                    ExchangeLine(sku: SKU(id()), quantity: int(), unitPrice: money(), unitCost: money(), vatRate: vat())
                }
                let x = Exchange(
                    returnedValue: money(), restockingFee: money(), outLines: out, difference: money(),
                    settlementTender: .card,
                    exchangedAt: at())
                return (.exchangeCompleted(x), .returnOrder("RT-1"))
            case 8:
                let o = RepairOrder(
                    id: "RO-1", returnID: "RT-1", store: "S-A", sku: "SKU-1", quantity: int(), unitCost: money(),
                    technician: text(), openedAt: at())
                return (.repairOpened(o), .repairOrder("RO-1"))
            case 9:
                let parts = (0..<count()).map { _ in RepairPart(name: text(), cost: money()) }
                return (
                    .repairProgressed(at: at(), status: .inProgress, parts: parts, laborCost: money()),
                    .repairOrder("RO-1")
                )
            case 10:
                return (
                    .repairCompleted(
                        at: at(), outcome: pick([.repaired(resalePrice: money()), .unrepairable(reason: text())]),
                        totalCost: money()),
                    .repairOrder("RO-1")
                )
            case 11:
                return (
                    .storeCreditAdjusted(customer: "C-1", store: "S-A", amount: money(), memo: text(), at: at()),
                    .storeCredit("C-1")
                )
            case 12:
                let p = Product(
                    sku: "SKU-1", name: text(), category: text(), unitPrice: money(), unitCost: money(), vatRate: vat())
                return (.productDefined(p), .product("SKU-1"))
            default:
                var policy = ReturnPolicy.standard(currency: eur)
                policy.restockingFee = pick([.percent(basisPoints: bp()), .fixed(money()), .none])
                policy.noReasonWindowDays = int()
                policy.approvalThreshold = pick([nil, money()])
                return (.policySet(store: "S-A", policy: policy), RecordKey(.policy, "S-A"))
            }
        }
    }

    @Test("admitted events fold and project without trapping, whatever their values")
    func noTraps() throws {
        var draw = Draw(rng: SeededRNG(state: 17))
        var admitted = 0
        var history: [RecordKey: [Event]] = [:]
        var seq: UInt64 = 0
        for _ in 0..<Self.cases {
            let (payload, record) = draw.payload()
            seq += 1
            var context = VersionVector()
            for e in history[record] ?? [] { context.record(e.dot) }
            let event = Event(
                dot: Dot(node: "S-A-1", seq: seq), record: record, context: context,
                hlc: HLCTimestamp(wall: draw.edge() ? draw.pick([.max, -1]) : Self.now), staff: "王丽", payload: payload)
            guard (try? AdmissionRules.checkValues(event, now: Self.now)) != nil else { continue }
            admitted += 1
            // The record with this event on top of the (admitted) ones before it, kept short.
            let events = Array((history[record] ?? []).suffix(6)) + [event]
            history[record] = events
            let old = RecordFold.fold(key: record, events: Array(events.dropLast()))
            let new = RecordFold.fold(key: record, events: events)
            var delta = ProjectionDelta()
            try delta.add(old: old, new: new)
            _ = delta.sortedLedger
        }
        print("extreme values: \(admitted) of \(Self.cases) events admitted and folded")
        #expect(
            admitted > Self.cases / 10,
            "the generator must reach the fold often (\(admitted) of \(Self.cases) admitted)")
    }
}
