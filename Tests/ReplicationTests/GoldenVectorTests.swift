import Foundation
import Replication
import ReturnsDomain
import Testing

/// Golden vectors in Protocol/vectors: inputs and the results they must give, in JSON, so that
/// another implementation can check itself against the same files. Set RETURNSYNC_WRITE_VECTORS=1
/// to rewrite the fold vectors from the scenarios below (then review the diff by hand).
@Suite struct GoldenVectorTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Protocol/vectors").standardizedFileURL

    struct VectorComparison: Codable {
        var a: VersionVector
        var b: VersionVector
        var order: CausalOrder
        var merged: VersionVector
    }

    @Test("version-vector comparisons match Protocol/vectors/version-vectors.json")
    func versionVectors() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("version-vectors.json"))
        let cases = try JSONDecoder().decode([VectorComparison].self, from: data)
        #expect(cases.count >= 8)
        for c in cases {
            #expect(c.a.compare(c.b) == c.order, "\(c.a) vs \(c.b)")
            #expect(c.a.merged(with: c.b) == c.merged)
        }
    }

    struct FoldVector: Codable {
        struct StockRow: Codable, Equatable {
            var store: String; var location: String; var sku: String; var quantity: Int
        }
        struct ReturnableRow: Codable, Equatable { var sale: String; var line: Int; var quantity: Int }
        struct StatusRow: Codable, Equatable { var id: String; var status: String }
        struct AmountRow: Codable, Equatable { var key: String; var currency: String; var minor: Int64 }
        struct Expect: Codable, Equatable {
            var stock: [StockRow]
            var returnable: [ReturnableRow]
            var returns: [StatusRow]
            var exceptions: [String]
            var storeCredit: [AmountRow]
            var ledger: [AmountRow]
        }
        var name: String
        var description: String
        var events: [Event]
        var expect: Expect
    }

    static func expectation(of state: ReplicaState) -> FoldVector.Expect {
        FoldVector.Expect(
            stock: state.stock.sorted { $0.key < $1.key }.map {
                .init(
                    store: $0.key.store.rawValue, location: $0.key.location.rawValue, sku: $0.key.sku.rawValue,
                    quantity: $0.value)
            },
            returnable: state.sold.keys.sorted().map {
                .init(
                    sale: $0.sale.rawValue, line: $0.line,
                    quantity: state.returnableQuantity(sale: $0.sale, line: $0.line))
            },
            returns: state.records.keys.sorted().compactMap { k in
                state.records[k]?.returnOrder.map { .init(id: k.id, status: $0.status.rawValue) }
            },
            exceptions: state.exceptions.map(\.id),
            storeCredit: state.storeCredit.sorted { $0.key < $1.key }.map {
                .init(key: $0.key.customer.rawValue, currency: $0.key.currency.rawValue, minor: $0.value)
            },
            ledger: state.ledger.sorted { $0.key < $1.key }.map {
                .init(key: $0.key.account.rawValue, currency: $0.key.currency.rawValue, minor: $0.value)
            })
    }

    /// The scenarios written to folds.json.
    static func scenarios() -> [(String, String, [Event])] {
        let a = NodeID("node-A")
        let b = NodeID("node-B")
        let at = ScenarioBuilder.at
        let ret = RecordKey.returnOrder("RT-1")
        var out: [(String, String, [Event])] = []

        var s = ScenarioBuilder()
        let sale = s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 2)))
        var seen = [sale, s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A", fee: 500)))]
        for p: DomainEvent in [
            .returnApproved(at: at, note: nil), .returnReceived(at: at, trackingNumber: nil),
            .returnInspected(at: at, grades: [LineGrade(line: 1, grade: .b, quantity: 1)]),
            .returnDisposed(
                at: at,
                dispositions: [
                    LineDisposition(
                        line: 1, quantity: 1,
                        disposition: .refurbish(unitValue: Money(2_000, ScenarioBuilder.eur), disclosure: "box damaged")
                    )
                ]), .refundIssued(ScenarioBuilder.refund(4_500, fee: 500)), .returnClosed(at: at),
        ] {
            seen.append(s.author(a, ret, p, seen: seen))
        }
        out.append(
            (
                "full-lifecycle",
                "a sale of 2, one returned with a 5.00 restocking fee, graded B and refurbished at 20.00, refunded to card, closed",
                s.events
            ))

        s = ScenarioBuilder()
        let req = s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A", sale: nil)))
        s.author(a, ret, .returnApproved(at: at, note: nil), seen: [req])
        s.author(b, ret, .returnRejected(at: at, reason: "no receipt"), seen: [req])
        out.append(
            (
                "approve-vs-reject",
                "node-A approves while node-B rejects the same receipt-less return: the earlier (HLC) approve wins, a conflict is raised",
                s.events
            ))

        s = ScenarioBuilder()
        let one = s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 1)))
        s.author(a, .returnOrder("RT-A"), .returnRequested(ScenarioBuilder.request("RT-A", store: "S-A")), seen: [one])
        s.author(b, .returnOrder("RT-B"), .returnRequested(ScenarioBuilder.request("RT-B", store: "S-B")), seen: [one])
        out.append(
            (
                "over-return",
                "two stores, both offline, each take back the single unit sold: both returns stand, an over-return is raised",
                s.events
            ))
        return out
    }

    @Test("every event set in Protocol/vectors/folds.json folds to the recorded state, in any order")
    func folds() throws {
        let url = Self.folder.appendingPathComponent("folds.json")
        if ProcessInfo.processInfo.environment["RETURNSYNC_WRITE_VECTORS"] == "1" {
            let vectors = Self.scenarios().map {
                FoldVector(name: $0.0, description: $0.1, events: $0.2, expect: Self.expectation(of: .fold($0.2)))
            }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .prettyPrinted]
            try e.encode(vectors).write(to: url)
        }
        let vectors = try JSONDecoder().decode([FoldVector].self, from: Data(contentsOf: url))
        #expect(vectors.count >= 3)
        for v in vectors {
            #expect(Self.expectation(of: .fold(v.events)) == v.expect, "\(v.name)")
            #expect(Self.expectation(of: .fold(v.events.reversed())) == v.expect, "\(v.name) reversed")
        }
    }
}
