import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// B-grade units go back on sale from refurbished stock at the value they were written down to;
/// services, fees and goods below their shelf price are open-price lines, which above the
/// store's limit need a role that holds `openPrice` (a clerk refused, a manager's PIN allowed).
@Suite("B-grade resale and open-price lines at the node")
struct ResaleAndOpenPriceTests {
    /// Installation: a service rung up at whatever price the job costs.
    static let installation = Product(
        sku: "INSTALL", name: "安装服务", category: "services", unitPrice: Seed.money(0), unitCost: Seed.money(0),
        vatRate: VATRate(basisPoints: 2000), kind: .service)

    @Test("a refurbished kettle is sold at its written-down value and leaves refurbished stock")
    func bGradeResale() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0001"), client)
            _ = try await Seed.step(opened.id, "receive", Empty(), client)
            _ = try await Seed.step(
                opened.id, "inspect", ["grades": [LineGrade(line: 1, grade: .b, quantity: 1)]], client)
            let refurbish = LineDisposition(
                line: 1, quantity: 1, disposition: .refurbish(unitValue: Seed.money(40_00), disclosure: "划痕"))
            _ = try await Seed.step(opened.id, "dispose", ["dispositions": [refurbish]], client)
            let cogsBefore = try await node.service.read { try $0.ledger() }[
                LedgerKey(account: .costOfGoodsSold, currency: Seed.eur)]

            let sold = try await client.send(
                .post, "resales", json: ResaleCommand(sku: "KETTLE", quantity: 1, tender: .cash))
            expectStatus(sold, .created)
            let sale = try sold.decode(SaleView.self).sale
            #expect(sale.id.rawValue.hasPrefix("BG"))
            #expect(sale.lines.first?.source == .refurbished)
            #expect(sale.lines.first?.unitPrice == Seed.money(40_00) && sale.lines.first?.unitCost == Seed.money(40_00))
            let stock = try await client.get("stock?sku=KETTLE").decode([StockRow].self)
            #expect((stock.first { $0.location == .refurbished }?.quantity ?? 0) == 0)
            #expect(stock.first { $0.location == .sellable }?.quantity == 8, "new stock untouched")
            let cogs = try await node.service.read { try $0.ledger() }[
                LedgerKey(account: .costOfGoodsSold, currency: Seed.eur)]
            #expect((cogs ?? 0) - (cogsBefore ?? 0) == 40_00, "costed at the written-down value")

            // No B-grade unit left: refused whatever the store's negative-stock rule.
            expectProblem(
                try await client.send(.post, "resales", json: ResaleCommand(sku: "KETTLE", quantity: 1, tender: .cash)),
                .unprocessableContent, "stock.insufficient")
        }
    }

    @Test("open-price lines above the limit: a clerk refused, a manager's PIN allowed; a fee moves no stock")
    func openPrice() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            expectStatus(try await client.send(.post, "products", json: Self.installation), .created)
            expectStatus(try await client.send(.put, "policy", json: Seed.strictApproval), .ok)
            try await StaffAuthorityRoutesTests.defineStaff(node)
            let clerk = try StaffAuthorityRoutesTests.token(
                try await StaffAuthorityRoutesTests.signIn(client, StaffAuthorityRoutesTests.clerk, "2468"))
            func sale(_ id: String, _ product: Product, price: Int64) throws -> String {
                let line = SaleLine(
                    line: 1, sku: product.sku, quantity: 1, unitPrice: Seed.money(price), unitCost: product.unitCost,
                    vatRate: product.vatRate)
                let sale = Sale(
                    id: SaleID(id), store: "S1", customer: "C1", soldAt: Instant(millis: NodeAPIFixture.now),
                    currency: Seed.eur, lines: [line], tenders: [TenderPayment(tender: .cash, amount: line.gross)])
                return String(decoding: try JSONEncoder().encode(sale), as: UTF8.self)
            }
            func post(_ body: String, manager: Bool = false) async throws -> TestResponse {
                try await StaffAuthorityRoutesTests.send(
                    client, "sales", session: clerk, json: body,
                    authorisedBy: manager ? (StaffAuthorityRoutesTests.manager, "1357") : nil)
            }

            // Within the limit (50.00): the clerk alone.
            let small = try await post(try sale("S1-F1", Self.installation, price: 30_00))
            expectStatus(small, .created)
            #expect(try small.decode(SaleView.self).sale.lines.first?.source == .service)
            // A fee of 80.00 and a kettle 70.00 below its shelf price: above it.
            for (id, product, price) in [("S1-F2", Self.installation, Int64(80_00)), ("S1-K1", Seed.kettle, 30_00)] {
                expectProblem(
                    try await post(try sale(id, product, price: price)), .unprocessableContent, "authority.required")
                let done = try await post(try sale(id, product, price: price), manager: true)
                expectStatus(done, .created)
            }
            #expect(try await client.get("stock?sku=INSTALL").decode([StockRow].self).isEmpty, "a service is no stock")
            // Nor can it be counted, adjusted or received into stock.
            for (path, body) in [
                ("stock/counts", #"{"sku":"INSTALL","location":"sellable","counted":3}"#),
                ("stock/adjustments", #"{"sku":"INSTALL","location":"sellable","quantity":1,"reason":"found"}"#),
                ("inventory/receipts", #"{"sku":"INSTALL","quantity":1}"#),
            ] {
                expectProblem(
                    try await StaffAuthorityRoutesTests.send(client, path, session: clerk, json: body),
                    .unprocessableContent, "catalog.serviceNotStocked")
            }

            // The fee taken back: no goods to receive, grade or dispose; refunded by the manager.
            let opened = try await StaffAuthorityRoutesTests.send(
                client, "returns", session: clerk,
                json: String(decoding: try JSONEncoder().encode(Seed.returnOf("S1-F2")), as: UTF8.self))
            expectStatus(opened, .created)
            let back = try opened.decode(ReturnView.self)
            #expect(back.status == .requested, "80.00 is above the threshold")
            _ = try await StaffAuthorityRoutesTests.send(
                client, "returns/\(back.id)/approve", session: clerk,
                authorisedBy: (StaffAuthorityRoutesTests.manager, "1357"))
            let send = { (step: String, body: String) in
                try await StaffAuthorityRoutesTests.send(
                    client, "returns/\(back.id)/\(step)", session: clerk, json: body)
            }
            expectStatus(try await send("receive", "{}"), .ok)
            expectProblem(
                try await send("inspect", #"{"grades":[{"line":1,"grade":"a","quantity":1}]}"#), .unprocessableContent,
                "return.noGoods")
            expectStatus(try await send("inspect", #"{"grades":[]}"#), .ok)
            expectStatus(try await send("dispose", #"{"dispositions":[]}"#), .ok)
            #expect(try await client.get("stock?sku=INSTALL").decode([StockRow].self).isEmpty)
            let refunded = try await send("refund", #"{"method":"originalTender"}"#)
            expectProblem(refunded, .unprocessableContent, "authority.required")
        }
    }
}
