import HubStore
import HubTesting
import Replication
import Testing

@Suite struct EpochTests {
    @Test("the epoch is the same after reopening the hub database and differs for a new one", arguments: HubBackend.all)
    func epoch(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let epoch = try await hub.store.epoch()
        #expect(epoch.count >= 16)
        try await hub.store.enroll([("S-A-1", "S-A")])
        var a = Author("S-A-1", store: "S-A")
        #expect(try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0).epoch == epoch)

        let reopened = try await hub.reopen()
        #expect(try await reopened.epoch() == epoch)
        #expect(try await reopened.pull(for: "S-A-1", after: 0, limit: 1, now: Fixtures.t0).epoch == epoch)
        #expect(try await reopened.status(of: "S-A-1")?.acked == 1, "what was pushed survives reopening")

        let rebuilt = try await backend.makeHub()
        defer { rebuilt.remove() }
        #expect(try await rebuilt.store.epoch() != epoch, "a rebuilt hub has a new epoch")
    }

    @Test(
        "rotate-epoch: a new epoch at once and after reopening; what the hub holds is unchanged",
        arguments: HubBackend.all)
    func rotate(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let old = try await hub.store.epoch()
        try await hub.store.enroll([("S-A-1", "S-A")])
        var a = Author("S-A-1", store: "S-A")
        _ = try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0)

        let new = try await hub.store.rotateEpoch()
        #expect(new != old && new.count >= 16)
        #expect(try await hub.store.epoch() == new)
        #expect(try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0).epoch == new)
        #expect(try await hub.store.pull(for: "S-A-1", after: 0, limit: 1, now: Fixtures.t0).epoch == new)
        let reopened = try await hub.reopen()
        #expect(try await reopened.epoch() == new)
        #expect(try await reopened.status(of: "S-A-1")?.acked == 2)
        #expect(try await reopened.verify().isOK)
    }
}
