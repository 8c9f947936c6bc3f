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

/// Head office's reads over what the stores pushed: the journal, metrics, status, stock.
@Suite("Hub API: head office")
struct HeadOfficeRoutesTests {
    /// Two stores that sold to customer C1 (registered at S01) and refunded, pushed to the hub;
    /// head office's token.
    static func trade(_ hub: HubFixture, _ client: any TestClientProtocol) async throws -> String {
        for (node, store) in [("S01-a", "S01"), ("S02-b", "S02")] {
            let shop = try StoreNode(NodeID(node), store: StoreID(store))
            let token = try await hub.enroll(shop.id, store: shop.store)
            try await shop.setUp(customer: store == "S01" ? "C1" : nil)
            try await shop.sell(SaleID("R-\(store)-1"))
            try await shop.returnAndRefund(SaleID("R-\(store)-1"))
            expectStatus(try await client.push(try await shop.changeSet(), token: token), .ok)
        }
        return try await hub.enroll("HO-1", store: nil, role: .headOffice)
    }

    @Test(
        "GET /api/v1/journal.csv is text/csv with a header row and balanced debits and credits",
        arguments: HubBackend.all)
    func journal(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await Self.trade(hub, client)
            let answer = try await client.call(.get, "/api/v1/journal.csv", token: office)
            expectStatus(answer, .ok)
            #expect(answer.contentType?.hasPrefix("text/csv") == true)
            #expect(answer.headers[.contentDisposition]?.contains("journal.csv") == true)
            // UTF-8 with a byte order mark, so that a zh-CN spreadsheet reads Chinese memos right.
            #expect(Array(answer.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let rows = CSV.parse(String(answer.text.dropFirst()))
            let header = try #require(rows.first)
            #expect(
                header == [
                    "date", "store", "reference", "memo", "account", "account_name", "debit", "credit", "currency",
                ])
            let lines = rows.dropFirst()
            #expect(lines.count >= 4, "\(answer.text)")
            #expect(lines.allSatisfy { $0.count == header.count })
            var debit: [String: Int64] = [:]
            var credit: [String: Int64] = [:]
            for row in lines {
                #expect(row[6].isEmpty != row[7].isEmpty, "one of debit and credit per line: \(row)")
                debit[row[8], default: 0] += try CSV.minor(row[6])
                credit[row[8], default: 0] += try CSV.minor(row[7])
            }
            #expect(debit == credit)
            #expect(debit["EUR", default: 0] > 0)
            #expect(Set(lines.map { $0[1] }) == ["S01", "S02"])

            // One store's journal balances on its own.
            let s01 = CSV.parse(
                String(try await client.call(.get, "/api/v1/journal.csv?store=S01", token: office).text.dropFirst()))
            #expect(s01.count > 1 && s01.dropFirst().allSatisfy { $0[1] == "S01" })
            let d = try s01.dropFirst().reduce(Int64(0)) { $0 + (try CSV.minor($1[6])) }
            let c = try s01.dropFirst().reduce(Int64(0)) { $0 + (try CSV.minor($1[7])) }
            #expect(d == c)

            // A period: the days the trade happened on hold it all, the day before none of it.
            let days = Set(lines.map { $0[0] }).sorted()
            let from = try #require(days.first)
            let to = try #require(days.last)
            let period = CSV.parse(
                String(
                    try await client.call(.get, "/api/v1/journal.csv?from=\(from)&to=\(to)", token: office).text
                        .dropFirst()))
            #expect(period.count == rows.count)
            let none = CSV.parse(
                String(
                    try await client.call(.get, "/api/v1/journal.csv?to=2000-01-01", token: office).text.dropFirst()))
            #expect(none.count == 1, "the header alone")
            expectProblem(
                try await client.call(.get, "/api/v1/journal.csv?from=2026-13-01", token: office),
                .unprocessableContent,
                "input.invalidQuery")
            expectProblem(
                try await client.call(.get, "/api/v1/journal.csv?from=2026-02-01&to=2026-01-01", token: office),
                .unprocessableContent, "input.invalidQuery")
        }
    }

    @Test("two stores registering the same customer concurrently can both push", arguments: HubBackend.all)
    func concurrentCustomerRegistration(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            var answers: [TestResponse] = []
            for (node, store) in [("S01-a", "S01"), ("S02-b", "S02")] {
                let shop = try StoreNode(NodeID(node), store: StoreID(store))
                let token = try await hub.enroll(shop.id, store: shop.store)
                try await shop.setUp(customer: "C1")
                answers.append(try await client.push(try await shop.changeSet(), token: token))
            }
            expectStatus(answers[0], .ok)
            // The customer fold once raised one `conflict.concurrentEdit` per field with the same
            // id, and the projection's INSERT (id PRIMARY KEY) turned the second push into a 500.
            expectStatus(answers[1], .ok)
            let exceptions = try await hub.store.state().exceptions()
            #expect(
                exceptions.filter { $0.code == "conflict.concurrentEdit" && $0.record == .customer("C1") }.count == 1)
        }
    }

    @Test("/metrics is Prometheus text with each node's lag", arguments: HubBackend.all)
    func metrics(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            _ = try await Self.trade(hub, client)
            let answer = try await client.call(.get, "/metrics", token: nil)
            expectStatus(answer, .ok)
            #expect(answer.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = answer.text
            #expect(text.contains("# TYPE returnsync_hub_node_lag_events gauge\n"))
            let samples = prometheusSamples(text)
            // Neither store has pulled: each lags by what the feed holds.
            let head = Double(try await hub.store.state().eventCount())
            #expect(samples["returnsync_hub_node_lag_events{node=\"S01-a\"}"] == head, "\(text)")
            #expect(samples["returnsync_hub_node_lag_events{node=\"S02-b\"}"] == head)
            #expect(samples["returnsync_hub_events_pushed_total"] == head)
            #expect(samples["returnsync_hub_node_revoked{node=\"S01-a\"}"] == 0, "\(text)")
            #expect(samples["returnsync_hub_node_info{node=\"S01-a\",store=\"S01\",role=\"storeNode\"}"] == 1)
            #expect(samples["returnsync_hub_node_info{node=\"HO-1\",store=\"\",role=\"headOffice\"}"] == 1)
            #expect(!text.contains("returnsync_hub_node_last_pull_timestamp_seconds{"), "nobody has pulled yet")
            #expect(
                samples["returnsync_hub_node_last_push_timestamp_seconds{node=\"S01-a\"}"]
                    == Double(HubFixture.now) / 1000, "\(text)")
            // Every route's latency, by route, method and status.
            #expect(
                samples[
                    "returnsync_hub_http_request_duration_seconds_count{route=\"/sync/v1/push\",method=\"POST\",status=\"200\"}"
                ]
                    ?? 0 > 0, "\(text)")
            // Every line is a comment or `name{labels} value`.
            for line in text.split(separator: "\n") where !line.hasPrefix("# HELP ") && !line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 2 && Double(parts[1]) != nil, "not a sample: \(line)")
                #expect(parts.first?.hasPrefix("returnsync_hub_") == true, "\(line)")
            }
        }
    }

    @Test("sync status, stock, a sale, a customer's history, returns and verify", arguments: HubBackend.all)
    func reads(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await Self.trade(hub, client)
            let status = try await client.call(.get, "/api/v1/sync-status", token: office).decode([NodeSyncStatus].self)
            #expect(status.map(\.node) == ["HO-1", "S01-a", "S02-b"])
            let acked = status.first(where: { $0.node == "S01-a" })?.acked ?? 0
            #expect(acked > 0)

            let stock = try await client.call(.get, "/api/v1/stock?sku=KETTLE&store=S02", token: office)
                .decode([StockLevel].self)
            #expect(stock.contains { $0.location == .sellable && $0.sku == "KETTLE" && $0.quantity > 0 }, "\(stock)")
            #expect(stock.allSatisfy { $0.store == "S02" })

            let sale = try await client.call(.get, "/api/v1/sales/R-S01-1", token: office)
            expectStatus(sale, .ok)
            #expect(sale.text.contains(#""returnable":{"1":1}"#), "\(sale.text)")

            let history = try await client.call(.get, "/api/v1/customers/C1/history", token: office)
                .decode(HubCustomerHistory.self)
            #expect(history.returns.count == 2)

            let returns = try await client.call(.get, "/api/v1/returns?store=S01&status=closed", token: office)
                .decode([ReturnOrderState].self)
            #expect(returns.count == 1)
            expectProblem(
                try await client.call(.get, "/api/v1/returns?status=lost", token: office), .unprocessableContent,
                "input.invalidQuery")

            let report = try await client.call(.get, "/api/v1/verify", token: office).decode(HubVerificationReport.self)
            #expect(report.isOK, "\(report.mismatches)")
            #expect(report.events == (try await hub.store.state().eventCount()))
        }
    }
}

/// Just enough RFC 4180 to read the journal back.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character?
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }

    struct NotAnAmount: Error { var text: String }

    /// `12.34` as 1234 minor units; empty is zero.
    static func minor(_ text: String) throws -> Int64 {
        guard !text.isEmpty else { return 0 }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let units = Int64(parts[0]), let cents = Int64(parts[1]),
            units >= 0
        else { throw NotAnAmount(text: text) }
        return units * 100 + cents
    }
}

/// `name{labels}` → value of every sample in a Prometheus text exposition.
func prometheusSamples(_ text: String) -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
    }
    return samples
}
