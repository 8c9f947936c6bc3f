import EventCoding
import Foundation
import HTTPSupport
import HubStore
import Hummingbird
import Replication
import ReturnsDomain
import SyncProtocol

extension HubRoutes {
    /// `POST /sync/v1/push`, `GET /sync/v1/pull`, `GET /sync/v1/snapshot` and `POST /sync/v1/escrow/claims`.
    func addSyncRoutes(to sync: Group) {
        addSnapshotRoute(to: sync)
        sync.post("push") { request, context in
            let caller = try context.caller()
            // The event codec, as nodes read the events they store: the hub reads what nodes write.
            let changeSet = try await JSONCoding.decode(
                from: request, limit: HubAPI.maxPushBytes, with: EventCodec.decodeChangeSet)
            do {
                let receipt = try await store.push(changeSet, from: caller.node, now: clock())
                metrics.pushed(receipt.applied)
                return try JSONCoding.response(receipt)
            } catch let error as HubError where error.expectedSeq != nil {
                // The node needs `expectedSeq` to heal, so the problem carries it.
                let status = error.problemStatus ?? .conflict
                metrics.refused(problemCode: error.code)
                let body = ProblemDetails(
                    code: error.code, status: status.code, title: status.reasonPhrase, detail: error.message,
                    expectedSeq: error.expectedSeq)
                return Response(
                    status: status, headers: [.contentType: Problem.mediaType],
                    body: .init(byteBuffer: .init(bytes: try JSONCoding.encoder.encode(body))))
            }
        }
        sync.get("pull") { request, context in
            let caller = try context.caller()
            guard let after = UInt64(request.queryValue("after") ?? "0") else {
                throw Problem(code: Problem.Code.invalidQuery, detail: "`after` must be a whole number")
            }
            // Protocol/sync.md §3: a limit over the page size is capped, one under 1 refused.
            var limit = PullPage.maxEvents
            if let text = request.queryValue("limit") {
                guard let number = Int(text) else {
                    throw HubError(code: HubError.Code.badLimit, message: "`limit` must be a whole number from 1")
                }
                limit = number
            }
            // Protocol/sync.md §3.2: with `wait`, an empty page is held until the feed grows.
            let wait = try request.queryInteger("wait", in: 0...LongPollLimits.maxWaitSeconds, default: 0)
            let (store, clock, pageSize) = (self.store, self.clock, limit)
            let page = try await holdingPull(caller: caller.node.rawValue, after: after, wait: .seconds(wait)) {
                try await store.pull(for: caller.node, after: $0, limit: pageSize, now: clock())
            }
            metrics.pulled(page.events.count)
            // The events' stored bytes as they are, when the backend handed them over (it does).
            let stored = page.events.compactMap { entry in entry.body.map { (hubSeq: entry.hubSeq, body: $0) } }
            guard stored.count == page.events.count else { return try JSONCoding.response(page) }
            let body = EventCodec.encodeFeedPage(
                epoch: page.epoch, events: stored, checkpoint: page.checkpoint, more: page.more, acked: page.acked)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        // A node refused an event of the feed: recorded as an incident for head office. Repeats
        // of the same refusal are counted, so a retry is harmless.
        sync.post("refusals") { request, context in
            let caller = try context.caller()
            let report = try await JSONCoding.decode(FeedRefusalReport.self, from: request, limit: 16 * 1024)
            guard report.code.utf8.count <= 100, !report.code.isEmpty, report.message.count <= 2_000,
                report.dot.seq >= 1, report.dot.seq <= Limits.maxSeq
            else {
                throw Problem(
                    code: "input.invalid",
                    detail:
                        "a refusal names an event (seq 1 to \(Limits.maxSeq)), a code of 1 to 100 bytes and a message of at most 2,000 characters"
                )
            }
            try await store.recordRefusal(
                by: caller.node, of: report.dot, code: report.code, message: report.message, now: clock())
            metrics.refused(problemCode: HubIncident.feedRefusedCode)
            return Response(status: .noContent)
        }
        // Escrow (DESIGN §4): a store node claims returnable quantities of another store's sale for
        // the return it is about to record. 201 for a new grant, 200 when a retry gets the same one.
        sync.post("escrow/claims") { request, context in
            let caller = try context.caller(in: [.storeNode])
            let claim = try await JSONCoding.decode(EscrowClaim.self, from: request)
            let (grant, replayed) = try await store.claimEscrow(claim, from: caller, now: clock())
            if !replayed { metrics.escrowClaimed() }
            return try JSONCoding.response(grant, status: replayed ? .ok : .created)
        }
    }

}
