import Foundation
import Replication
import ReturnsDomain
import Testing

@testable import EventCoding

/// `EventJSON` writes by hand what `StreamingJSONEncoder` writes through Codable: the same bytes
/// for every payload, with and without its optional fields.
@Suite struct EventJSONTests {
    static let eur = Currency("EUR")
    static let m = Money(1_234, eur)
    static let at = Instant(millis: 1_700_000_000_000)

    static var payloads: [DomainEvent] {
        let line = SaleLine(
            line: 1, sku: "SKU-\"1\"", quantity: 2, unitPrice: m, unitCost: Money(-5, eur),
            vatRate: VATRate(basisPoints: 1900), lot: "L\t7", serials: ["SN-1", "SN-2"])
        let bare = SaleLine(
            line: 2, sku: "SKU-é", quantity: 1, unitPrice: m, unitCost: m, vatRate: VATRate(basisPoints: 0))
        let sale = Sale(
            id: "R-S1-1", store: "S1", customer: "C-1", soldAt: at, currency: eur, lines: [line, bare],
            tenders: [
                TenderPayment(tender: .card, amount: m, reference: "AUTH-1"), TenderPayment(tender: .cash, amount: m),
            ])
        let anonymous = Sale(
            id: "R-S1-2", store: "S1", customer: nil, soldAt: at, currency: eur, lines: [], tenders: [])
        let rline = ReturnLine(
            line: 1, saleLine: 1, sku: "SKU-1", quantity: 1, unitRefund: m, unitCost: m,
            vatRate: VATRate(basisPoints: 1900), reason: .sizeOrFit, condition: .openedComplete, lot: "L",
            serials: ["SN-1"])
        let rbare = ReturnLine(
            line: 2, saleLine: nil, sku: "SKU-2", quantity: 3, unitRefund: m, unitCost: m,
            vatRate: VATRate(basisPoints: 700), reason: .defective, condition: .damaged)
        let request = ReturnRequest(
            id: "RT-1", store: "S2", sale: "R-S1-1", saleStore: "S1", customer: "C-1", type: .exchange,
            method: .courier, currency: eur, lines: [rline, rbare], requestedAt: at, restockingFee: Money(0, eur),
            trackingNumber: "TRK\u{1}", policyNotes: ["policy.fee", "x\\y"])
        let receiptless = ReturnRequest(
            id: "RT-2", store: "S2", sale: nil, saleStore: nil, customer: nil, type: .refund, method: .counter,
            currency: eur, lines: [rbare], requestedAt: at, restockingFee: m)
        let order = RepairOrder(
            id: "RO-1", returnID: "RT-1", store: "S2", sku: "SKU-1", quantity: 1, unitCost: m, technician: "T-1",
            openedAt: at)
        return [
            .productDefined(
                Product(
                    sku: "SKU-1", name: "Kettle \"Pro\"", model: "K1", category: "kitchen", unitPrice: m, unitCost: m,
                    vatRate: VATRate(basisPoints: 1900), serialTracked: true, lotTracked: false, returnable: true,
                    vendor: "V-1")),
            .productDefined(
                Product(
                    sku: "SKU-2", name: "Soap", category: "beauty", unitPrice: m, unitCost: m,
                    vatRate: VATRate(basisPoints: 700), returnable: false)),
            .storeDefined(Store(id: "S1", name: "Main street", kind: .branch, currency: eur)),
            .policySet(store: "S1", policy: .standard(currency: eur)),
            .policySet(store: nil, policy: .standard(currency: eur)),
            .reorderPointSet(ReorderPoint(store: "S1", sku: "SKU-1", minimum: 4)),
            .customerRegistered(Customer(id: "C-1", name: "Ann", phone: "+49 1", email: "a@example.com")),
            .customerRegistered(Customer(id: "C-2")),
            .customerFieldChanged(customer: "C-1", field: .phone, value: "555"),
            .customerFieldChanged(customer: "C-1", field: .email, value: nil),
            .inventoryReceived(
                InventoryReceipt(store: "S1", sku: "SKU-1", quantity: 24, unitCost: m, vendor: "V-1", receivedAt: at)),
            .inventoryReceived(InventoryReceipt(store: "S1", sku: "SKU-1", quantity: 1, unitCost: m, receivedAt: at)),
            .stockCounted(
                StockCount(
                    store: "S1", location: .pendingInspection, sku: "SKU-1", expected: 3, counted: -1, unitCost: m,
                    countedAt: at)),
            .saleRecorded(sale), .saleRecorded(anonymous),
            .returnRequested(request), .returnRequested(receiptless),
            .returnApproved(at: at, note: "policy allows"), .returnApproved(at: at, note: nil),
            .returnRejected(at: at, reason: "worn"),
            .returnReceived(at: at, trackingNumber: "TRK"), .returnReceived(at: at, trackingNumber: nil),
            .returnInspected(
                at: at,
                grades: [
                    LineGrade(line: 1, grade: .vendorDefect, quantity: 1, notes: "scratch"),
                    LineGrade(line: 2, grade: .a, quantity: 3),
                ]),
            .returnDisposed(
                at: at,
                dispositions: [
                    LineDisposition(line: 1, quantity: 1, disposition: .restock),
                    LineDisposition(line: 1, quantity: 1, disposition: .refurbish(unitValue: m, disclosure: "B")),
                    LineDisposition(line: 2, quantity: 1, disposition: .repair(order: "RO-1", technician: "T")),
                    LineDisposition(line: 2, quantity: 1, disposition: .scrap(reason: "broken")),
                    LineDisposition(line: 2, quantity: 1, disposition: .returnToVendor(vendor: "V-1", rma: "RMA-1")),
                    LineDisposition(line: 2, quantity: 1, disposition: .returnToVendor(vendor: "V-1", rma: nil)),
                ]),
            .refundIssued(
                Refund(
                    gross: m, restockingFee: Money(0, eur),
                    allocations: [
                        RefundAllocation(tender: .card, amount: m, reference: "AUTH-1"),
                        RefundAllocation(tender: .storeCredit, amount: m),
                    ], refundedAt: at)),
            // Numbered, as a node records it since credit notes (its number is written last).
            .refundIssued(
                Refund(
                    gross: m, restockingFee: Money(0, eur),
                    allocations: [RefundAllocation(tender: .cash, amount: m)], refundedAt: at,
                    creditNote: "CN-S-1-000042")),
            .exchangeCompleted(
                Exchange(
                    returnedValue: m, restockingFee: m,
                    outLines: [
                        ExchangeLine(
                            sku: "SKU-3", quantity: 1, unitPrice: m, unitCost: m, vatRate: VATRate(basisPoints: 1900),
                            serials: ["SN-9"])
                    ], difference: Money(-100, eur), settlementTender: .cash, exchangedAt: at)),
            .returnClosed(at: at),
            .repairOpened(order),
            .repairProgressed(at: at, status: .inProgress, parts: [RepairPart(name: "fuse", cost: m)], laborCost: m),
            .repairCompleted(at: at, outcome: .repaired(resalePrice: m), totalCost: m),
            .repairCompleted(at: at, outcome: .unrepairable(reason: "🔥"), totalCost: Money(Int64.min + 1, eur)),
            .storeCreditAdjusted(customer: "C-1", store: "S1", amount: Money(-500, eur), memo: "goodwill", at: at),
        ]
    }

    static func events(context: VersionVector) -> [Event] {
        payloads.enumerated().map { i, p in
            Event(
                dot: Dot(node: "N-1", seq: UInt64(i + 1)), record: RecordKey(p.recordKind, "k-\(i)"), context: context,
                hlc: HLCTimestamp(wall: -4, logical: UInt32(i)), staff: "desk \"1\"", payload: p)
        }
    }

    @Test("the hand-written shapes match the types")
    func current() { #expect(EventJSON.isCurrent) }

    @Test("the same bytes as StreamingJSONEncoder for every payload (contexts of at most one entry)")
    func sameBytes() throws {
        for context in [VersionVector(), VersionVector([NodeID("N-2"): UInt64.max])] {
            for e in Self.events(context: context) {
                let ours = String(decoding: try EventJSON.encode(e), as: UTF8.self)
                let reference = String(decoding: try StreamingJSONEncoder.encode(e), as: UTF8.self)
                #expect(ours == reference)
            }
        }
    }

    @Test("JSONDecoder reads it back to an equal event, also with a context of many entries")
    func roundTrip() throws {
        let context = VersionVector([NodeID("b"): 3, NodeID("a"): 9, NodeID("c"): 1])
        for e in Self.events(context: context) {
            let data = try EventJSON.encode(e)
            #expect(try JSONDecoder().decode(Event.self, from: data) == e, "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
