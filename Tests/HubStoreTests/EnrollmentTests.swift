import HubStore
import HubTesting
import Replication
import ReturnsDomain
import Testing

@Suite struct EnrollmentTests {
    @Test("an enrolled node is found by its secret's hash, and by nothing else", arguments: HubBackend.all)
    func credentialByHash(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll(node: "S-A-1", store: "S-A", role: .storeNode, secretHash: "h-a", now: Fixtures.t0)
        try await hub.store.enroll(node: "HQ-1", store: nil, role: .headOffice, secretHash: "h-hq", now: Fixtures.t0)

        #expect(
            try await hub.store.credential(secretHash: "h-a")
                == HubCredential(node: "S-A-1", store: "S-A", role: .storeNode, revoked: false))
        #expect(
            try await hub.store.credential(secretHash: "h-hq")
                == HubCredential(node: "HQ-1", store: nil, role: .headOffice, revoked: false))
        #expect(try await hub.store.credential(secretHash: "S-A-1") == nil)
        #expect(try await hub.store.credential(secretHash: "") == nil)
    }

    @Test(
        "a revoked credential is still found, marked revoked, and its pushes and pulls are refused",
        arguments: HubBackend.all)
    func revoke(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A")])
        var a = Author("S-A-1", store: "S-A")
        _ = try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0)

        try await hub.store.revoke(node: "S-A-1")
        try await hub.store.revoke(node: "S-A-1")  // idempotent
        #expect(try await hub.store.credential(secretHash: Fixtures.hash("S-A-1"))?.revoked == true)
        #expect(try await hub.store.status(of: "S-A-1")?.revoked == true)
        await expectHubError(HubError.Code.revoked) {
            _ = try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0)
        }
        await expectHubError(HubError.Code.revoked) {
            _ = try await hub.store.pull(for: "S-A-1", after: 0, limit: 10, now: Fixtures.t0)
        }
        #expect(try await hub.store.eventCount() == 1, "nothing of the refused push was written")
        await expectHubError(HubError.Code.unknownNode) { try await hub.store.revoke(node: "S-Z-9") }
    }

    @Test("a node that was never enrolled can neither push nor pull", arguments: HubBackend.all)
    func unknownNode(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        await expectHubError(HubError.Code.unknownNode) {
            _ = try await hub.store.push(ChangeSet([a.sale()]), from: "S-A-1", now: Fixtures.t0)
        }
        await expectHubError(HubError.Code.unknownNode) {
            _ = try await hub.store.pull(for: "S-A-1", after: 0, limit: 10, now: Fixtures.t0)
        }
        #expect(try await hub.store.eventCount() == 0)
    }

    /// (node, store, role, secret hash, expected code) after S-A-1 enrolled with `hash-of-S-A-1`.
    static let refusals: [(NodeID, StoreID?, HubRole, String, String)] = [
        ("S-A-1", "S-A", .storeNode, "fresh", HubError.Code.alreadyEnrolled),
        ("S-B-1", "S-B", .storeNode, "hash-of-S-A-1", HubError.Code.duplicateSecret),
        ("S-B-1", nil, .storeNode, "fresh", HubError.Code.storeRequired),
        ("WEB-1", nil, .onlineChannel, "fresh", HubError.Code.storeRequired),
        ("hub", nil, .headOffice, "fresh", HubError.Code.reservedNode),
        ("", nil, .headOffice, "fresh", HubError.Code.reservedNode),
        ("S-B-1", "S-B", .storeNode, "", HubError.Code.invalidSecret),
    ]

    @Test(
        "enrolment refuses a taken node id, a taken secret, a store node without a store, a reserved id",
        arguments: HubBackend.all)
    func enrolmentRefusals(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A")])
        for (node, store, role, hash, code) in Self.refusals {
            await expectHubError(code) {
                try await hub.store.enroll(node: node, store: store, role: role, secretHash: hash, now: Fixtures.t0)
            }
        }
        #expect(try await hub.store.syncStatus().map(\.node) == ["S-A-1"], "refused enrolments wrote nothing")
        #expect(
            try await hub.store.credential(secretHash: Fixtures.hash("S-A-1"))?.store == "S-A",
            "the first enrolment stands")
    }

    @Test("an operator's credential authors no events", arguments: HubBackend.all)
    func adminCannotPush(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("OPS-1", nil)], role: .admin)
        var ops = Author("OPS-1", store: "HQ")
        await expectHubError(HubError.Code.forbidden) {
            _ = try await hub.store.push(ChangeSet([ops.product("SKU-1")]), from: "OPS-1", now: Fixtures.t0)
        }
        #expect(try await hub.store.eventCount() == 0)
    }
}
