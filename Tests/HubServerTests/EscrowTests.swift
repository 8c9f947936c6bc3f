import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncClient
import SyncProtocol
import Testing

/// Escrow of returnable quantities (DESIGN §4): claims at the hub over HTTP, and the return desk
/// of a real node claiming, being refused, and falling back on its risk budget.
@Suite("Escrow: claims and risk budgets")
struct EscrowTests {
    /// Pulls everything `node` may see and applies it, as the sync agent does.
    static func catchUp(_ node: StoreNode, token: String, client: some TestClientProtocol) async throws {
        var checkpoint = try await node.service.syncCheckpoint().checkpoint
        while true {
            let page = try await client.pull(after: checkpoint, token: token).decode(PullResponse.self)
            _ = try await node.service.applyPulled(
                page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
            checkpoint = page.checkpoint
            if !page.more { break }
        }
    }

    /// Pushes `node`'s outbox and acknowledges it, as the sync agent does.
    static func pushAll(_ node: StoreNode, token: String, client: some TestClientProtocol) async throws {
        guard let changeSet = try await node.service.outboxChangeSet(limit: SyncRoutes.maxChangeSetEvents) else {
            return
        }
        let answer = try await client.push(changeSet, token: token)
        expectStatus(answer, .ok)
        try await node.service.acknowledge(through: try answer.decode(PushResponse.self).acked)
    }

    static func claim(_ sale: SaleID, _ returnID: ReturnID, _ lines: [EscrowLine]) throws -> String {
        try jsonText(EscrowClaim(sale: sale, returnID: returnID, lines: lines))
    }

    @Test(
        "the hub grants a claim once, answers a retry with the same grant, and refuses what is not there",
        arguments: HubBackend.all)
    func claimsOverHTTP(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll("S02-a", store: "S02")
            let tokenC = try await hub.enroll("S03-a", store: "S03")
            let web = try await hub.enroll("WEB-1", store: "WEB", role: .onlineChannel)
            let hq = try await hub.enroll("HQ-1", store: nil, role: .headOffice)
            try await a.setUp()
            try await a.sell("R-S01-1", quantity: 2)
            try await Self.pushAll(a, token: tokenA, client: client)
            let path = SyncRoutes.escrowClaims

            let first = try await client.call(
                .post, path, token: tokenB,
                raw: try Self.claim("R-S01-1", "RT-S02-a-1", [EscrowLine(line: 1, quantity: 2)]))
            expectStatus(first, .created)
            let grant = try first.decode(EscrowGrant.self)
            #expect(grant.holder == "S01" && grant.lines == [EscrowLine(line: 1, quantity: 2)])
            #expect(grant.expiresAt == HubFixture.now + Escrow.claimLifetimeMillis)

            // A retry (the answer was lost) gets the same grant; the same return with other lines is a conflict.
            let retry = try await client.call(
                .post, path, token: tokenB,
                raw: try Self.claim("R-S01-1", "RT-S02-a-1", [EscrowLine(line: 1, quantity: 2)]))
            expectStatus(retry, .ok)
            #expect(try retry.decode(EscrowGrant.self) == grant)
            _ = expectProblem(
                try await client.call(
                    .post, path, token: tokenB,
                    raw: try Self.claim("R-S01-1", "RT-S02-a-1", [EscrowLine(line: 1, quantity: 1)])),
                .conflict, "escrow.claimConflict")

            // Both units are held for S02: nobody else gets one, not even the online channel.
            let refused = expectProblem(
                try await client.call(
                    .post, path, token: tokenC,
                    raw: try Self.claim("R-S01-1", "RT-S03-a-1", [EscrowLine(line: 1, quantity: 1)])),
                .conflict, "escrow.insufficient")
            #expect(refused?.detail.contains("held by other claims 2") == true, "\(String(describing: refused))")
            var headers: HTTPFields = [.authorization: "Bearer \(web)", .contentType: "application/json"]
            headers[.init("Idempotency-Key")!] = "web-1"
            let channel = try await client.execute(
                uri: "/api/v1/channel/returns", method: .post, headers: headers,
                body: ByteBuffer(
                    string: try jsonText(
                        ChannelReturnRequest(
                            sale: "R-S01-1",
                            lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]
                        ))))
            _ = expectProblem(channel, .unprocessableContent, "return.overReturn")

            // The holder's own node claims too while online, and is told the units are held elsewhere.
            _ = expectProblem(
                try await client.call(
                    .post, path, token: tokenA,
                    raw: try Self.claim("R-S01-1", "RT-S01-a-9", [EscrowLine(line: 1, quantity: 1)])),
                .conflict, "escrow.insufficient")

            // Shapes and parties the hub refuses.
            _ = expectProblem(
                try await client.call(
                    .post, path, token: tokenC,
                    raw: try Self.claim("R-S01-1", "RT-S03-a-2", [EscrowLine(line: 1, quantity: 0)])),
                .unprocessableContent, "escrow.invalidClaim")
            _ = expectProblem(
                try await client.call(
                    .post, path, token: tokenC,
                    raw: try Self.claim("R-S01-1", "RT-S03-a-3", [EscrowLine(line: 7, quantity: 1)])),
                .unprocessableContent, "escrow.invalidClaim")
            _ = expectProblem(
                try await client.call(
                    .post, path, token: tokenC,
                    raw: try Self.claim("R-NONE", "RT-S03-a-4", [EscrowLine(line: 1, quantity: 1)])),
                .notFound, "sale.notFound")
            _ = expectProblem(
                try await client.call(
                    .post, path, token: web,
                    raw: try Self.claim("R-S01-1", "RT-WEB-1", [EscrowLine(line: 1, quantity: 1)])),
                .forbidden, "auth.forbidden")
            _ = expectProblem(
                try await client.call(.post, path, token: tokenC, raw: "{\"sale\": 12"), .badRequest,
                "input.malformedJSON")

            // Head office sees the one outstanding claim; the refusals left nothing behind.
            let listed = try await client.call(.get, "/api/v1/escrow/claims", token: hq)
            expectStatus(listed, .ok)
            #expect(try listed.decode([EscrowGrant].self) == [grant])
            _ = expectProblem(
                try await client.call(.get, "/api/v1/escrow/claims", token: tokenB), .forbidden, "auth.forbidden")
            #expect(
                try await hub.store.outstandingClaims(now: HubFixture.now + Escrow.claimLifetimeMillis).isEmpty,
                "the claim lapses")
        }
    }

    @Test("claims racing for the last unit: exactly one is granted", arguments: HubBackend.all)
    func race(backend: HubBackend) async throws {
        let hub = try await HubFixture(backend)
        defer { hub.handle.remove() }
        let a = try StoreNode("S01-a", store: "S01")
        let tokenA = try await hub.enroll(a.id, store: a.store)
        _ = tokenA
        try await a.setUp()
        try await a.sell("R-S01-1", quantity: 1)
        _ = try await hub.store.push(try await a.changeSet(), from: a.id, now: HubFixture.now)
        let claimants = (2...9).map {
            HubCredential(node: NodeID("S0\($0)-a"), store: StoreID("S0\($0)"), role: .storeNode, revoked: false)
        }
        for c in claimants { _ = try await hub.enroll(c.node, store: c.store) }
        let store = hub.store
        let outcomes = await withTaskGroup(of: String.self) { group in
            for c in claimants {
                group.addTask {
                    do {
                        _ = try await store.claimEscrow(
                            EscrowClaim(
                                sale: "R-S01-1", returnID: ReturnID("RT-\(c.node)-1"),
                                lines: [EscrowLine(line: 1, quantity: 1)]),
                            from: c, now: HubFixture.now)
                        return "granted"
                    } catch let error as HubError {
                        return error.code
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var all: [String] = []
            for await o in group { all.append(o) }
            return all
        }
        #expect(outcomes.filter { $0 == "granted" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "escrow.insufficient" }.count == claimants.count - 1, "\(outcomes)")
        #expect(try await store.outstandingClaims(now: HubFixture.now).count == 1)
    }

    @Test(
        "the desk claims another store's line from the hub, records nothing when refused, and offline stays within its risk budget",
        arguments: HubBackend.all)
    func deskWithEscrow(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-a", store: "S02")
            let c = try StoreNode("S03-a", store: "S03")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            let tokenC = try await hub.enroll(c.id, store: c.store)
            try await a.setUp()
            try await a.sell("R-S01-1", quantity: 1)
            try await a.sell("R-S01-2", quantity: 3)
            try await a.sell("R-S01-3", quantity: 1)
            try await Self.pushAll(a, token: tokenA, client: client)
            try await Self.catchUp(b, token: tokenB, client: client)
            try await Self.catchUp(c, token: tokenC, client: client)
            func command(_ sale: SaleID, quantity: Int = 1) -> CreateReturnCommand {
                CreateReturnCommand(
                    sale: sale,
                    lines: [RequestedLine(saleLine: 1, quantity: quantity, reason: .changedMind, condition: .unopened)])
            }
            let claimerB = InProcessClaimer(
                store: hub.store,
                credential: HubCredential(node: b.id, store: b.store, role: .storeNode, revoked: false))
            let claimerC = InProcessClaimer(
                store: hub.store,
                credential: HubCredential(node: c.id, store: c.store, role: .storeNode, revoked: false))

            // Online: B claims the one unit of R-S01-1 and records the return.
            let claimed = try await b.service.createReturn(command("R-S01-1"), staff: "desk", claimer: claimerB)
            let statusB = try await b.service.escrowStatus()
            #expect(statusB.recent.first?.returnID == claimed.id && statusB.recent.first?.basis == .claim)
            #expect(statusB.recent.first?.claim == EscrowRules.claimID(node: b.id, returnID: claimed.id))
            #expect(statusB.used.minor == 0, "a claimed return uses no risk budget")

            // C, online, asks for the same unit: the hub says no and C records nothing.
            let eventsBefore = try await c.service.read { try $0.eventCount() }
            await expectDomainError("escrow.insufficient") {
                _ = try await c.service.createReturn(command("R-S01-1"), staff: "desk", claimer: claimerC)
            }
            #expect(try await c.service.read { try $0.eventCount() } == eventsBefore)
            #expect(try await c.service.escrowStatus().recent.isEmpty)

            // The holder, online, claims its own line too: B holds the unit, so A records nothing either.
            let claimerA = InProcessClaimer(
                store: hub.store,
                credential: HubCredential(node: a.id, store: a.store, role: .storeNode, revoked: false))
            let eventsA = try await a.service.read { try $0.eventCount() }
            await expectDomainError("escrow.insufficient") {
                _ = try await a.service.createReturn(command("R-S01-1"), staff: "desk", claimer: claimerA)
            }
            #expect(
                try await a.service.read { try $0.eventCount() } == eventsA, "a refused holder return writes nothing")
            // A sale of its own that nobody else holds: granted and recorded, no risk budget, no escrow record.
            let own = try await a.service.createReturn(command("R-S01-3"), staff: "desk", claimer: claimerA)
            #expect(own.id == "RT-S01-000001", "the refused claim gave its number back")
            #expect(
                try await hub.store.outstandingClaims(now: HubFixture.now).contains {
                    $0.returnID == own.id && $0.holder == "S01"
                })
            #expect(try await a.service.escrowStatus().recent.isEmpty)

            // When B's and A's returns merge, their claims are used up: they no longer hold anything.
            try await Self.pushAll(b, token: tokenB, client: client)
            try await Self.pushAll(a, token: tokenA, client: client)
            #expect(try await hub.store.outstandingClaims(now: HubFixture.now).isEmpty)
            #expect(try await hub.store.state().exceptions().isEmpty)

            // Offline (the hub's address refuses connections): the risk budget, 200.00 by default.
            let offline = HubEscrowClaimer(baseURL: "http://127.0.0.1:1", token: "unused", timeoutSeconds: 1)
            let first = try await c.service.createReturn(command("R-S01-2"), staff: "desk", claimer: offline)
            #expect(first.id == "RT-S03-000001", "C's refused claim gave its number back")
            var statusC = try await c.service.escrowStatus()
            #expect(statusC.recent.first?.returnID == first.id && statusC.recent.first?.basis == .riskBudget)
            #expect(statusC.used.minor == 100_00 && statusC.available.minor == 100_00)
            let before = try await c.service.read { try $0.eventCount() }
            await expectDomainError("escrow.budgetExhausted") {
                _ = try await c.service.createReturn(command("R-S01-2", quantity: 2), staff: "desk", claimer: offline)
            }
            #expect(
                try await c.service.read { try $0.eventCount() } == before, "a return over the budget writes nothing")
            try await c.service.setRiskBudget(Money(500_00, HubFixture.eur))
            let third = try await c.service.createReturn(
                command("R-S01-2", quantity: 2), staff: "desk", claimer: offline)
            #expect(
                third.id == "RT-S03-000003", "after no answer the number stays used: the hub may hold a claim under it")
            statusC = try await c.service.escrowStatus()
            #expect(
                statusC.used.minor == 300_00 && statusC.recent.count == 2
                    && statusC.recent.allSatisfy { !$0.acknowledged })

            // Once the hub holds them the budget is free again; the hub checked them at merge.
            try await Self.pushAll(c, token: tokenC, client: client)
            statusC = try await c.service.escrowStatus()
            #expect(statusC.used.minor == 0 && statusC.recent.allSatisfy(\.acknowledged))
            #expect(try await hub.store.state().exceptions().isEmpty, "3 of 3 units: no over-return")
        }
    }

    @Test("what slips through offline is an over-return exception at the hub, never dropped", arguments: HubBackend.all)
    func breachBecomesException(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-a", store: "S02")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            try await a.setUp()
            try await a.sell("R-S01-1", quantity: 1)
            try await Self.pushAll(a, token: tokenA, client: client)
            try await Self.catchUp(b, token: tokenB, client: client)
            let line = [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]
            // The holder, offline (its claim cannot reach the hub), takes the unit back on its own
            // authority; B, offline, takes the same unit on its risk budget.
            let offline = HubEscrowClaimer(baseURL: "http://127.0.0.1:1", token: "unused", timeoutSeconds: 1)
            _ = try await a.service.createReturn(
                CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk", claimer: offline)
            _ = try await b.service.createReturn(
                CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk", claimer: nil)
            try await Self.pushAll(a, token: tokenA, client: client)
            try await Self.pushAll(b, token: tokenB, client: client)
            let exceptions = try await hub.store.state().exceptions()
            #expect(exceptions.contains { $0.code.contains("overReturn") }, "\(exceptions)")
            #expect(
                try await hub.store.state().returns(store: nil, status: nil, limit: 10).count == 2, "both returns kept")
        }
    }
}

/// A claimer that asks a hub store in this process (the HTTP route is tested above).
struct InProcessClaimer: EscrowClaimer {
    let store: any HubStore
    let credential: HubCredential

    func claimEscrow(_ claim: EscrowClaim) async throws -> EscrowGrant {
        do {
            return try await store.claimEscrow(claim, from: credential, now: HubFixture.now).grant
        } catch let error as HubError where EscrowRefusal.refusingCodes.contains(error.code) {
            throw EscrowRefusal(code: error.code, message: error.message)
        }
    }
}

/// Expects `body` to throw a `DomainError` with `code`.
func expectDomainError(
    _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DomainError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
