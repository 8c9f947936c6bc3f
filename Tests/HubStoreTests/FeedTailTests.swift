import HubFeed
import HubStore
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// The hub's post-commit extension point (`HubFeedTail`): a subscriber sees every merged event
/// exactly once, in feed order, with its record's state — across a hub restart, and with two hub
/// processes over one PostgreSQL taking turns.
@Suite struct FeedTailTests {
    /// A test subscriber that records what it is handed.
    actor Recorder: HubFeedSubscriber {
        nonisolated let name: String
        private(set) var seen: [UInt64] = []
        private(set) var withoutRecord = 0
        init(_ name: String) { self.name = name }
        func deliver(_ events: [MergedEvent]) async throws {
            seen += events.map(\.hubSeq)
            withoutRecord += events.filter { $0.record == nil }.count
        }
    }

    /// Delivers until the feed is exhausted for `recorder`.
    static func drain(_ store: any HubStore, _ recorder: Recorder) async throws {
        let tail = HubFeedTail(store: store, subscribers: [recorder], batchSize: 7)
        while try await tail.deliverOnce(to: recorder) > 0 {}
    }

    @Test("every merged event once, in order, with its record's state, across a restart", arguments: HubBackend.all)
    func acrossRestart(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        _ = try await hub.store.push(ChangeSet(a.sales(12)), from: "S-A-1", now: Fixtures.t0)
        _ = try await hub.store.push(ChangeSet([b.receipt(), b.reorderPoint()]), from: "S-B-1", now: Fixtures.t0)
        let recorder = Recorder("test.recorder")

        // The service itself, until it has handed over what is there, then stopped.
        let running = Task {
            try await HubFeedTail(store: hub.store, subscribers: [recorder], batchSize: 5, idleDelay: .milliseconds(20))
                .run()
        }
        for _ in 0..<500 where await recorder.seen.count < 14 { try await Task.sleep(for: .milliseconds(20)) }
        running.cancel()
        _ = await running.result
        #expect(await recorder.seen == Array(1...14))

        // As after a restart: the same database opened again, more pushed, delivery resumes.
        let again = try await hub.reopen()
        _ = try await again.push(ChangeSet(a.sales(6)), from: "S-A-1", now: Fixtures.t0)
        try await Self.drain(again, recorder)
        #expect(await recorder.seen == Array(1...20))
        #expect(await recorder.withoutRecord == 0)
        #expect(try await again.checkpoint(of: "test.recorder") == 20)
        #expect(try await again.checkpoint(of: "someone else") == 0)
    }

    @Test("a failed delivery is handed over again; the checkpoint does not move past it", arguments: HubBackend.all)
    func failedDelivery(backend: HubBackend) async throws {
        actor Flaky: HubFeedSubscriber {
            nonisolated let name = "test.flaky"
            var failNext = true
            var seen: [UInt64] = []
            func deliver(_ events: [MergedEvent]) async throws {
                if failNext {
                    failNext = false
                    throw HubError(code: "test.refused", message: "receiver down")
                }
                seen += events.map(\.hubSeq)
            }
        }
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A")])
        var a = Author("S-A-1", store: "S-A")
        _ = try await hub.store.push(ChangeSet(a.sales(3)), from: "S-A-1", now: Fixtures.t0)
        let flaky = Flaky()
        let tail = HubFeedTail(store: hub.store, subscribers: [flaky])
        await #expect(throws: HubError.self) { _ = try await tail.deliverOnce(to: flaky) }
        #expect(try await hub.store.checkpoint(of: "test.flaky") == 0)
        #expect(try await tail.deliverOnce(to: flaky) == 3)
        #expect(await flaky.seen == [1, 2, 3])
    }

    @Test("two hub processes over one PostgreSQL, pushing and delivering at once: each event once")
    func twoProcesses() async throws {
        let hub = try await HubBackend.postgres.makeHub()
        defer { hub.remove() }
        let first = hub.store
        let second = try await hub.reopen()
        try await first.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        let recorder = Recorder("test.recorder")
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        let fromA = (0..<10).map { _ in ChangeSet(a.sales(4)) }
        let fromB = (0..<10).map { _ in ChangeSet(b.sales(4)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { for c in fromA { _ = try await first.push(c, from: "S-A-1", now: Fixtures.t0) } }
            group.addTask { for c in fromB { _ = try await second.push(c, from: "S-B-1", now: Fixtures.t0) } }
            for store in [first, second] {
                group.addTask {
                    let tail = HubFeedTail(store: store, subscribers: [recorder], batchSize: 3)
                    for _ in 0..<2_000 where await recorder.seen.count < 80 {
                        if try await tail.deliverOnce(to: recorder) == 0 { try await Task.sleep(for: .milliseconds(5)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await recorder.seen == Array(1...80), "each hub seq once, in order")
        // A restart of one process: it resumes where the pair ended.
        let third = try await hub.reopen()
        _ = try await third.push(ChangeSet(a.sales(5)), from: "S-A-1", now: Fixtures.t0)
        try await Self.drain(third, recorder)
        #expect(await recorder.seen == Array(1...85))
    }
}
