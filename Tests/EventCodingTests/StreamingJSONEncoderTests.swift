import Foundation
import Replication
import ReturnsDomain
import Testing

@testable import EventCoding

@Suite struct StreamingJSONEncoderTests {
    static let eur = Currency("EUR")

    static var events: [Event] {
        let sale = Sale(
            id: "R-\"quoted\"\n", store: "S-A", customer: nil, soldAt: Instant(millis: 5), currency: eur,
            lines: [
                SaleLine(
                    line: 1, sku: "SKU-é", quantity: 2, unitPrice: Money(-1, eur), unitCost: Money(0, eur),
                    vatRate: VATRate(basisPoints: 1300), lot: "L\t1", serials: ["a", "b\\c"])
            ], tenders: [])
        let request = ReturnRequest(
            id: "RT-1", store: "S-A", sale: nil, saleStore: nil, customer: "C-1", type: .exchange, method: .courier,
            currency: eur, lines: [], requestedAt: Instant(millis: 9), restockingFee: Money(0, eur),
            trackingNumber: "\u{1}ctl", policyNotes: ["x"])
        let payloads: [DomainEvent] = [
            .saleRecorded(sale), .returnRequested(request), .returnApproved(at: Instant(millis: 1), note: nil),
            .returnDisposed(
                at: Instant(millis: 2),
                dispositions: [
                    LineDisposition(
                        line: 1, quantity: 1, disposition: .refurbish(unitValue: Money(5, eur), disclosure: "ok")),
                    LineDisposition(line: 1, quantity: 1, disposition: .restock),
                ]),
            .policySet(store: nil, policy: .standard(currency: eur)),
            .repairCompleted(
                at: Instant(millis: 3), outcome: .unrepairable(reason: "🔥"), totalCost: Money(Int64.max, eur)),
        ]
        return payloads.enumerated().map { i, p in
            Event(
                dot: Dot(node: "n", seq: UInt64(i + 1)), record: RecordKey(p.recordKind, "k"),
                context: VersionVector([NodeID("a"): 3, NodeID("b"): UInt64.max]),
                hlc: HLCTimestamp(wall: -4, logical: 7), staff: "s", payload: p)
        }
    }

    @Test("what it writes, Foundation's JSONDecoder reads back to an equal value")
    func roundTrip() throws {
        for e in Self.events {
            let data = try StreamingJSONEncoder.encode(e)
            #expect(try JSONDecoder().decode(Event.self, from: data) == e, "\(String(decoding: data, as: UTF8.self))")
            // And it is valid JSON by Foundation's own parser.
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil)
        }
    }

    @Test("it writes the same JSON as Foundation's encoder, key for key")
    func sameAsFoundation() throws {
        for e in Self.events {
            let ours = try JSONSerialization.jsonObject(with: try StreamingJSONEncoder.encode(e)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(e)) as? NSDictionary
            #expect(ours == theirs)
        }
    }
}
