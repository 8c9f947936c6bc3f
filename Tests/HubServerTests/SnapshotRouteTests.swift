import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import OpenAPITesting
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// `GET /sync/v1/snapshot`: NDJSON a new node starts from (Protocol/sync.md §4).
@Suite("Hub API: snapshot")
struct SnapshotRouteTests {
    @Test(
        "a new node's snapshot: header, the events a pull from 0 gives, the end with the checkpoint; documented; loadable",
        arguments: HubBackend.all)
    func snapshot(backend: HubBackend) async throws {
        let spec = try OpenAPISpec.load()
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let fresh = try StoreNode("S02-new", store: "S02")
            let tokenNew = try await hub.enroll(fresh.id, store: fresh.store)
            try await a.setUp()
            try await a.sell("R-S01-1")
            try await a.returnAndRefund("R-S01-1")
            try await a.sell("R-S01-2")
            expectStatus(try await client.push(try await a.changeSet(), token: tokenA), .ok)

            let answer = try await client.call(.get, SnapshotWire.route, token: tokenNew)
            expectStatus(answer, .ok)
            #expect(answer.contentType == SnapshotWire.mediaType)
            var checker = SchemaChecker(spec: spec)
            for issue in checker.check(answer, method: "GET", uri: SnapshotWire.route) {
                Issue.record("GET /sync/v1/snapshot: \(issue)")
            }
            #expect(checker.visited.isSuperset(of: ["SnapshotLine", "SnapshotHeader", "Event", "SnapshotEnd"]))

            var lines = Data(answer.body.readableBytesView).split(separator: UInt8(ascii: "\n")).map { Data($0) }
            let header = try JSONDecoder().decode(SnapshotHeader.self, from: lines.removeFirst())
            let last = lines.popLast()
            let endLine = try #require(last)
            #expect(SnapshotWire.isEnd(endLine) && !lines.contains { SnapshotWire.isEnd($0) })
            let end = try JSONDecoder().decode(SnapshotEnd.self, from: endLine)
            let events = try lines.map { try JSONDecoder().decode(Event.self, from: $0) }
            #expect(header.epoch == (try await hub.store.epoch()))
            if let announced = header.events { #expect(announced == events.count) }
            #expect(end.end.events == events.count)
            let pulled = try await client.pull(after: 0, limit: 1_000, token: tokenNew).decode(PullResponse.self)
            #expect(events == pulled.events.map(\.event))
            #expect(end.end.checkpoint == pulled.checkpoint)
            #expect(!events.contains { $0.record.kind == .inventoryReceipt }, "S01's goods-in is not S02's")

            // The node loads it in one transaction and is then caught up.
            let load = try await fresh.service.loadSnapshot(
                epoch: header.epoch, expectedEvents: header.events,
                next: SnapshotParts([.events(lines), .end(checkpoint: end.end.checkpoint, events: end.end.events)]).next
            )
            #expect(load.events == events.count && load.checkpoint == end.end.checkpoint)
            #expect(try fresh.service.database.verify().isOK)
        }
    }

    @Test("no token is 401, a revoked one 403", arguments: HubBackend.all)
    func refused(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let token = try await hub.enroll("S01-a", store: "S01")
            expectProblem(try await client.call(.get, SnapshotWire.route, token: nil), .unauthorized, "auth.missing")
            try await hub.store.revoke(node: "S01-a")
            expectProblem(try await client.call(.get, SnapshotWire.route, token: token), .forbidden, "auth.revoked")
        }
    }
}

/// Prepared snapshot parts handed out one by one.
final class SnapshotParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [SnapshotPart]
    init(_ parts: [SnapshotPart]) { self.parts = parts }
    @Sendable func next() -> SnapshotPart? { lock.withLock { parts.isEmpty ? nil : parts.removeFirst() } }
}
