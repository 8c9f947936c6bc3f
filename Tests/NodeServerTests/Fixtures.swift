import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// Catalog, stock, customers and sales that the tests build on, posted through the API itself.
enum Seed {
    static let eur = NodeAPIFixture.eur
    static func money(_ minor: Int64) -> Money { Money(minor, eur) }

    /// A kettle: 100.00 at 20 % VAT, carried at 60.00.
    static let kettle = Product(
        sku: "KETTLE", name: "Kettle", category: "kitchen", unitPrice: money(100_00), unitCost: money(60_00),
        vatRate: VATRate(basisPoints: 2000))
    /// A toaster, 150.00: what kettles are exchanged for.
    static let toaster = Product(
        sku: "TOASTER", name: "Toaster", category: "kitchen", unitPrice: money(150_00), unitCost: money(90_00),
        vatRate: VATRate(basisPoints: 2000))
    /// A serial-tracked phone.
    static let phone = Product(
        sku: "PHONE", name: "Phone", category: "mobile", unitPrice: money(300_00), unitCost: money(200_00),
        vatRate: VATRate(basisPoints: 2000), serialTracked: true)

    static let alice = Customer(id: "C1", name: "Alice", phone: "+49 170 1234567")

    /// Products, 10 of each in stock, and customer C1.
    static func catalog(_ client: some TestClientProtocol) async throws {
        for product in [kettle, toaster, phone] {
            expectStatus(try await client.send(.post, "products", json: product), .created)
            let receipt = InventoryReceiptBody(sku: product.sku, quantity: 10, vendor: "ACME")
            expectStatus(try await client.send(.post, "inventory/receipts", json: receipt), .created)
        }
        expectStatus(try await client.send(.post, "customers", json: alice), .created)
    }

    /// A sale made `daysAgo` days before the node's clock.
    static func sale(
        _ id: SaleID, _ product: Product = kettle, quantity: Int = 2, customer: CustomerID? = "C1",
        tenders: [TenderPayment]? = nil, serials: [String] = [], store: StoreID = "S1", daysAgo: Int = 1
    ) -> Sale {
        let line = SaleLine(
            line: 1, sku: product.sku, quantity: quantity, unitPrice: product.unitPrice, unitCost: product.unitCost,
            vatRate: product.vatRate, serials: serials)
        return Sale(
            id: id, store: store, customer: customer,
            soldAt: Instant(millis: NodeAPIFixture.now).adding(days: -daysAgo), currency: eur, lines: [line],
            tenders: tenders ?? [TenderPayment(tender: .card, amount: line.gross)])
    }

    /// Posts a sale and expects it recorded.
    @discardableResult
    static func record(_ sale: Sale, _ client: some TestClientProtocol) async throws -> SaleView {
        let response = try await client.send(.post, "sales", json: sale)
        expectStatus(response, .created)
        return try response.decode(SaleView.self)
    }

    /// A return of `quantity` units of sale line 1.
    static func returnOf(
        _ sale: SaleID?, quantity: Int = 1, type: ReturnType = .refund, reason: ReasonCode = .changedMind
    ) -> CreateReturnCommand {
        CreateReturnCommand(
            sale: sale, type: type,
            lines: [RequestedLine(saleLine: 1, quantity: quantity, reason: reason, condition: .openedComplete)])
    }

    /// Opens a return and expects it created.
    static func open(_ command: CreateReturnCommand, _ client: some TestClientProtocol) async throws -> ReturnView {
        let response = try await client.send(.post, "returns", json: command)
        expectStatus(response, .created)
        return try response.decode(ReturnView.self)
    }

    /// Posts one lifecycle step and expects it accepted.
    static func step(
        _ id: ReturnID, _ action: String, _ body: some Encodable, _ client: some TestClientProtocol,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ReturnView {
        let response = try await client.send(.post, "returns/\(id)/\(action)", json: body)
        expectStatus(response, .ok, sourceLocation: sourceLocation)
        return try response.decode(ReturnView.self, sourceLocation: sourceLocation)
    }

    /// A policy like the standard one but with manager approval above 50.00.
    static var strictApproval: ReturnPolicy {
        var policy = ReturnPolicy.standard(currency: eur)
        policy.approvalThreshold = money(50_00)
        return policy
    }
}

/// An empty JSON object, for steps without fields.
struct Empty: Codable {}
