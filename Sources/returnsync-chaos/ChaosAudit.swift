import Foundation
import HubStore
import Replication
import ReturnsDomain
import SyncProtocol

/// What a run left behind, read back once everything healed: the hub's whole feed (pulled with a
/// head-office token), its exceptions and verify, and `node verify` of every node.
struct ChaosAudit {
    let hub: ChaosHub
    let token: String
    let nodes: [ChaosNode]

    /// The counts the hub and nodes show, and the ids of the returns the hub holds.
    func audit(fault: Fault) async throws -> (RunOutcome, held: Set<String>) {
        var outcome = RunOutcome(fault: fault)
        let events = try await feed()
        let state = ReplicaState.fold(events)

        // Every return the hub holds, by number (a return's id is its number, RT-<store>-000042),
        // with the distinct requests filed under it: more than one is a number issued twice.
        var requests: [ReturnID: Set<Dot>] = [:]
        var dots = Set<Dot>()
        for event in events {
            if !dots.insert(event.dot).inserted { outcome.duplicated += 1 }
            if case .returnRequested(let request) = event.payload {
                requests[request.id, default: []].insert(event.dot)
            }
        }
        outcome.duplicated += requests.values.filter { $0.count > 1 }.count
        outcome.notes += requests.filter { $0.value.count > 1 }.map {
            "number \($0.key) issued \($0.value.count) times"
        }

        // Over-returns, counted here from the sales and the returns that hold quantity, against
        // the exceptions the hub itself raised.
        var sold: [String: Int] = [:]
        var returned: [String: Int] = [:]
        for record in state.records.values {
            if let sale = record.sale {
                for line in sale.lines { sold["\(sale.id.rawValue)#\(line.line)", default: 0] += line.quantity }
            }
            if let order = record.returnOrder, order.holdsQuantity, let request = order.request,
                let sale = request.sale
            {
                for line in request.lines {
                    if let saleLine = line.saleLine {
                        returned["\(sale.rawValue)#\(saleLine)", default: 0] += line.quantity
                    }
                }
            }
        }
        let exceptions = try decode(
            [ReplicationException].self, try await hub.get("/api/v1/exceptions", token: token), "exceptions")
        let flagged = Set(
            exceptions.filter { $0.code == "return.overReturn" && $0.record.kind == .sale }.map(\.record.id))
        for (line, quantity) in returned where quantity > (sold[line] ?? 0) {
            let sale = String(line.split(separator: "#")[0])
            if flagged.contains(sale) {
                outcome.detectedOverReturns += 1
            } else {
                outcome.undetectedOverReturns += 1
                outcome.notes.append("over-return on \(line) without an exception at the hub")
            }
        }

        let report = try decode(
            HubVerificationReport.self, try await hub.get("/api/v1/verify", token: token), "verify")
        if !report.isOK {
            outcome.verifyFailures += 1
            outcome.notes.append("hub verify: \(report.integrity) \(report.mismatches.prefix(3))")
        }
        for node in nodes {
            let verify = try await returnsync(["node", "verify", "--data", node.data, "--json"])
            let fields = try? JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any]
            if !verify.ok || (fields?["ok"] as? Bool) != true {
                outcome.verifyFailures += 1
                outcome.notes.append("node verify \(node.id): \(verify)")
            }
        }
        return (outcome, Set(requests.keys.map(\.rawValue)))
    }

    /// Adds what the desks were told: lost acknowledged returns, numbers acknowledged twice, and
    /// returns a restored node acknowledged.
    static func account(_ ledger: ChaosRun.Ledger, held: Set<String>, into outcome: RunOutcome) -> RunOutcome {
        var outcome = outcome
        outcome.acknowledged = ledger.acknowledged.count
        var seen = Set<String>()
        for ack in ledger.acknowledged {
            if !seen.insert(ack.id).inserted {
                outcome.duplicated += 1
                outcome.notes.append("\(ack.id) acknowledged twice")
            }
            if !held.contains(ack.id) {
                outcome.lost += 1
                outcome.notes.append("\(ack.id) acknowledged by \(ack.node), missing at the hub")
            }
        }
        if !ledger.afterRestore.isEmpty {
            outcome.duplicated += ledger.afterRestore.count
            outcome.notes.append("the restored node still issued \(ledger.afterRestore.prefix(5))")
        }
        return outcome
    }

    /// The hub's whole feed: a head-office node is sent every event.
    private func feed() async throws -> [Event] {
        var events: [Event] = []
        var checkpoint: UInt64 = 0
        while true {
            let page = try decode(
                PullResponse.self,
                try await hub.get("\(SyncRoutes.pull)?after=\(checkpoint)&limit=1000", token: token), "pull")
            events += page.events.map(\.event)
            checkpoint = page.checkpoint
            if !page.more { return events }
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ answer: HTTPAnswer, _ what: String) throws -> T {
        guard answer.status == 200 else { throw ChaosError("hub \(what): \(answer)") }
        return try JSONDecoder().decode(T.self, from: answer.body)
    }
}
