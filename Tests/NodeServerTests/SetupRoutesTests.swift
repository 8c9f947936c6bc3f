import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

@Suite("Store set-up and lookups over the node API")
struct SetupRoutesTests {
    @Test("products are defined and listed")
    func products() async throws {
        try await NodeAPIFixture.run { node, client in
            let created = try await client.send(.post, "products", json: Seed.kettle)
            expectStatus(created, .created)
            #expect(created.headers[.location] == "/api/v1/products/KETTLE")
            #expect(try created.decode(Product.self) == Seed.kettle)
            let list = try await client.get("products")
            expectStatus(list, .ok)
            #expect(list.contentType == "application/json")
            #expect(try list.decode([Product].self) == [Seed.kettle])
        }
    }

    @Test("goods received land in sellable stock, queried by SKU and store")
    func inventoryAndStock() async throws {
        try await NodeAPIFixture.run { node, client in
            expectStatus(try await client.send(.post, "products", json: Seed.kettle), .created)
            let received = try await client.send(
                .post, "inventory/receipts",
                json: InventoryReceiptBody(sku: "KETTLE", quantity: 7, unitCost: Seed.money(55_00)))
            expectStatus(received, .created)
            let stock = try received.decode(SKUStock.self)
            #expect(stock.stock.map(\.quantity) == [7])
            let rows = try await client.get("stock?sku=KETTLE&store=S1").decode([StockRow].self)
            #expect(rows.count == 1 && rows[0].location == .sellable && rows[0].quantity == 7)
            expectProblem(try await client.get("stock?store=S9"), .unprocessableContent, "stock.otherStore")
            #expect(try await client.get("stock").decode([StockRow].self).count == 1)
        }
    }

    @Test("a reorder point above stock raises a low-stock alert")
    func reorderPointAndAlert() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            let set = try await client.send(.post, "reorder-points", json: ReorderPointBody(sku: "KETTLE", minimum: 12))
            expectStatus(set, .ok)
            #expect(try set.decode(ReorderPoint.self) == ReorderPoint(store: "S1", sku: "KETTLE", minimum: 12))
            let alerts = try await client.get("alerts/low-stock").decode([LowStockAlert].self)
            #expect(alerts == [LowStockAlert(store: "S1", sku: "KETTLE", sellable: 10, minimum: 12)])
        }
    }

    @Test("the policy is the standard one until the store puts its own")
    func policy() async throws {
        try await NodeAPIFixture.run { node, client in
            #expect(try await client.get("policy").decode(ReturnPolicy.self) == .standard(currency: Seed.eur))
            var policy = Seed.strictApproval
            policy.restockingFee = .percent(basisPoints: 1000)
            let put = try await client.send(.put, "policy", json: policy)
            expectStatus(put, .ok)
            #expect(try put.decode(ReturnPolicy.self) == policy)
            #expect(try await client.get("policy").decode(ReturnPolicy.self) == policy)
        }
    }

    @Test("a customer is registered and has an empty history")
    func customers() async throws {
        try await NodeAPIFixture.run { node, client in
            let created = try await client.send(.post, "customers", json: Seed.alice)
            expectStatus(created, .created)
            #expect(try created.decode(Customer.self) == Seed.alice)
            let history = try await client.get("customers/C1/history").decode(CustomerHistory.self)
            #expect(history.details == Seed.alice && history.returns.isEmpty && history.storeCredit.isEmpty)
        }
    }

    @Test("store credit is adjusted and read back per currency")
    func storeCredit() async throws {
        try await NodeAPIFixture.run { node, client in
            let adjust = StoreCreditAdjustmentBody(amount: Seed.money(25_00), memo: "goodwill")
            let posted = try await client.send(.post, "customers/C1/store-credit", json: adjust)
            expectStatus(posted, .ok)
            #expect(try posted.decode(StoreCreditBalance.self).balance == Seed.money(25_00))
            let read = try await client.get("customers/C1/store-credit").decode(StoreCreditBalance.self)
            #expect(read == StoreCreditBalance(customer: "C1", balance: Seed.money(25_00)))
            let usd = try await client.get("customers/C1/store-credit?currency=USD").decode(StoreCreditBalance.self)
            #expect(usd.balance == Money(0, Currency("USD")))
        }
    }

    @Test("a POS sale is recorded and found by receipt, phone, serial and customer")
    func sales() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            let view = try await Seed.record(Seed.sale("S1-0001"), client)
            #expect(view.lines.map(\.returnable) == [2])
            let phone = Seed.sale(
                "S1-0002", Seed.phone, quantity: 1, serials: ["IMEI-1"])
            try await Seed.record(phone, client)

            let byID = try await client.get("sales/S1-0001")
            expectStatus(byID, .ok)
            #expect(try byID.decode(SaleView.self) == view)
            let byPhone = try await client.get("sales?phone=%2B49%20170%201234567").decode([SaleView].self)
            #expect(Set(byPhone.map(\.sale.id)) == ["S1-0001", "S1-0002"])
            let bySerial = try await client.get("sales?serial=IMEI-1").decode([SaleView].self)
            #expect(bySerial.map(\.sale.id) == ["S1-0002"])
            let byCustomer = try await client.get("sales?customer=C1").decode([SaleView].self)
            #expect(byCustomer.count == 2)
            #expect(try await client.get("sales?customer=C404").decode([SaleView].self).isEmpty)
        }
    }

    @Test("healthz names the node and counts the outbox")
    func health() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            for path in ["healthz", "/healthz"] {
                let response = try await client.get(path)
                expectStatus(response, .ok)
                let health = try response.decode(HealthStatus.self)
                let outbox = try await node.service.read { try $0.outboxCount() }
                #expect(health == HealthStatus(status: "ok", node: "N1", store: "S1", outbox: outbox))
                #expect(outbox > 0)
            }
        }
    }

    @Test("metrics are Prometheus text with event, outbox and request counts")
    func metrics() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            _ = try await client.get("returns/RT-missing")
            _ = try await client.get("/no/such/path")
            let response = try await client.get("/metrics")
            expectStatus(response, .ok)
            #expect(response.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            let events = try await node.service.read { try $0.eventCount() }
            let outbox = try await node.service.read { try $0.outboxCount() }
            var samples: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
            }
            #expect(text.contains("# TYPE returnsync_node_events_total counter\n"))
            #expect(samples["returnsync_node_events_total"] == Double(events), "\(text)")
            #expect(text.contains("# TYPE returnsync_node_outbox_events gauge\n"))
            #expect(samples["returnsync_node_outbox_events"] == Double(outbox))
            #expect(samples["returnsync_node_http_requests_total{status=\"201\"}"] == 7)
            #expect(samples["returnsync_node_http_requests_total{status=\"404\"}"] == 2)
            #expect(samples["returnsync_node_http_problems_total{code=\"return.notFound\"}"] == 1)
            #expect(samples["returnsync_node_info{node=\"N1\",store=\"S1\"}"] == 1)
            #expect(
                samples[
                    "returnsync_node_http_request_duration_seconds_count{route=\"/api/v1/products\",method=\"POST\",status=\"201\"}"
                ] == 3, "every route's latency, by route, method and status: \(text)")
            #expect(
                samples[
                    "returnsync_node_http_request_duration_seconds_count{route=\"unknown\",method=\"GET\",status=\"404\"}"
                ]
                    == 1, "a path the router does not know counts under one route, not its own: \(text)")
            expectStatus(try await client.get("metrics"), .ok)
            // A second scrape does not count the replica's totals twice.
            let again = try await client.get("metrics").text
            #expect(again.contains("returnsync_node_events_total \(events)\n"), "\(again)")
        }
    }

    @Test("the exceptions queue of a clean node is empty")
    func exceptions() async throws {
        try await NodeAPIFixture.run { node, client in
            let response = try await client.get("exceptions")
            expectStatus(response, .ok)
            #expect(response.text == "[]")
        }
    }
}
