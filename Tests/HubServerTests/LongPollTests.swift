import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import SyncProtocol
import Testing

/// `GET /sync/v1/pull?wait=S` (Protocol/sync.md §3.2): an empty page is held until an event the
/// caller may see is appended, or `S` seconds pass. No assertion here depends on timing beyond
/// "the event arrives before the wait is up": a hold that was not woken answers an empty page.
@Suite("Hub API: long-poll pull")
struct LongPollTests {
    /// The feed head as `node` sees it: the checkpoint of an empty page.
    static func head(_ client: any TestClientProtocol, token: String) async throws -> UInt64 {
        let page = try await client.pull(after: 0, token: token).decode(PullResponse.self)
        #expect(page.events.isEmpty)
        return page.checkpoint
    }

    @Test("a held pull answers with the event a push appends while it waits", arguments: HubBackend.all)
    func pushWakesHeldPull(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll("S02-b", store: "S02")
            let after = try await Self.head(client, token: tokenB)
            try await a.setUp()
            let changeSet = try await a.changeSet()
            // B waits up to 30 s; A pushes meanwhile (before or after the hold begins: either way
            // the page must carry A's events, never an empty page at the end of the wait).
            async let held = client.call(.get, "\(SyncRoutes.pull)?after=\(after)&wait=30", token: tokenB)
            try await Task.sleep(for: .milliseconds(300))
            expectStatus(try await client.push(changeSet, token: tokenA), .ok)
            let answer = try await held
            expectStatus(answer, .ok)
            let page = try answer.decode(PullResponse.self)
            // What B may see of them (not S01's goods-in), as a plain pull reads it.
            let plain = try await client.pull(after: after, token: tokenB).decode(PullResponse.self)
            #expect(!page.events.isEmpty)
            #expect(page.events.map(\.event.dot) == plain.events.map(\.event.dot))
        }
    }

    @Test("a pull held past its wait answers an empty page; its own push does not end it", arguments: HubBackend.all)
    func timesOut(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            try await a.setUp()
            let after = try await Self.head(client, token: tokenA)
            async let held = client.call(.get, "\(SyncRoutes.pull)?after=\(after)&wait=2", token: tokenA)
            // A's own events are never sent back to it: they wake the hold, which waits on.
            expectStatus(try await client.push(try await a.changeSet(), token: tokenA), .ok)
            let answer = try await held
            expectStatus(answer, .ok)
            let page = try answer.decode(PullResponse.self)
            #expect(page.events.isEmpty && !page.more)
            #expect(page.checkpoint > after, "the checkpoint moves past what the node may not see")
        }
    }

    @Test("wait is a whole number of seconds from 0 to 30", arguments: ["31", "-1", "x", "", "1.5"])
    func badWait(wait: String) async throws {
        try await HubFixture.run(.sqlite) { hub, client in
            let token = try await hub.enroll("S02-b", store: "S02")
            let answer = try await client.call(.get, "\(SyncRoutes.pull)?after=0&wait=\(wait)", token: token)
            expectProblem(answer, .unprocessableContent, "input.invalidQuery")
        }
    }

    @Test("past the cap on held pulls a pull is answered at once")
    func cap() async throws {
        let hub = try await HubFixture(.sqlite)
        defer { hub.handle.remove() }
        let token = try await hub.enroll("S02-b", store: "S02")
        let app = Application(
            router: buildHubRouter(
                store: hub.store, clock: { HubFixture.now }, longPoll: LongPollLimits(maxHeld: 0)))
        try await app.test(.router) { client in
            let answer = try await client.call(.get, "\(SyncRoutes.pull)?after=0&wait=30", token: token)
            expectStatus(answer, .ok)
            #expect(try answer.decode(PullResponse.self).events.isEmpty)
            // Counted as not held (a count, not a time: a busy machine may delay any answer).
            let metrics = String(buffer: try await client.call(.get, "/metrics", token: nil).body)
            #expect(metrics.contains("returnsync_hub_pulls_not_held 1"), "\(metrics)")
        }
    }

    @Test("two hub processes over one PostgreSQL: a push to one wakes a pull held by the other")
    func acrossProcesses() async throws {
        let hub = try await HubFixture(.postgres)
        defer { hub.handle.remove() }
        let other = try await hub.handle.reopen()
        let a = try StoreNode("S01-a", store: "S01")
        let tokenA = try await hub.enroll(a.id, store: a.store)
        let tokenB = try await hub.enroll("S02-b", store: "S02")
        try await a.setUp()
        let changeSet = try await a.changeSet()
        let first = Application(router: buildHubRouter(store: hub.store, clock: { HubFixture.now }))
        let second = Application(router: buildHubRouter(store: other, clock: { HubFixture.now }))
        try await second.test(.router) { holder in
            let after = try await Self.head(holder, token: tokenB)
            async let held = holder.call(.get, "\(SyncRoutes.pull)?after=\(after)&wait=30", token: tokenB)
            // Let the hold begin (and its process listen) before the other process appends.
            try await Task.sleep(for: .milliseconds(500))
            try await first.test(.router) { pusher in
                expectStatus(try await pusher.push(changeSet, token: tokenA), .ok)
            }
            let page = try await held.decode(PullResponse.self)
            let plain = try await holder.pull(after: after, token: tokenB).decode(PullResponse.self)
            #expect(!page.events.isEmpty)
            #expect(page.events.map(\.event.dot) == plain.events.map(\.event.dot))
        }
    }
}
