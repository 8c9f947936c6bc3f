import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// A till cannot stop its node: amounts and quantities at the edge of 64 bits are refused with a
/// problem, nothing is written, and the node answers the next request.
@Suite("Extreme values are refused, never a crash")
struct ExtremeValueTests {
    static let huge: [Int64] = [Int64.max, Int64.max / 2, 1 << 62, Int64.min]

    @Test("a sale priced near 2^63 is refused", arguments: huge)
    func sale(price: Int64) async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            var sale = Seed.sale("S1-0001", quantity: 4)
            sale.lines[0].unitPrice = Seed.money(price)
            sale.tenders = [TenderPayment(tender: .card, amount: Seed.money(price))]
            try await node.expectNothingWritten {
                let answer = try await client.send(.post, "sales", json: sale)
                #expect(answer.status == .unprocessableContent, "\(answer.text)")
            }
            expectStatus(try await client.get("sales/S1-0001"), .notFound)
        }
    }

    @Test("goods received and store credit near 2^63 are refused")
    func stockAndCredit() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            expectStatus(
                try await client.send(
                    .post, "customers/C1/store-credit",
                    json: StoreCreditAdjustmentBody(amount: Seed.money(100), memo: "goodwill")),
                .ok)
            try await node.expectNothingWritten {
                for quantity in [Int.max, Int.max / 2, 1 << 62] {
                    let receipt = InventoryReceiptBody(sku: "KETTLE", quantity: quantity)
                    let answer = try await client.send(.post, "inventory/receipts", json: receipt)
                    #expect(answer.status == .unprocessableContent)
                }
                for amount in Self.huge {
                    let body = StoreCreditAdjustmentBody(amount: Seed.money(amount), memo: "x")
                    let answer = try await client.send(.post, "customers/C1/store-credit", json: body)
                    #expect(answer.status == .unprocessableContent, "\(answer.text)")
                }
            }
        }
    }

    @Test("returns and exchanges with quantities or refunds near 2^63 are refused")
    func returnsAndExchanges() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                for quantity in [Int.max, 1 << 62, 4] {
                    let command = CreateReturnCommand(
                        sale: "S1-0001",
                        lines: [
                            RequestedLine(saleLine: 1, quantity: quantity, reason: .defective, condition: .unopened)
                        ])
                    let answer = try await client.send(.post, "returns", json: command)
                    #expect(answer.status.code >= 400)
                    let receiptless = CreateReturnCommand(
                        sale: nil, customer: "C1",
                        lines: [
                            RequestedLine(
                                sku: "KETTLE", quantity: quantity, reason: .defective, condition: .unopened,
                                unitRefund: Seed.money(1 << 62))
                        ])
                    let refused = try await client.send(.post, "returns", json: receiptless)
                    #expect(refused.status.code >= 400)
                }
            }
            // An exchange of one kettle for an absurd number of toasters.
            let command = CreateReturnCommand(
                sale: "S1-0001", type: .exchange,
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .defective, condition: .unopened)])
            let created = try await client.send(.post, "returns", json: command)
            let id = try created.decode(ReturnView.self).id
            _ = try await client.send(.post, "returns/\(id)/receive", raw: "{}")
            // Grades whose quantities would overflow a sum.
            let big = Int.max
            let grades =
                #"{"grades":[{"line":1,"grade":"a","quantity":\#(big)},{"line":1,"grade":"b","quantity":\#(big)}]}"#
            let graded = try await client.send(.post, "returns/\(id)/inspect", raw: grades)
            #expect(graded.status == .unprocessableContent, "\(graded.text)")
            _ = try await client.send(
                .post, "returns/\(id)/inspect", raw: #"{"grades":[{"line":1,"grade":"a","quantity":1}]}"#)
            let dispositions =
                #"{"dispositions":[{"line":1,"quantity":\#(big),"disposition":{"restock":{}}},{"line":1,"quantity":\#(big),"disposition":{"restock":{}}}]}"#
            let disposed = try await client.send(.post, "returns/\(id)/dispose", raw: dispositions)
            #expect(disposed.status == .unprocessableContent, "\(disposed.text)")
            for quantity in [Int.max, 1 << 62] {
                let exchange = ExchangeBody(
                    items: [ExchangeItem(sku: "TOASTER", quantity: quantity)], settlement: .card)
                let answer = try await client.send(.post, "returns/\(id)/exchange", json: exchange)
                #expect(answer.status.code >= 400 && answer.status.code < 500, "\(answer.text)")
            }
            expectStatus(try await client.get("returns/\(id)"), .ok)
        }
    }
}

/// `/healthz` writes to the replica, so a node that cannot record a return does not say it is ok.
@Suite("The node's health check writes")
struct NodeHealthTests {
    @Test("healthz is ok while the database takes writes, 503 node.storageUnavailable when it cannot")
    func probe() async throws {
        let node = try await NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        let app = Application(router: buildNodeRouter(service: node.service))
        try await app.test(.router) { client in
            expectStatus(try await client.get("healthz"), .ok)
            let probe = try await node.service.database.writer.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'health.probe'")
            }
            #expect(probe == String(NodeAPIFixture.now), "the probe wrote its row")
            try node.service.database.writer.close()
            let answer = try await client.get("healthz")
            expectProblem(answer, .serviceUnavailable, "node.storageUnavailable")
        }
    }

    @Test("a database that cannot be written answers 503 node.storageUnavailable, without SQLite's words")
    func unwritable() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            // As a full disk does: every write fails (SQLITE_READONLY here), reads still work.
            try await node.service.database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA query_only = 1")
            }
            try await node.expectNothingWritten {
                let answer = try await client.send(.post, "customers", raw: #"{"id": "C9", "name": "王丽"}"#)
                expectProblem(answer, .serviceUnavailable, "node.storageUnavailable")
                #expect(!answer.text.contains("SQLite") && !answer.text.contains("readonly"), "\(answer.text)")
            }
            expectStatus(try await client.get("stock"), .ok)
            try await node.service.database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA query_only = 0")
            }
            expectStatus(try await client.send(.post, "customers", raw: #"{"id": "C9", "name": "王丽"}"#), .created)
        }
    }

    @Test("ids with NUL or control characters are refused at the desk API, nothing written")
    func controlCharacters() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await node.expectNothingWritten {
                for id in ["C\u{0}9", "C\u{7}9", " C9", ""] {
                    let answer = try await client.send(
                        .post, "customers", json: Customer(id: CustomerID(id), name: "王丽"))
                    #expect(answer.status.code >= 400 && answer.status.code < 500, "\(answer.text)")
                }
                var sale = Seed.sale("S1-\u{0}1")
                sale.lines[0].lot = "L\u{0}"
                let answer = try await client.send(.post, "sales", json: sale)
                #expect(answer.status == .unprocessableContent, "\(answer.text)")
            }
        }
    }
}
