import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import ReturnsDomain
import Testing

/// A node answers for its own store (issue 19: the desk's latest returns listed other stores', and
/// its stock showed other stores' figures wrongly).
@Suite("The node answers for its own store")
struct StoreScopeTests {
    @Test("stock is this store's by default and another store's is 422 stock.otherStore")
    func stock() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            let own = try await client.get("stock").decode([StockRow].self)
            #expect(!own.isEmpty && own.allSatisfy { $0.store == "S1" })
            #expect(try await client.get("stock?store=S1").decode([StockRow].self) == own)
            expectProblem(try await client.get("stock?store=S2"), .unprocessableContent, "stock.otherStore")
        }
    }

    @Test("returns are this store's by default; another store's on asking")
    func returns() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 2), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0001"), client)
            #expect(try await client.get("returns").decode([ReturnView].self).map(\.id) == [opened.id])
            #expect(try await client.get("returns?store=S2").decode([ReturnView].self).isEmpty)
        }
    }
}
