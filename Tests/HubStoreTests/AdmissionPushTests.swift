import Admission
import HubStore
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// The hub's push applies `Admission` (Protocol/sync.md, "Admission"): with each kind of
/// credential, every event kind about its own and other stores' records is stored exactly when the
/// ownership table allows it; bad values are refused with their codes; a refused push changes
/// nothing — on every backend.
@Suite struct AdmissionPushTests {
    /// The parties: two stores, the online channel, head office, a viewer and an operator.
    static let parties: [(node: NodeID, store: StoreID?, role: HubRole)] = [
        ("S-A-1", "S-A", .storeNode), ("S-B-1", "S-B", .storeNode), ("WEB-1", "WEB", .onlineChannel),
        ("HQ-1", nil, .headOffice), ("VIEW-1", nil, .viewer), ("OPS-1", nil, .admin),
    ]
    static let stores: [StoreID] = ["S-A", "S-B", "WEB"]

    /// Pushes one event at a time for each node, with seqs that advance only when a push is taken.
    struct Pusher {
        let hub: any HubStore
        var seqs: [NodeID: UInt64] = [:]
        var wall = Fixtures.t0

        mutating func push(
            _ payload: DomainEvent, on record: RecordKey, by node: NodeID, context: VersionVector = VersionVector()
        )
            async throws -> PushReceipt
        {
            wall += 1_000
            let seq = (seqs[node] ?? 0) + 1
            let event = Event(
                dot: Dot(node: node, seq: seq), record: record, context: context, hlc: HLCTimestamp(wall: wall),
                staff: "王丽", payload: payload)
            let receipt = try await hub.push(ChangeSet(node: node, events: [event]), from: node, now: wall)
            seqs[node] = seq
            return receipt
        }
    }

    /// What a refused push must leave as it was.
    struct Digest: Equatable {
        var events: Int
        var acked: [NodeID: UInt64]
        var ledger: [LedgerKey: Int64]
        var stock: [StockLevel]
    }

    static func digest(_ hub: any HubStore) async throws -> Digest {
        let state = try await hub.state()
        return Digest(
            events: try await state.eventCount(),
            acked: Dictionary(uniqueKeysWithValues: try await hub.syncStatus().map { ($0.node, $0.acked) }),
            ledger: try await state.ledger(), stock: try await state.stock(sku: nil, store: nil))
    }

    /// A hub where each store holds a return (`RT-<store>-HELD`) and a repair order (`RO-<store>-HELD`).
    static func hub(_ backend: HubBackend) async throws -> (HubHandle, Pusher) {
        let handle = try await backend.makeHub()
        for p in parties {
            try await handle.store.enroll(
                node: p.node, store: p.store, role: p.role, secretHash: Fixtures.hash(p.node), now: Fixtures.t0)
        }
        var pusher = Pusher(hub: handle.store)
        for (store, node) in zip(stores, ["S-A-1", "S-B-1", "WEB-1"] as [NodeID]) {
            let id = ReturnID("RT-\(store)-HELD")
            _ = try await pusher.push(
                .returnRequested(EventSamples.request(id, store: store, sale: nil, now: Fixtures.t0)),
                on: .returnOrder(id), by: node)
            let repair = RepairOrderID("RO-\(store)-HELD")
            _ = try await pusher.push(
                .repairOpened(EventSamples.repair(repair, of: id, store: store, now: Fixtures.t0)),
                on: .repairOrder(repair), by: node)
        }
        return (handle, pusher)
    }

    @Test(
        "each credential's events about its own and others' records are stored exactly as the table says",
        arguments: HubBackend.all)
    func ownership(backend: HubBackend) async throws {
        var (handle, pusher) = try await Self.hub(backend)
        defer { handle.remove() }
        var tag = 0
        for party in Self.parties {
            for target in Self.stores {
                tag += 1
                let payloads = EventSamples.payloads(
                    about: target, tag: "\(tag)", heldReturn: ReturnID("RT-\(target)-HELD"),
                    heldRepair: RepairOrderID("RO-\(target)-HELD"), now: Fixtures.t0)
                for (payload, record) in payloads {
                    let before = try await Self.digest(handle.store)
                    let expected: Bool
                    switch party.role {
                    case .viewer, .admin: expected = false
                    default:
                        let role = party.role.authorRole
                        let about: OwnershipTable.About = party.store == target ? .own : .other
                        expected = OwnershipTable.allows(
                            payload.kind, role: role, about: party.store == nil ? .other : about)
                    }
                    do {
                        let receipt = try await pusher.push(payload, on: record, by: party.node)
                        #expect(expected, "\(party.node) \(payload.kind) about \(target) was stored")
                        #expect(receipt.applied == 1)
                    } catch let error as HubError {
                        #expect(!expected, "\(party.node) \(payload.kind) about \(target) was refused: \(error)")
                        let codes =
                            party.role.mayPush
                            ? [AdmissionError.Code.notOwner.rawValue, AdmissionError.Code.roleMayNotAuthor.rawValue]
                            : [HubError.Code.forbidden]
                        #expect(codes.contains(error.code), "\(error)")
                        #expect(try await Self.digest(handle.store) == before, "a refused push changes nothing")
                    }
                }
            }
        }
        #expect(try await handle.store.verify().isOK)
    }

    @Test("bad values are refused with their codes and change nothing", arguments: HubBackend.all)
    func badValues(backend: HubBackend) async throws {
        var (handle, pusher) = try await Self.hub(backend)
        defer { handle.remove() }
        let eur = Fixtures.eur
        func receipt(_ quantity: Int, sku: SKU = "SKU-1", cost: Int64 = 100) -> DomainEvent {
            .inventoryReceived(
                InventoryReceipt(
                    store: "S-A", sku: sku, quantity: quantity, unitCost: Money(cost, eur),
                    receivedAt: Instant(millis: Fixtures.t0)))
        }
        let grn = RecordKey(.inventoryReceipt, "GR-S-A-BAD")
        let cases: [(String, DomainEvent, RecordKey)] = [
            (AdmissionError.Code.quantityOutOfRange.rawValue, receipt(-5), grn),
            (AdmissionError.Code.quantityOutOfRange.rawValue, receipt(0), grn),
            (AdmissionError.Code.quantityOutOfRange.rawValue, receipt(Int.max), grn),
            (AdmissionError.Code.moneyOutOfRange.rawValue, receipt(1, cost: Int64.max), grn),
            (AdmissionError.Code.badIdentifier.rawValue, receipt(1, sku: "SKU\u{0}1"), grn),
            (AdmissionError.Code.badIdentifier.rawValue, receipt(1), RecordKey(.inventoryReceipt, "GR\u{1}")),
            (
                AdmissionError.Code.badText.rawValue,
                .storeCreditAdjusted(
                    customer: "C-1", store: "S-A", amount: Money(100, eur),
                    memo: String(repeating: "字", count: 10_000_000), at: Instant(millis: Fixtures.t0)),
                .storeCredit("C-1")
            ),
            (
                AdmissionError.Code.moneyOutOfRange.rawValue,
                .storeCreditAdjusted(
                    customer: "C-1", store: "S-A", amount: Money(1_000_000_000_000_000, eur), memo: "",
                    at: Instant(millis: Fixtures.t0)),
                .storeCredit("C-1")
            ),
        ]
        for (code, payload, record) in cases {
            let before = try await Self.digest(handle.store)
            await expectHubError(code) { _ = try await pusher.push(payload, on: record, by: "S-A-1") }
            #expect(try await Self.digest(handle.store) == before)
        }
        // A clock years ahead of the hub's.
        let before = try await Self.digest(handle.store)
        let seq = (pusher.seqs["S-A-1"] ?? 0) + 1
        let ahead = Event(
            dot: Dot(node: "S-A-1", seq: seq), record: grn, context: VersionVector(),
            hlc: HLCTimestamp(wall: Fixtures.t0 + 5 * 365 * Instant.millisPerDay), staff: "s", payload: receipt(1))
        await expectHubError(AdmissionError.Code.clockAhead.rawValue) {
            _ = try await handle.store.push(ChangeSet(node: "S-A-1", events: [ahead]), from: "S-A-1", now: Fixtures.t0)
        }
        // Seqs at the top of UInt64 and of Int64: refused, no trap.
        for top in [UInt64.max, UInt64(Int64.max)] {
            var e = ahead
            e.dot.seq = top
            e.hlc = HLCTimestamp(wall: Fixtures.t0)
            do {
                _ = try await handle.store.push(ChangeSet(node: "S-A-1", events: [e]), from: "S-A-1", now: Fixtures.t0)
                Issue.record("seq \(top) was taken")
            } catch let error as HubError {
                #expect(["sync.badSequence", "sync.gap"].contains(error.code), "\(error)")
            }
        }
        #expect(try await Self.digest(handle.store) == before)
        // The same store's well-formed goods receipt is still taken.
        _ = try await pusher.push(receipt(5), on: grn, by: "S-A-1")
        #expect(try await handle.store.verify().isOK)
    }
}
