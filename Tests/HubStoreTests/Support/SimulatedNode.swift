import Foundation
import HubStore
import HubTesting
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain

/// Milliseconds shared by the nodes and the hub of a simulation; a minute per reading.
final class SimulationClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Fixtures.t0

    func tick() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        now += 60_000
        return now
    }
}

/// A real store node (NodeStore replica in a temporary folder) that syncs with a hub the way the
/// sync agent will: push its own events in change sets, pull pages and take them in.
final class SimulatedNode {
    let id: NodeID
    let store: StoreID
    let service: NodeService
    private let folder = TemporaryFolder()
    /// The hub holds this node's seqs 1…acked.
    var acked: UInt64 = 0
    var checkpoint: UInt64 = 0

    init(_ id: NodeID, store: StoreID, clock: SimulationClock) throws {
        self.id = id
        self.store = store
        let database = try NodeDatabase.create(
            in: folder.url, identity: NodeIdentity(node: id, store: store, currency: Fixtures.eur))
        service = NodeService(database: database, clock: { clock.tick() })
    }

    deinit { folder.remove() }

    /// Every event this replica holds.
    func heldEvents() async throws -> [Event] { try await service.read { try $0.allEvents() } }

    /// This node's own events in seq order (seq n at index n − 1).
    func ownEvents() async throws -> [Event] {
        let id = self.id
        return try await heldEvents().filter { $0.dot.node == id }.sorted { $0.dot.seq < $1.dot.seq }
    }

    /// Takes in pulled events and flushes the projections, in one transaction.
    func take(_ events: [Event], now: Int64) async throws {
        let identity = service.identity
        try await service.database.transaction { db in
            let log = EventLog(db, identity: identity)
            for event in events {
                guard try log.receive(event, now: now) != .conflictingDot else {
                    throw NodeStoreError(code: "test.conflict", message: "the hub sent a different \(event.dot)")
                }
            }
            try log.flush()
        }
    }

    /// Pulls and takes in pages until the hub has nothing more for this node.
    func pullAll(from hub: any HubStore, limit: Int, now: Int64) async throws {
        while true {
            let page = try await hub.pull(for: id, after: checkpoint, limit: limit, now: now)
            try await take(page.events.map(\.event), now: now)
            checkpoint = page.checkpoint
            if !page.more { return }
        }
    }

    /// Pushes own events from seq `from` on in change sets of 1…`maxChunk` events.
    func push(to hub: any HubStore, from: UInt64, maxChunk: Int, rng: inout SeededRNG, now: Int64) async throws {
        let own = try await ownEvents()
        var index = Int(from) - 1
        while index < own.count {
            let chunk = own[index..<min(index + rng.int(1...maxChunk), own.count)]
            acked = try await hub.push(ChangeSet(chunk), from: id, now: now).acked
            index += chunk.count
        }
    }
}
