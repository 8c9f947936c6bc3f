import Foundation
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// SplitMix64, seeded: the same workload on every machine.
struct NodeWorkloadRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &self) }
}

@Suite struct ProjectionPropertyTests {
    /// Random desk work, valid and invalid, then the maintained tables must equal a rebuild from the events.
    @Test("after random desk work, the maintained projections equal a rebuild from the events", arguments: 1...6)
    func projectionsEqualRebuild(seed: Int) async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        var rng = NodeWorkloadRNG(state: UInt64(seed))
        var sales: [SaleID] = []
        var returns: [ReturnID] = []
        var refused = 0
        for i in 0..<60 {
            do {
                switch rng.int(0...9) {
                case 0...2:
                    let sale = f.sale(
                        "R-\(seed)-\(i)", sku: ["SKU-1", "SKU-2"][rng.int(0...1)], quantity: rng.int(1...3))
                    _ = try await f.service.recordSale(sale, staff: f.staff)
                    sales.append(sale.id)
                case 3...4:
                    guard let sale = sales.randomElement(using: &rng) else { continue }
                    let r = try await f.service.createReturn(
                        CreateReturnCommand(
                            sale: sale,
                            lines: [
                                RequestedLine(
                                    saleLine: 1, quantity: rng.int(1...2),
                                    reason: [.defective, .changedMind][rng.int(0...1)], condition: .unopened)
                            ]), staff: f.staff)
                    returns.append(r.id)
                default:
                    guard let id = returns.randomElement(using: &rng) else { continue }
                    let view = try await f.service.read { try $0.returnView(id) }!
                    let step: NodeService.Step
                    switch view.status {
                    case .requested: step = rng.int(0...3) == 0 ? .reject(reason: "worn") : .approve(note: nil)
                    case .approved: step = .receive(trackingNumber: nil)
                    case .received:
                        let g: Grade = [.a, .b, .d, .vendorDefect][rng.int(0...3)]
                        step = .inspect(
                            grades: view.request.lines.map { LineGrade(line: $0.line, grade: g, quantity: $0.quantity) }
                        )
                    case .inspected:
                        step = .dispose(
                            dispositions: view.grades.map { g in
                                let d: Disposition =
                                    switch g.grade {
                                    case .a: .restock
                                    case .b:
                                        .refurbish(unitValue: Money(1_000, NodeFixture.eur), disclosure: "scratched")
                                    case .d: .scrap(reason: "broken")
                                    default: .returnToVendor(vendor: "V-1", rma: nil)
                                    }
                                return LineDisposition(line: g.line, quantity: g.quantity, disposition: d)
                            })
                    case .disposed:
                        step =
                            rng.int(0...2) == 0
                            ? .exchange(items: [ExchangeItem(sku: "SKU-2", quantity: 1)], settlement: .cash)
                            : .refund(method: [.originalTender, .cash, .storeCredit(customer: nil)][rng.int(0...2)])
                    case .refunded, .exchanged, .rejected: step = .close
                    case .closed: step = .approve(note: "illegal on purpose")
                    }
                    _ = try await f.service.advance(id, step, staff: f.staff)
                }
            } catch is DomainError {
                refused += 1
            }
        }
        let report = try f.service.database.verify()
        #expect(report.isOK, "seed \(seed): \(report.mismatches.prefix(5))")
        #expect(
            report.events > 40 && refused < 30,
            "seed \(seed): the workload must mostly succeed (\(report.events) events, \(refused) refused)")
        let ledger = try await f.service.read { try $0.ledger() }
        #expect(ledger.values.reduce(0, +) == 0, "trial balance")
    }

    @Test("events from another node are taken in idempotently; a different event under a known dot is refused")
    func receiveRemote() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        let other = NodeID("S-B-x")
        let sale = Sale(
            id: "R-B-1", store: "S-B", customer: "C-1", soldAt: Instant.date(2026, 11, 1), currency: NodeFixture.eur,
            lines: [
                SaleLine(
                    line: 1, sku: "SKU-1", quantity: 1, unitPrice: Money(5_000, NodeFixture.eur),
                    unitCost: Money(3_000, NodeFixture.eur), vatRate: VATRate(basisPoints: 2000))
            ], tenders: [TenderPayment(tender: .cash, amount: Money(5_000, NodeFixture.eur))])
        let e = Event(
            dot: Dot(node: other, seq: 1), record: .sale("R-B-1"), context: VersionVector(),
            hlc: HLCTimestamp(wall: 1_000), staff: "b", payload: .saleRecorded(sale))
        let db = f.service.database
        let identity = f.service.identity
        let outcomes = try await db.transaction { conn in
            let log = EventLog(conn, identity: identity)
            var forged = e
            forged.staff = "mallory"
            let outcomes = [
                try log.receive(e, now: 2_000), try log.receive(e, now: 2_000), try log.receive(forged, now: 2_000),
            ]
            try log.flush()
            return outcomes
        }
        #expect(outcomes == [.applied, .duplicate, .conflictingDot])
        // A cross-store return against the pulled sale works on this node.
        let r = try await f.service.createReturn(
            CreateReturnCommand(
                sale: "R-B-1",
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .defective, condition: .unopened)]),
            staff: f.staff)
        #expect(r.request.saleStore == nil || r.request.saleStore == "S-B")
        let stock = try await f.service.read { try $0.stock(sku: "SKU-1") }
        #expect(stock.contains { $0.store == "S-B" && $0.location == .sellable && $0.quantity == -1 })
        #expect(try db.verify().isOK)
        let (events, outbox) = try await f.counts()
        #expect(events == outbox + 1, "the pulled event is not in this node's outbox")
    }
}
