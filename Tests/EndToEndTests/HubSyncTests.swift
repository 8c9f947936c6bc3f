import Foundation
import HubStore
import HubStoreSQLite
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hub and its nodes as real processes on loopback: `hub serve`, `node sync --once` and the
/// desk commands of the real binary, with the databases read directly to compare what each
/// replica holds. Serialized: the kill -9 scenario depends on timing, and the machine has 2 cores.
@Suite("hub sync end to end", .serialized)
struct HubSyncTests {
    // MARK: 1. Offline store, then convergence

    @Test("a store offline for a while converges; the over-return it caused is an exception")
    func offlineStoreConverges() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        let c = try await f.addNode("C1", store: "S-C")
        let d = try await f.addNode("D1", store: "S-D")
        try await f.startHub()

        try await f.seedCatalog(a, stock: 20)
        try await f.recordSale(a, id: "S-A-1", quantity: 2)
        try await f.recordSale(a, id: "S-A-2", quantity: 1)
        try await f.syncUntilQuiet([a, b, c, d])

        // B loses its link to the hub and takes back goods sold at store A (escrow: it cannot claim
        // them, so its risk budget covers them): one unit of S-A-1, and the last unit of S-A-2,
        // which C, online, claims from the hub, takes back and syncs first.
        try await f.cutOff(b)
        try await f.createReturn(b, sale: "S-A-1")
        try await f.createReturn(c, sale: "S-A-2")
        try await f.sync(c)
        try await f.recordSale(a, id: "S-A-3", quantity: 1)
        try await f.sync(a)
        try await f.createReturn(b, sale: "S-A-2")
        #expect(try await f.nodeOutbox(b) == 4, "two returns, each requested and approved by policy")
        let escrowB = try await f.service(b).escrowStatus()
        #expect(escrowB.recent.map(\.basis) == [.riskBudget, .riskBudget] && escrowB.used.minor == 20_00, "\(escrowB)")
        let escrowC = try await f.service(c).escrowStatus()
        #expect(escrowC.recent.map(\.basis) == [.claim], "\(escrowC)")

        // D, online but not synced since C's return, believes S-A-2 still returnable: its claim is
        // refused by the hub and nothing is written.
        let eventsD = try await f.nodeEvents(d).count
        let claimRefused = try await f.tryReturn(d, sale: "S-A-2")
        #expect(claimRefused.status != 0 && claimRefused.stderr.contains("escrow.insufficient"), "\(claimRefused)")
        #expect(try await f.nodeEvents(d).count == eventsD)
        #expect(try await f.nodeOutbox(d) == 0)

        // The online shop, meanwhile, takes back S-A-3's unit through the hub's channel API; a
        // retry of the same request (same Idempotency-Key) records nothing more.
        let shop = try await f.enroll(node: "WEB-1", store: "WEB", role: "onlineChannel")
        let channel = try await f.channelReturn(sale: "S-A-3", key: "web-order-9-return", token: shop)
        #expect(channel.status == 201, "\(channel)")
        let retry = try await f.channelReturn(sale: "S-A-3", key: "web-order-9-return", token: shop)
        #expect(retry.status == 201 && retry.body == channel.body, "\(retry)")

        // B comes back.
        try await f.reconnect(b)
        let back = try await f.sync(b)
        #expect(back.pushed == 4 && back.acked == 4, "\(back)")
        #expect(back.pulled > 0, "B should pull C's return and A's new sale: \(back)")

        let exceptions = try await f.hub().state().exceptions()
        let overReturns = exceptions.filter { $0.code == "return.overReturn" }
        #expect(overReturns.map(\.record) == [.sale(SaleID("S-A-2"))], "hub exceptions: \(exceptions)")
        #expect(overReturns.first?.message.contains("line 1") == true, "\(overReturns)")
        #expect(Set(overReturns.first?.dots.map(\.node) ?? []) == [b.nodeID, c.nodeID], "\(overReturns)")

        try await f.syncUntilQuiet([a, b, c])
        for node in [a, b, c] {
            #expect(try await f.nodeOutbox(node) == 0, "outbox of \(node.id)")
            let held = try await f.nodeEvents(node)
            let relevant = try await f.relevantHubEvents(for: node)
            #expect(
                Set(held.map(\.dot)) == Set(relevant.map(\.dot)),
                "\(node.id) holds \(held.count) events, the hub has \(relevant.count) for it")
            let nodeState = ReplicaState.fold(held)
            let hubState = ReplicaState.fold(relevant)
            #expect(nodeState.digest == hubState.digest, "state of \(node.id) differs from the hub's view of it")
            #expect(nodeState.exceptions.contains { $0.code == "return.overReturn" }, "\(node.id) sees the over-return")
            #expect(
                held.contains { $0.dot.node == "hub" && $0.record.kind == .returnOrder },
                "\(node.id) holds the shop's return")
            let report = try await f.verifyNode(node)
            #expect(report.ok && report.outbox == 0 && report.mismatches.isEmpty, "node verify \(node.id): \(report)")
        }
        // A's desk lists its own store's returns (none), not those of its sales at B, C and the
        // shop that its replica holds; those it shows when asked for by store. Its stock is S-A's.
        struct Listed: Decodable { var id: String }
        let aReturns = try await HubFixture.expectSuccess(["return", "list", "--data", a.data, "--json"])
        #expect(try JSONDecoder().decode([Listed].self, from: Data(aReturns.stdout.utf8)).isEmpty, "\(aReturns)")
        let atB = try await HubFixture.expectSuccess(["return", "list", "--data", a.data, "--store", "S-B", "--json"])
        #expect(try JSONDecoder().decode([Listed].self, from: Data(atB.stdout.utf8)).count == 2, "\(atB)")
        struct Row: Decodable { var store: String }
        let stockA = try await HubFixture.expectSuccess(["stock", "--data", a.data, "--json"])
        #expect(try JSONDecoder().decode([Row].self, from: Data(stockA.stdout.utf8)).allSatisfy { $0.store == "S-A" })
        // A's goods-in is store-private: B and C never receive it, the hub holds it.
        let hubEvents = try await f.hubEvents()
        #expect(hubEvents.contains { $0.record.kind == .inventoryReceipt })
        let bEvents = try await f.nodeEvents(b)
        #expect(!bEvents.contains { $0.record.kind == .inventoryReceipt })
        let verify = try await f.hub().verify()
        #expect(verify.isOK, "hub verify: \(verify)")
        #expect(verify.events == hubEvents.count && verify.feed == hubEvents.count)
        // The same check from the command line, as an operator runs it.
        let cli = try await HubFixture.expectSuccess(["hub", "verify", "--data", f.hubData, "--json"])
        struct Report: Decodable { var integrity: String, events: Int, mismatches: [String] }
        let report = try JSONDecoder().decode(Report.self, from: Data(cli.stdout.utf8))
        #expect(report.integrity == "ok" && report.events == hubEvents.count && report.mismatches.isEmpty, "\(cli)")
    }

    // MARK: 2. Duplicates, reordering and replays over HTTP

    @Test("duplicate, reordered and replayed change sets leave each event exactly once")
    func duplicateReorderedReplayed() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.seedCatalog(a, stock: 50)
        for i in 1...6 { try await f.recordSale(a, id: "S-A-\(i)", quantity: 1) }
        try await f.startHub()

        let changeSet = try #require(try await f.service(a).outboxChangeSet(limit: 1_000))
        let events = changeSet.events
        #expect(events.count == 8 && events.map(\.dot.seq) == Array(1...8))
        let firstHalf = ChangeSet(node: a.nodeID, events: Array(events.prefix(4)))
        let secondHalf = ChangeSet(node: a.nodeID, events: Array(events.suffix(from: 4)))

        // Second half first: a gap; the hub says where to start and stores nothing.
        for _ in 0..<2 {
            let gap = try await f.push(secondHalf, token: a.token)
            #expect(gap.status == 409 && gap.problem?.code == "sync.gap" && gap.problem?.expectedSeq == 1, "\(gap)")
        }
        #expect(try await f.hubEvents().isEmpty)

        // Events out of order inside one change set: malformed, nothing stored.
        let shuffled = ChangeSet(node: a.nodeID, events: [events[1], events[0]] + events[2...])
        let bad = try await f.push(shuffled, token: a.token)
        #expect(bad.status == 400 && bad.problem?.code == "sync.badSequence", "\(bad)")
        #expect(try await f.hubEvents().isEmpty)

        // Then in order, each part twice, and the whole set replayed.
        let first = try await f.push(firstHalf, token: a.token)
        #expect(first.status == 200 && first.push?.acked == 4 && first.push?.applied == 4, "\(first)")
        let again = try await f.push(firstHalf, token: a.token)
        #expect(again.status == 200 && again.push?.applied == 0 && again.push?.duplicates == 4, "\(again)")
        let whole = try await f.push(changeSet, token: a.token)
        #expect(
            whole.status == 200 && whole.push?.acked == 8 && whole.push?.applied == 4 && whole.push?.duplicates == 4,
            "\(whole)")
        for replay in [secondHalf, changeSet, firstHalf] {
            let answer = try await f.push(replay, token: a.token)
            #expect(
                answer.status == 200 && answer.push?.acked == 8 && answer.push?.applied == 0
                    && answer.push?.duplicates == replay.events.count, "\(answer)")
        }

        let held = try await f.hubEvents()
        #expect(held.count == 8 && Set(held.map(\.dot)).count == 8)
        #expect(Set(held) == Set(events), "the hub holds exactly the node's events, content included")
        #expect(try await f.hubStatus(of: a.id)?.acked == 8)

        // The node learns the hub has them all: its own sync pushes only duplicates and empties the outbox.
        let round = try await f.sync(a)
        #expect(round.pushed == 0 && round.pushDuplicates == 8 && round.acked == 8, "\(round)")
        #expect(try await f.nodeOutbox(a) == 0)
        #expect(try await f.hubEvents().count == 8)
        let verify = try await f.hub().verify()
        #expect(verify.isOK, "hub verify: \(verify)")
    }

    // MARK: 3. kill -9 of the hub in the middle of a push

    static let bigOutboxSales = 2_400

    @Test("kill -9 of the hub mid-push: after a restart nothing is lost or doubled")
    func killHubMidPush() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let k = try await f.addNode("K1", store: "S-K")
        let viewer = try await f.enroll(node: "HQ-VIEW", store: nil, role: "headOffice")
        try await f.seedCatalog(k, stock: Self.bigOutboxSales + 10)
        try await f.recordSale(k, id: "S-K-0", quantity: 1)
        try Self.recordSales(in: k, f: f, count: Self.bigOutboxSales)
        let total = UInt64(Self.bigOutboxSales + 3)
        #expect(try await f.nodeOutbox(k) == Int(total))
        try await f.startHub()

        // Push in the background: 500-event change sets, each ~0.4 s of hub work in a debug build.
        // Once the hub has acknowledged the first, wait until it is inside the transaction of a
        // later one (it holds SQLite's write lock) and SIGKILL it there.
        let probe = try f.hubLockProbe()
        let sync = try f.background(["node", "sync", "--data", k.data, "--once", "--json"], log: "sync-1.log")
        var ackedAtKill: UInt64 = 0
        var deadline = Date().addingTimeInterval(30)
        while Date() < deadline, sync.isRunning {
            if let answer = try? await f.get("/api/v1/sync-status", token: viewer), answer.status == 200,
                let rows = try? JSONDecoder().decode([NodeSyncStatus].self, from: answer.body),
                let acked = rows.first(where: { $0.node == k.nodeID })?.acked, acked > 0
            {
                ackedAtKill = acked
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        var midTransaction = false
        deadline = Date().addingTimeInterval(10)
        while Date() < deadline, sync.isRunning, !midTransaction {
            midTransaction = HubFixture.hubIsWriting(probe)
            if !midTransaction { try await Task.sleep(for: .milliseconds(1)) }
        }
        let hub = try #require(f.server)
        hub.send(SIGKILL)
        let died = try await hub.waitForExit()
        #expect(died?.reason == .uncaughtSignal && died?.status == SIGKILL, "the hub was not killed")
        #expect(ackedAtKill > 0 && ackedAtKill < total, "the kill came at acked \(ackedAtKill) of \(total)")
        #expect(midTransaction, "the hub was never seen inside a push transaction after acked \(ackedAtKill)")
        // The push in flight dies with the hub: the node's round fails.
        let interrupted = try await sync.waitForExit(within: 40)
        #expect(
            interrupted?.reason == .exit && interrupted?.status == 1, "node sync was not interrupted: \(sync.logText)")

        // The killed transaction left nothing behind; what was acknowledged before it is all there.
        let heldAfterCrash = try await f.hubStatus(of: k.id)?.acked ?? 0
        #expect(heldAfterCrash >= ackedAtKill && heldAfterCrash < total, "acked \(heldAfterCrash) after the crash")
        #expect(try await f.hubEvents().count == Int(heldAfterCrash))

        // Restart the hub on the same data and port; sync until the outbox is empty.
        try await f.startHub()
        var rounds: [HubSyncRound] = []
        for _ in 0..<5 {
            rounds.append(try await f.sync(k))
            if try await f.nodeOutbox(k) == 0 { break }
        }
        #expect(try await f.nodeOutbox(k) == 0, "rounds after the restart: \(rounds)")
        #expect(
            rounds.map(\.pushed).reduce(0, +) == Int(total - heldAfterCrash),
            "after the restart the hub took exactly what it lacked: \(rounds)")

        let nodeEvents = try await f.nodeEvents(k)
        let hubEvents = try await f.hubEvents()
        #expect(nodeEvents.count == Int(total))
        #expect(hubEvents.count == nodeEvents.count, "hub holds \(hubEvents.count), node made \(nodeEvents.count)")
        #expect(Set(hubEvents.map(\.dot)).count == hubEvents.count, "a dot is held twice")
        #expect(Set(hubEvents) == Set(nodeEvents), "the hub's events differ from the node's")
        #expect(try await f.hubStatus(of: k.id)?.acked == total)
        let hubVerify = try await f.hub().verify()
        #expect(hubVerify.isOK && hubVerify.feed == Int(total), "hub verify: \(hubVerify)")
        let nodeVerify = try await f.verifyNode(k)
        #expect(nodeVerify.ok && nodeVerify.outbox == 0 && nodeVerify.events == Int(total), "\(nodeVerify)")
    }

    /// `count` one-unit sales cloned from receipt S-K-0, authored in one local transaction (the
    /// CLI would take a process per sale).
    static func recordSales(in node: HubTestNode, f: HubFixture, count: Int) throws {
        let service = try f.service(node)
        try service.transactionSync { db, log in
            let reader = NodeReader(db: db, identity: service.identity)
            let template = try #require(try reader.sale(SaleID("S-K-0")))
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for i in 1...count {
                var sale = template
                sale.id = SaleID("S-K-\(i)")
                try log.author(.saleRecorded(sale), on: .sale(sale.id), staff: StaffID("till"), now: now)
            }
        }
    }

    // MARK: 4. A node restored from an old backup

    @Test(
        "a node restored from an old backup is refused with sync.dotConflict and an incident")
    func restoredBackupRefused() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 20)
        try await f.recordSale(a, id: "S-A-1", quantity: 1)
        try await f.sync(a)  // seqs 1…3 at the hub

        // Back up the (stopped) node's folder, then carry on and sync: seqs 4 and 5.
        let backup = f.folder.file("backup-A1")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: a.data), to: backup)
        try await f.recordSale(a, id: "S-A-2", quantity: 1)
        try await f.recordSale(a, id: "S-A-3", quantity: 1)
        #expect(try await f.sync(a).acked == 5)
        let before = try await f.hubEvents()
        #expect(before.count == 5)

        // Restore the backup: the next event reuses seq 4 with different content.
        try FileManager.default.removeItem(atPath: a.data)
        try FileManager.default.copyItem(at: backup, to: URL(fileURLWithPath: a.data))
        try await f.recordSale(a, id: "S-A-99", quantity: 2)
        let offered = try #require(try await f.service(a).outboxChangeSet(limit: 1_000))
        #expect(offered.events.map(\.dot.seq) == [4])

        let sync = try await returnsync(["node", "sync", "--data", a.data, "--once", "--json"])
        #expect(sync.status != 0, "\(sync)")
        #expect(sync.stderr.contains("sync.dotConflict"), "\(sync)")
        // The same answer over HTTP: 409 sync.dotConflict.
        let answer = try await f.push(offered, token: a.token)
        #expect(answer.status == 409 && answer.problem?.code == "sync.dotConflict", "\(answer)")

        let status = try await returnsync(["hub", "status", "--data", f.hubData, "--json"])
        #expect(status.status == 0, "\(status)")
        struct Status: Decodable { var incidents: [HubIncident] }
        let incidents = try JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)).incidents
        #expect(incidents.count == 1, "\(incidents)")
        let incident = try #require(incidents.first)
        #expect(incident.code == "sync.dotConflict" && incident.node == a.nodeID && incident.dot.seq == 4)
        #expect(incident.occurrences == 2, "the CLI's offer and the HTTP one are the same offer: \(incident)")

        // Nothing of the restored node's new history is stored.
        let after = try await f.hubEvents()
        #expect(Set(after) == Set(before))
        #expect(!after.contains(offered.events[0]))
        #expect(try await f.hub().state().sale(SaleID("S-A-99")) == nil)
        #expect(try await f.hubStatus(of: a.id)?.acked == 5)
        let verify = try await f.hub().verify()
        #expect(verify.isOK, "hub verify: \(verify)")
    }

    // MARK: 5. A forged author

    @Test("a change set authored by another node is refused with sync.forgedAuthor")
    func forgedAuthorRefused() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.startHub()
        try await f.seedCatalog(b, stock: 5)
        try await f.sync(b)
        try await f.seedCatalog(a, stock: 5)
        try await f.recordSale(a, id: "S-A-1", quantity: 1)
        let before = try await f.hubEvents()
        #expect(before.count == 2)

        let aEvents = try #require(try await f.service(a).outboxChangeSet(limit: 1_000))
        // B's token, A's change set as is; and A's events under B's name.
        for forged in [aEvents, ChangeSet(node: b.nodeID, events: aEvents.events)] {
            let answer = try await f.push(forged, token: b.token)
            #expect(answer.status == 403 && answer.problem?.code == "sync.forgedAuthor", "\(answer)")
        }
        #expect(try await f.hubEvents() == before)
        #expect(try await f.hubStatus(of: b.id)?.acked == 2)
        #expect(try await f.hubStatus(of: a.id)?.acked == 0)

        // A's own credential still works for A's events.
        #expect(try await f.sync(a).acked == 3)
        #expect(try await f.hubEvents().count == 5)
        let verify = try await f.hub().verify()
        #expect(verify.isOK, "hub verify: \(verify)")
    }

    // MARK: 6. The hub restored from an older backup

    @Test(
        "the hub restored from an older backup: nodes resync by themselves, and after rotate-epoch too")
    func hubRestoredFromBackup() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 10)
        try await f.recordSale(a, id: "S-A-1", quantity: 1)
        try await f.syncUntilQuiet([a, b])

        // The backup: the hub's folder copied while the hub is stopped.
        let backup = f.folder.file("hub-backup")
        f.stopHub()
        try FileManager.default.copyItem(atPath: f.hubData, toPath: backup.path)
        try await f.startHub()
        try await f.recordSale(a, id: "S-A-2", quantity: 1)
        try await f.recordSale(a, id: "S-A-3", quantity: 1)
        try await f.syncUntilQuiet([a, b])
        let everything = try await f.hubEvents().count
        let bCheckpoint = try await f.service(b).syncCheckpoint()

        // Restored without anything else: B's checkpoint is past the restored feed's head.
        func restore() async throws {
            f.stopHub()
            try FileManager.default.removeItem(atPath: f.hubData)
            try FileManager.default.copyItem(atPath: backup.path, toPath: f.hubData)
            try await f.startHub()
        }
        try await restore()
        #expect(try await f.hubEvents().count < everything)
        let first = try await f.sync(b)
        #expect(first.resynced, "B starts over from 0 on sync.checkpointAhead: \(first)")
        try await f.syncUntilQuiet([a, b])
        #expect(try await f.hubEvents().count == everything, "A sent back what the restored hub lacked")
        #expect(
            Set(try await f.nodeEvents(b).map(\.dot)).isSuperset(of: try await f.relevantHubEvents(for: b).map(\.dot)))

        // Restored again, this time with a new epoch as the operations guide says: every node
        // starts over, and the hub is whole again.
        try await restore()
        f.stopHub()
        let rotated = try await HubFixture.expectSuccess(["hub", "rotate-epoch", "--data", f.hubData])
        #expect(rotated.stdout.contains("→"), "\(rotated)")
        try await f.startHub()
        let again = try await f.sync(b)
        #expect(again.resynced && again.epoch != bCheckpoint.epoch, "\(again)")
        try await f.syncUntilQuiet([a, b])
        #expect(try await f.hubEvents().count == everything)
        let verify = try await f.hub().verify()
        #expect(verify.isOK, "hub verify: \(verify)")
    }
}
