import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// The online shop without a node (issue 20, item 4): through the hub's API alone it records its
/// sales and walks its returns through every step; a return taken in at a store moves that
/// store's stock while the revenue is reversed where the sale was made (DESIGN §2).
@Suite("Hub API: the online channel's desk")
struct ChannelDeskTests {
    static let eur = HubFixture.eur
    static let kettle = StoreNode.kettle

    /// The hub's answer to a sale: the sale, and what is returnable of each line.
    struct SaleAnswer: Decodable {
        var sale: Sale
        var returnable: [String: Int]
    }

    /// The shop's calls: every change with an Idempotency-Key, and `X-Staff` when a person acts.
    struct Shop {
        let client: any TestClientProtocol
        let token: String

        func post(_ path: String, _ body: String?, key: String?, staff: String? = nil) async throws -> TestResponse {
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            if body != nil { headers[.contentType] = "application/json" }
            if let key { headers[.init("Idempotency-Key")!] = key }
            if let staff { headers[.init("X-Staff")!] = staff }
            return try await client.execute(
                uri: "/api/v1/\(path)", method: .post, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        /// One step of return `id`, expected to answer 200 with the return as it then stands.
        func step(
            _ id: ReturnID, _ action: String, _ body: String? = nil, key: String, staff: String? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> ReturnOrderState {
            let response = try await post("channel/returns/\(id)/\(action)", body, key: key, staff: staff)
            expectStatus(response, .ok, sourceLocation: sourceLocation)
            return try response.decode(ReturnOrderState.self, sourceLocation: sourceLocation)
        }
    }

    /// A hub with head office's catalog (the kettle) and a chain policy that asks a person to
    /// approve returns and refunds above 50 EUR; the shop `WEB` enrolled as an online channel.
    static func openShop(_ hub: HubFixture, _ client: any TestClientProtocol) async throws -> Shop {
        var policy = ReturnPolicy.standard(currency: eur)
        policy.approvalThreshold = Money(50_00, eur)
        try await hub.store.authorAsHub(
            [
                (.productDefined(kettle), .product(kettle.sku)),
                (.policySet(store: nil, policy: policy), RecordKey(.policy, ReturnIntake.chainDefaultPolicyID)),
            ], by: "hq", now: HubFixture.now)
        return Shop(client: client, token: try await hub.enroll("WEB-1", store: "WEB", role: .onlineChannel))
    }

    /// The shop's sale of two kettles yesterday, paid by card (the shop sends the cost, as a till does).
    static func webSale(_ id: SaleID) throws -> String {
        let line = SaleLine(
            line: 1, sku: kettle.sku, quantity: 2, unitPrice: kettle.unitPrice, unitCost: kettle.unitCost,
            vatRate: kettle.vatRate)
        return try jsonText(
            Sale(
                id: id, store: "WEB", customer: "C1", soldAt: Instant(millis: HubFixture.now).adding(days: -1),
                currency: eur, lines: [line], tenders: [TenderPayment(tender: .card, amount: line.gross)]))
    }

    /// A return of one kettle of `sale`, through the channel's API.
    static func webReturn(_ shop: Shop, sale: SaleID, key: String) async throws -> ChannelReturnReceipt {
        let body = try jsonText(
            ChannelReturnRequest(
                sale: sale,
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]))
        let response = try await shop.post("channel/returns", body, key: key)
        expectStatus(response, .created)
        return try response.decode(ChannelReturnReceipt.self)
    }

    /// Debits minus credits per account of one store's entries, each of which must balance.
    static func balances(_ hub: HubFixture, store: StoreID, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [Account: Int64]
    {
        var out: [Account: Int64] = [:]
        for entry in try await hub.store.state().journal(store: store) {
            #expect(entry.isBalanced, "\(entry.reference) at \(store)", sourceLocation: sourceLocation)
            for line in entry.lines { out[line.account, default: 0] += line.amount.minor }
        }
        return out.filter { $0.value != 0 }
    }

    static func stock(_ hub: HubFixture, _ store: StoreID) async throws -> [StockLocation: Int] {
        var out: [StockLocation: Int] = [:]
        for row in try await hub.store.state().stock(sku: kettle.sku, store: store) {
            out[row.location, default: 0] += row.quantity
        }
        return out
    }

    @Test(
        "the shop records a sale and walks its return to refunded and closed through the hub's API alone",
        arguments: HubBackend.all)
    func saleToRefund(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let shop = try await Self.openShop(hub, client)

            let sold = try await shop.post("channel/sales", try Self.webSale("W-1001"), key: "sale-W-1001")
            expectStatus(sold, .created)
            #expect(sold.headers[.location] == "/api/v1/sales/W-1001")
            let view = try sold.decode(SaleAnswer.self)
            #expect(view.sale.id == "W-1001" && view.sale.store == "WEB")
            #expect(view.returnable == ["1": 2])
            let again = try await shop.post("channel/sales", try Self.webSale("W-1001"), key: "sale-W-1001")
            expectStatus(again, .created)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            expectProblem(
                try await shop.post("channel/sales", try Self.webSale("W-1001"), key: "sale-again"), .conflict,
                "sale.duplicateReceipt")
            expectProblem(
                try await shop.post("channel/sales", try Self.webSale("W-1002"), key: nil), .unprocessableContent,
                "input.missingIdempotencyKey")

            let receipt = try await Self.webReturn(shop, sale: "W-1001", key: "return-1")
            #expect(receipt.status == .requested, "100 EUR is above the 50 EUR the policy lets through")
            let id = receipt.id

            expectProblem(
                try await shop.post("channel/returns/\(id)/approve", nil, key: "approve-1"), .unprocessableContent,
                "input.missingStaff")
            var state = try await shop.step(
                id, "approve", #"{"note":"customer is right"}"#, key: "approve-1", staff: "web.lin")
            #expect(state.status == .approved && state.steps.last?.staff == "web.lin")
            expectProblem(
                try await shop.post("channel/returns/\(id)/inspect", #"{"grades":[]}"#, key: "early"),
                .conflict,
                "return.illegalTransition")

            state = try await shop.step(id, "receive", #"{"trackingNumber":"SF123"}"#, key: "receive-1")
            #expect(state.status == .received && state.receivedAt == nil, "at the channel's own warehouse")
            #expect(try await Self.stock(hub, "WEB") == [.sellable: -2, .pendingInspection: 1])
            state = try await shop.step(
                id, "inspect", #"{"grades":[{"line":1,"grade":"a","quantity":1}]}"#, key: "inspect-1")
            state = try await shop.step(
                id, "dispose", #"{"dispositions":[{"line":1,"quantity":1,"disposition":{"restock":{}}}]}"#,
                key: "dispose-1")
            #expect(try await Self.stock(hub, "WEB") == [.sellable: -1])

            expectProblem(
                try await shop.post("channel/returns/\(id)/refund", #"{"method":"originalTender"}"#, key: "refund-1"),
                .unprocessableContent, "input.missingStaff")
            let refunded = try await shop.post(
                "channel/returns/\(id)/refund", #"{"method":"originalTender"}"#, key: "refund-1", staff: "web.lin")
            expectStatus(refunded, .ok)
            state = try refunded.decode(ReturnOrderState.self)
            #expect(state.status == .refunded)
            let refund = try #require(state.refunds.first)
            #expect(refund.allocations.map(\.tender) == [.card] && refund.paidOut == Money(100_00, Self.eur))
            #expect(refund.store == nil && refund.creditNote?.hasPrefix("CN-WEB-") == true)
            // A retry answers the same; the same key for another step is refused.
            let replay = try await shop.post(
                "channel/returns/\(id)/refund", #"{"method":"originalTender"}"#, key: "refund-1", staff: "web.lin")
            expectStatus(replay, .ok)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try replay.decode(ReturnOrderState.self) == state)
            expectProblem(
                try await shop.post("channel/returns/\(id)/close", nil, key: "refund-1"), .conflict,
                "idempotency.conflict")
            state = try await shop.step(id, "close", key: "close-1")
            #expect(state.status == .closed)

            // The other kettle is exchanged for a new one from the shop's own stock.
            let other = try await Self.webReturn(shop, sale: "W-1001", key: "return-2")
            _ = try await shop.step(other.id, "approve", key: "approve-2", staff: "web.lin")
            _ = try await shop.step(other.id, "receive", key: "receive-2")
            _ = try await shop.step(
                other.id, "inspect", #"{"grades":[{"line":1,"grade":"b","quantity":1}]}"#, key: "inspect-2")
            _ = try await shop.step(
                other.id, "dispose",
                #"{"dispositions":[{"line":1,"quantity":1,"disposition":{"refurbish":{"unitValue":{"minor":4000,"currency":"EUR"},"disclosure":"box opened"}}}]}"#,
                key: "dispose-2")
            let exchanged = try await shop.step(
                other.id, "exchange", #"{"items":[{"sku":"KETTLE","quantity":1}],"settlement":"card"}"#,
                key: "exchange-2")
            #expect(exchanged.status == .exchanged && exchanged.exchanges.first?.difference == Money(0, Self.eur))
            #expect(try await Self.stock(hub, "WEB") == [.sellable: -2, .refurbished: 1])

            // Sale, refund and exchange are the shop's own books.
            let web = try await Self.balances(hub, store: "WEB")
            #expect(web[.salesReturns] == 2 * 83_33 && web[.interStoreClearing] == nil)
            let report = try await hub.store.verify()
            #expect(report.isOK, "\(report.mismatches)")
        }
    }

    @Test(
        "a channel return taken in at a store: stock at the store, revenue reversed at the channel",
        arguments: HubBackend.all)
    func receivedAtAStore(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let shop = try await Self.openShop(hub, client)
            expectStatus(try await shop.post("channel/sales", try Self.webSale("W-2001"), key: "s"), .created)

            // 1. The shop tells the hub a branch took the parcel in; the shop refunds online.
            let first = try await Self.webReturn(shop, sale: "W-2001", key: "r1")
            _ = try await shop.step(first.id, "approve", key: "a1", staff: "web.lin")
            var state = try await shop.step(first.id, "receive", #"{"store":"S01"}"#, key: "v1")
            #expect(state.receivedAt == "S01")
            _ = try await shop.step(
                first.id, "inspect", #"{"grades":[{"line":1,"grade":"a","quantity":1}]}"#, key: "i1")
            _ = try await shop.step(
                first.id, "dispose", #"{"dispositions":[{"line":1,"quantity":1,"disposition":{"restock":{}}}]}"#,
                key: "d1")
            state = try await shop.step(
                first.id, "refund", #"{"method":"originalTender"}"#, key: "f1", staff: "web.lin")
            #expect(state.status == .refunded)
            #expect(try await Self.stock(hub, "S01") == [.sellable: 1])
            #expect(try await Self.stock(hub, "WEB") == [.sellable: -2])

            // 2. A customer brings the other kettle to the S01 store, whose node takes it in and
            // pays cash from its till.
            let second = try await Self.webReturn(shop, sale: "W-2001", key: "r2")
            _ = try await shop.step(second.id, "approve", key: "a2", staff: "web.lin")
            let node = try StoreNode("S01-a", store: "S01")
            let nodeToken = try await hub.enroll(node.id, store: node.store)
            try await node.service.setRiskBudget(Money(1_000_00, Self.eur))
            let page = try await client.pull(after: 0, token: nodeToken).decode(PullResponse.self)
            try await node.service.applyPulled(page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
            _ = try await node.service.advance(second.id, .receive(trackingNumber: nil), staff: "desk")
            _ = try await node.service.advance(
                second.id, .inspect(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), staff: "desk")
            _ = try await node.service.advance(
                second.id, .dispose(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
                staff: "desk")
            let paid = try await node.service.advance(second.id, .refund(method: .cash), staff: "desk")
            #expect(paid.refunds.first?.store == "S01")
            expectStatus(try await client.push(try await node.changeSet(), token: nodeToken), .ok)

            let after = try #require(try await hub.store.state().returnOrder(second.id))
            #expect(after.status == .refunded && after.receivedAt == "S01")
            #expect(try await Self.stock(hub, "S01") == [.sellable: 2], "both kettles are the store's stock")
            #expect(try await Self.stock(hub, "WEB") == [.sellable: -2])

            // The books: the channel reverses the revenue and VAT of both kettles (and takes their
            // cost back from COGS); the store holds the goods and paid one refund in cash; each
            // side balances through the clearing account, which nets to zero across the two.
            let web = try await Self.balances(hub, store: "WEB")
            let s01 = try await Self.balances(hub, store: "S01")
            #expect(web[.salesReturns] == 2 * 83_33 && web[.vatPayable] == -(200_00 - 166_67) + 2 * 16_67)
            #expect(web[.costOfGoodsSold] == nil, "the cost of both kettles is reversed where it was booked")
            #expect(s01[.salesReturns] == nil && s01[.salesRevenue] == nil, "no revenue at the store")
            #expect(s01[.inventory] == 2 * 60_00 && s01[.cash] == -100_00)
            #expect((web[.interStoreClearing] ?? 0) + (s01[.interStoreClearing] ?? 0) == 0)
            #expect(s01[.interStoreClearing] == 100_00 - 2 * 60_00)
            let report = try await hub.store.verify()
            #expect(report.isOK, "\(report.mismatches)")
        }
    }

    @Test("a cross-store return between nodes reverses the revenue at the store that sold", arguments: HubBackend.all)
    func crossStore(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let seller = try StoreNode("S01-a", store: "S01")
            let taker = try StoreNode("S02-a", store: "S02")
            let sellerToken = try await hub.enroll(seller.id, store: seller.store)
            let takerToken = try await hub.enroll(taker.id, store: taker.store)
            try await seller.setUp()
            try await seller.sell("R-S01-1", quantity: 1)
            expectStatus(try await client.push(try await seller.changeSet(), token: sellerToken), .ok)
            let page = try await client.pull(after: 0, token: takerToken).decode(PullResponse.self)
            try await taker.service.applyPulled(
                page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
            try await taker.service.setRiskBudget(Money(1_000_00, Self.eur))
            _ = try await taker.returnAndRefund("R-S01-1")
            expectStatus(try await client.push(try await taker.changeSet(), token: takerToken), .ok)

            let s01 = try await Self.balances(hub, store: "S01")
            let s02 = try await Self.balances(hub, store: "S02")
            #expect(s01[.salesRevenue] == -83_33 && s01[.salesReturns] == 83_33, "sold and reversed at S01")
            #expect(s02[.salesReturns] == nil && s02[.cardClearing] == -100_00 && s02[.inventory] == 60_00)
            #expect((s01[.interStoreClearing] ?? 0) + (s02[.interStoreClearing] ?? 0) == 0)
            #expect(try await Self.stock(hub, "S02") == [.sellable: 1])
            let report = try await hub.store.verify()
            #expect(report.isOK, "\(report.mismatches)")
            // The selling store's node folds the same books from the feed.
            let back = try await client.pull(after: 0, token: sellerToken).decode(PullResponse.self)
            try await seller.service.applyPulled(
                back.events.map(\.event), checkpoint: back.checkpoint, epoch: back.epoch)
            #expect(try seller.service.database.verify().isOK)
        }
    }
}
