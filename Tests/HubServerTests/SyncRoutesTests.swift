import EventCoding
import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// `POST /sync/v1/push` and `GET /sync/v1/pull` with events authored by real store nodes.
@Suite("Hub API: push and pull")
struct SyncRoutesTests {
    @Test(
        "the bytes a node stored are the bytes the hub stores and serves: one encoder end to end",
        arguments: HubBackend.all)
    func storedBytes(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll("S02-b", store: "S02")
            try await a.setUp()
            try await a.sell("R-S01-1")
            let (changeSet, bodies) = try #require(try await a.service.outboxBatch(limit: 100))
            let body = EventCodec.encodeChangeSet(node: changeSet.node, events: bodies)
            let pushed = try await client.call(
                .post, SyncRoutes.push, token: tokenA, raw: String(decoding: body, as: UTF8.self))
            expectStatus(pushed, .ok)
            let page = try await client.pull(after: 0, token: tokenB)
            expectStatus(page, .ok)
            let text = page.text
            let sale = try #require(zip(changeSet.events, bodies).first { $0.0.record.kind == .sale })
            #expect(
                text.contains(String(decoding: sale.1, as: UTF8.self)), "the sale's stored bytes, verbatim in the page")
            #expect(try page.decode(PullResponse.self).events.map(\.event).contains(sale.0))
        }
    }

    @Test("a node's outbox pushed, then pulled by another node, which takes it in", arguments: HubBackend.all)
    func pushThenPull(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-b", store: "S02")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            try await a.setUp()
            try await a.sell("R-S01-1")
            let returned = try await a.returnAndRefund("R-S01-1")

            let changeSet = try await a.changeSet()
            let pushed = try await client.push(changeSet, token: tokenA)
            expectStatus(pushed, .ok)
            #expect(pushed.contentType == "application/json")
            let receipt = try pushed.decode(PushResponse.self)
            #expect(receipt.acked == changeSet.lastSeq)
            #expect(receipt.applied == changeSet.events.count)
            #expect(receipt.duplicates == 0)
            #expect(receipt.epoch == (try await hub.store.epoch()))
            try await a.service.acknowledge(through: receipt.acked)
            #expect(try await a.service.outboxChangeSet(limit: 10) == nil)

            // Node B pulls in pages of 3 and applies each page with its checkpoint, as the agent does.
            var checkpoint: UInt64 = 0
            var received: [FeedEntry] = []
            while true {
                let answer = try await client.pull(after: checkpoint, limit: 3, token: tokenB)
                expectStatus(answer, .ok)
                let page = try answer.decode(PullResponse.self)
                #expect(page.events.count <= 3)
                #expect(page.epoch == receipt.epoch)
                #expect(page.events.allSatisfy { $0.hubSeq > checkpoint })
                _ = try await b.service.applyPulled(
                    page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
                received += page.events
                checkpoint = page.checkpoint
                if !page.more { break }
            }
            #expect(received.map(\.hubSeq) == received.map(\.hubSeq).sorted())
            #expect(Set(received.map(\.hubSeq)).count == received.count)
            // Store-private events (S01's goods receipt) are not sent to S02; sales and returns are.
            let sent = Set(received.map(\.event.dot))
            for event in changeSet.events {
                let storePrivate = event.record.kind == .inventoryReceipt
                #expect(sent.contains(event.dot) == !storePrivate, "\(event.record) \(event.payload.kind)")
            }
            for entry in received {
                #expect(changeSet.events.contains(entry.event), "the feed changed \(entry.event.dot)")
            }
            #expect(
                try await b.service.syncCheckpoint() == SyncCheckpoint(checkpoint: checkpoint, epoch: receipt.epoch))
            // B now finds A's sale, and knows one unit of it was returned.
            let view = try await b.service.read { try $0.saleView("R-S01-1") }
            #expect(view?.sale.store == "S01")
            #expect(try await b.service.read { try $0.returnedQuantities(of: "R-S01-1") } == [1: 1])
            // The refund's credit note, numbered once at A, is the same at the hub (its journal names
            // it) and at B, which finds it by its number.
            let note = "CN-S01-000001"
            let state = try await hub.store.state()
            #expect(try await state.returnOrder(returned)?.refunds.map(\.creditNote) == [note])
            #expect(
                try await state.journal(store: "S01").map(\.reference).contains("return:\(returned)/refund/\(note)"))
            #expect(try await b.service.read { try $0.returnState(returned) }?.refunds.map(\.creditNote) == [note])
            #expect(try await b.service.creditNote(note).returnID == returned)

            // A's own events are not sent back to it.
            let own = try await client.pull(after: 0, token: tokenA).decode(PullResponse.self)
            #expect(own.events.isEmpty)
            #expect(own.more == false)

            // Nothing after the head: an empty page at the same checkpoint.
            let empty = try await client.pull(after: checkpoint, token: tokenB).decode(PullResponse.self)
            #expect(empty.events.isEmpty && !empty.more && empty.checkpoint == checkpoint)
        }
    }

    @Test("replaying a change set is a no-op with the same acked", arguments: HubBackend.all)
    func replayIsANoOp(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let token = try await hub.enroll(a.id, store: a.store)
            try await a.setUp()
            try await a.sell("R-S01-1")
            let changeSet = try await a.changeSet()
            let first = try await client.push(changeSet, token: token).decode(PushResponse.self)
            let events = try await hub.store.state().eventCount()
            let second = try await client.push(changeSet, token: token)
            expectStatus(second, .ok)
            let replay = try second.decode(PushResponse.self)
            #expect(replay.acked == first.acked)
            #expect(replay.applied == 0)
            #expect(replay.duplicates == changeSet.events.count)
            #expect(replay.epoch == first.epoch)
            #expect(try await hub.store.state().eventCount() == events)

            // An overlapping change set (held events, then new ones) stores only the new ones.
            try await a.sell("R-S01-2")
            let overlapping = try await a.changeSet()
            #expect(overlapping.firstSeq == 1)
            let third = try await client.push(overlapping, token: token).decode(PushResponse.self)
            #expect(third.acked == overlapping.lastSeq)
            #expect(third.applied == 1)
            #expect(third.duplicates == changeSet.events.count)
        }
    }

    @Test("a gap is 409 sync.gap with expectedSeq, and nothing is stored", arguments: HubBackend.all)
    func gap(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let token = try await hub.enroll(a.id, store: a.store)
            try await a.setUp()
            try await a.sell("R-S01-1")
            let all = try await a.changeSet()
            #expect(all.events.count >= 4)

            let late = ChangeSet(node: a.id, events: Array(all.events.dropFirst(2)))
            let refused = try await client.push(late, token: token)
            let problem = expectProblem(refused, .conflict, "sync.gap")
            #expect(problem?.expectedSeq == 1)
            #expect(try await hub.store.state().eventCount() == 0)

            // The first two are taken; the same late change set is then expected from seq 3: accepted.
            let head = ChangeSet(node: a.id, events: Array(all.events.prefix(1)))
            #expect(try await client.push(head, token: token).decode(PushResponse.self).acked == 1)
            expectProblem(try await client.push(late, token: token), .conflict, "sync.gap")
            let refusedAgain = try await client.push(late, token: token).decode(ProblemDetails.self)
            #expect(refusedAgain.expectedSeq == 2)
            let rest = ChangeSet(node: a.id, events: Array(all.events.dropFirst(1)))
            #expect(try await client.push(rest, token: token).decode(PushResponse.self).acked == all.lastSeq)

            // The refusals are counted by code in the metrics.
            let metrics = try await client.call(.get, "/metrics", token: nil).text
            #expect(metrics.contains("returnsync_hub_http_requests_total{status=\"409\"} 3"), "\(metrics)")
            #expect(metrics.contains("returnsync_hub_http_problems_total{code=\"sync.gap\"} 3"), "\(metrics)")
        }
    }

    @Test(
        "the same dot with different content is 409 sync.dotConflict and an incident for head office",
        arguments: HubBackend.all)
    func dotConflict(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            // A store node and a clone of its database: the same node id writing a second history.
            let a = try StoreNode("S01-a", store: "S01")
            let clone = try StoreNode("S01-a", store: "S01")
            let token = try await hub.enroll(a.id, store: a.store)
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            try await a.setUp(customer: "C1")
            try await clone.setUp(customer: "C2")
            let original = try await a.changeSet()
            expectStatus(try await client.push(original, token: token), .ok)
            let events = try await hub.store.state().eventCount()

            let second = try await clone.changeSet()
            #expect(second.events.map(\.dot) == original.events.map(\.dot))
            expectProblem(try await client.push(second, token: token), .conflict, "sync.dotConflict")
            #expect(try await hub.store.state().eventCount() == events)

            let answer = try await client.call(.get, "/api/v1/incidents", token: office)
            expectStatus(answer, .ok)
            let incidents = try answer.decode([HubIncident].self)
            #expect(incidents.count == 1)
            let incident = try #require(incidents.first)
            #expect(incident.code == "sync.dotConflict")
            #expect(incident.node == a.id)
            let differing = try #require(zip(original.events, second.events).first { $0 != $1 }).1
            #expect(incident.dot == differing.dot)
            #expect(incident.occurrences == 1)

            // The same offer again is the same incident seen twice.
            expectProblem(try await client.push(second, token: token), .conflict, "sync.dotConflict")
            let again = try await client.call(.get, "/api/v1/incidents", token: office).decode([HubIncident].self)
            #expect(again.map(\.id) == [incident.id])
            #expect(again.first?.occurrences == 2)
        }
    }

    @Test("node B's token pushing node A's events is 403 sync.forgedAuthor, nothing stored", arguments: HubBackend.all)
    func forgedAuthor(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            _ = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll("S02-b", store: "S02")
            try await a.setUp()
            let changeSet = try await a.changeSet()
            expectProblem(try await client.push(changeSet, token: tokenB), .forbidden, "sync.forgedAuthor")
            // Relabelled as B's: the events' dots still name A.
            let relabelled = ChangeSet(node: "S02-b", events: changeSet.events)
            expectProblem(try await client.push(relabelled, token: tokenB), .forbidden, "sync.forgedAuthor")
            #expect(try await hub.store.state().eventCount() == 0)
            let status = try await hub.store.syncStatus()
            #expect(status.map(\.acked) == [0, 0])
            #expect(try await hub.store.incidents().isEmpty)
        }
    }

    @Test("malformed change sets are 400 and store nothing", arguments: HubBackend.all)
    func malformed(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let a = try StoreNode("S01-a", store: "S01")
            let token = try await hub.enroll(a.id, store: a.store)
            for body in ["{oops", "", "[]", #"{"node":"S01-a"}"#, #"{"node":"S01-a","events":[{"dot":1}]}"#] {
                let answer = try await client.call(.post, SyncRoutes.push, token: token, raw: body)
                expectProblem(answer, .badRequest, "input.malformedJSON")
            }
            let empty = try await client.call(
                .post, SyncRoutes.push, token: token, raw: #"{"node":"S01-a","events":[]}"#)
            expectProblem(empty, .badRequest, "sync.emptyChangeSet")
            try await a.setUp()
            let events = try await a.changeSet().events
            let holey = ChangeSet(node: a.id, events: [events[0], events[2]])
            expectProblem(try await client.push(holey, token: token), .badRequest, "sync.badSequence")
            #expect(try await hub.store.state().eventCount() == 0)

            // Pull's query is checked too.
            expectProblem(
                try await client.call(.get, "\(SyncRoutes.pull)?after=-1", token: token), .unprocessableContent,
                "input.invalidQuery")
            expectProblem(try await client.pull(after: 99, token: token), .badRequest, "sync.checkpointAhead")
        }
    }
}
