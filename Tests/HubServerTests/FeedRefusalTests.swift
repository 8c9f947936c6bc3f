import Foundation
import HTTPSupport
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

@testable import SyncClient

/// What a node refuses from the feed is never a silent drop: it stops pulling at the event and the
/// hub records an incident head office sees (Protocol/sync.md §2.1).
@Suite struct FeedRefusalTests {
    /// The sync protocol over a real hub store in the same process.
    struct InProcessTransport: HubTransport {
        let hub: any HubStore
        let node: NodeID
        let now: @Sendable () -> Int64
        func push(_ changeSet: ChangeSet, stored: [Data]) async throws -> PushResponse {
            try await hub.push(changeSet, from: node, now: now())
        }
        func pull(after checkpoint: UInt64, limit: Int) async throws -> PullResponse {
            try await hub.pull(for: node, after: checkpoint, limit: limit, now: now())
        }
        func reportRefusal(_ report: FeedRefusalReport) async throws {
            try await hub.recordRefusal(
                by: node, of: report.dot, code: report.code, message: report.message, now: now())
        }
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int64
        init(_ value: Int64) { self.value = value }
        var now: Int64 {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    @Test(
        "a node whose clock is far behind refuses an event from the feed, reports it, and takes it once its clock is right",
        arguments: HubBackend.all)
    func clockBehind(backend: HubBackend) async throws {
        let hub = try await HubFixture(backend)
        defer { hub.handle.remove() }
        let hubNow = HubFixture.now
        _ = try await hub.enroll("A-1", store: "S-A")
        _ = try await hub.enroll("B-1", store: "S-B")
        // A's clock runs 20 hours ahead of the hub's: within the hub's tolerance of a day.
        let a = try StoreNode("A-1", store: "S-A", clock: { hubNow + 20 * 3_600_000 })
        let bClock = Clock(hubNow - 10 * 3_600_000)
        let b = try StoreNode("B-1", store: "S-B", clock: { bClock.now })
        try await a.service.registerCustomer(Customer(id: "C-9", name: "王丽"), staff: "desk")
        let agentA = SyncAgent(
            service: a.service, transport: InProcessTransport(hub: hub.store, node: "A-1", now: { hubNow }))
        let agentB = SyncAgent(
            service: b.service, transport: InProcessTransport(hub: hub.store, node: "B-1", now: { hubNow }))
        #expect(try await agentA.syncOnce().acked == 1)

        // To B, 10 hours behind, the event is 30 hours ahead: refused, reported, not stored.
        await #expect(throws: FeedRefusal.self) { _ = try await agentB.syncOnce() }
        #expect(try await b.service.syncCheckpoint().checkpoint == 0)
        #expect(try await b.service.read { try $0.customer("C-9") } == nil)
        let incidents = try await hub.store.incidents()
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.code == HubIncident.feedRefusedCode)
        #expect(incident.dot == Dot(node: "A-1", seq: 1))
        #expect(
            incident.message.contains("node B-1 refused A-1#1") && incident.message.contains("admission.clockAhead"))
        // The next round refuses again: the same incident, counted.
        await #expect(throws: FeedRefusal.self) { _ = try await agentB.syncOnce() }
        #expect(try await hub.store.incidents().map(\.occurrences) == [2])

        // Its clock put right, B takes the event in.
        bClock.now = hubNow + 20 * 3_600_000
        #expect(try await agentB.syncOnce().pulled == 1)
        #expect(try await b.service.read { try $0.customer("C-9") }?.name == "王丽")
    }

    @Test("POST /sync/v1/refusals records the incident; a malformed report is refused", arguments: HubBackend.all)
    func route(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let token = try await hub.enroll("B-1", store: "S-B")
            let office = try await hub.enroll("HQ-1", store: nil, role: .headOffice)
            let report = FeedRefusalReport(
                dot: Dot(node: "A-1", seq: 7), code: "admission.badText", message: "a NUL in a note")
            for _ in 0..<2 {
                try await client.execute(
                    uri: SyncRoutes.refusals, method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(string: try jsonText(report))
                ) { response in #expect(response.status == .noContent) }
            }
            try await client.execute(
                uri: "/api/v1/incidents", method: .get, headers: [.authorization: "Bearer \(office)"]
            ) { response in
                let incidents = try response.decode([HubIncident].self)
                #expect(incidents.map(\.code) == ["feed.refused"] && incidents.map(\.occurrences) == [2])
                #expect(incidents.first?.dot == report.dot)
            }
            let long = FeedRefusalReport(dot: report.dot, code: String(repeating: "x", count: 101), message: "")
            try await client.execute(
                uri: SyncRoutes.refusals, method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: try jsonText(long))
            ) { response in #expect(response.status == .unprocessableContent) }
            // A seq past what any event may have (the hub once trapped on 2^63): refused, not a crash.
            for seq: UInt64 in [Limits.maxSeq + 1, 1 << 63, .max] {
                let far = FeedRefusalReport(dot: Dot(node: "A-1", seq: seq), code: "admission.badText", message: "")
                try await client.execute(
                    uri: SyncRoutes.refusals, method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(string: try jsonText(far))
                ) { response in #expect(response.status == .unprocessableContent) }
            }
            try await client.execute(
                uri: SyncRoutes.refusals, method: .post, body: ByteBuffer(string: try jsonText(report))
            ) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}

@Suite struct HubClockTests {
    @Test("the hub's Date header is read to the second")
    func httpDate() {
        #expect(HubClient.httpDateMillis("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777_000)
        #expect(HubClient.httpDateMillis("yesterday") == nil)
    }
}

/// A node restored from an older backup stops issuing documents as soon as the hub shows it holds
/// more of the node's events than its database does (Protocol/sync.md §3).
@Suite struct RestoredNodeTests {
    @Test(
        "a backup older than what the hub holds is noticed at its first sync and issues nothing more",
        arguments: HubBackend.all)
    func restored(backend: HubBackend) async throws {
        let hub = try await HubFixture(backend)
        defer { hub.handle.remove() }
        _ = try await hub.enroll("A-1", store: "S-A")
        let a = try StoreNode("A-1", store: "S-A")
        try await a.service.registerCustomer(Customer(id: "C-1", name: "王丽"), staff: "desk")
        // The backup, taken after the first event.
        let backup = TemporaryFolder("backup")
        defer { backup.remove() }
        try FileManager.default.createDirectory(at: backup.url, withIntermediateDirectories: true)
        let copy = NodeDatabase.databasePath(in: backup.url)
        try await a.service.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [copy])
        }
        for id in ["C-2", "C-3"] { try await a.service.registerCustomer(Customer(id: CustomerID(id)), staff: "desk") }
        let transport = FeedRefusalTests.InProcessTransport(hub: hub.store, node: "A-1", now: { HubFixture.now })
        #expect(try await SyncAgent(service: a.service, transport: transport).syncOnce().acked == 3)

        // The store's machine comes back from the backup: one event where the hub holds three.
        let restored = NodeService(database: try NodeDatabase.open(in: backup.url), clock: { HubFixture.now })
        await #expect(throws: ProblemDetails.self) {
            _ = try await SyncAgent(service: restored, transport: transport).syncOnce()
        }
        #expect(restored.restoredFromBackup != nil)
        do {
            try await restored.registerCustomer(Customer(id: "C-4"), staff: "desk")
            Issue.record("a restored node issued a document")
        } catch let error as DomainError {
            #expect(error.code == "node.restoredFromBackup")
        }
        // Another process on the same data (the CLI) refuses too.
        let cli = NodeService(database: restored.database, clock: { HubFixture.now })
        #expect(cli.restoredFromBackup != nil)
        #expect(try await restored.ownLastSeq() == 1)
    }
}
