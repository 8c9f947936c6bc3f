import Foundation
import GRDB
import ReplicaStore
import Replication
public import ReturnsDomain

extension NodeService {
    /// Records a stock-take of `sku` at `location` of this store: the variance against the ledger
    /// moves stock and posts to the journal (inventory against inventory variance, at cost). A
    /// count below the ledger writes goods off and needs that authority when the store signs staff
    /// in (`StaffAuthority.actor`), from `staff` signed in or an `authoriser`'s PIN.
    public func countStock(
        sku: SKU, location: StockLocation, counted: Int, staff: StaffID, authoriser: StaffMember? = nil,
        signedIn: Bool = false
    ) async throws -> StockCountView {
        let recorded = try await recordStock(
            sku: sku, location: location, as: .stockCount, prefix: "SC", staff: staff, authoriser: authoriser,
            signedIn: signedIn
        ) { onHand, unitCost, at, store in
            let count = try StockTake.count(
                store: store, location: location, sku: sku, counted: counted, expected: onHand, unitCost: unitCost,
                at: at)
            return (count, .stockCounted(count), StockTake.permission(for: count))
        }
        return StockCountView(id: recorded.id, count: recorded.fact, staff: recorded.staff)
    }

    /// Records a stock adjustment of `sku` at `location` of this store (`StockAdjustments.make`):
    /// damaged, written off or issued at no charge (out, a write-off authority when the store
    /// signs staff in), or found (in); it moves stock and posts at cost.
    public func adjustStock(
        sku: SKU, location: StockLocation, quantity: Int, reason: AdjustmentReason, note: String?, staff: StaffID,
        authoriser: StaffMember? = nil, signedIn: Bool = false
    ) async throws -> StockAdjustmentView {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let recorded = try await recordStock(
            sku: sku, location: location, as: .stockAdjustment, prefix: "SA", staff: staff, authoriser: authoriser,
            signedIn: signedIn
        ) { onHand, unitCost, at, store in
            let adjustment = try StockAdjustments.make(
                store: store, location: location, sku: sku, quantity: quantity, reason: reason, onHand: onHand,
                unitCost: unitCost, note: note, at: at)
            return (adjustment, .stockAdjusted(adjustment), StockAdjustments.permission(for: adjustment))
        }
        return StockAdjustmentView(id: recorded.id, adjustment: recorded.fact, staff: recorded.staff)
    }

    /// One stock record of this store: reads the product's cost and what `location` holds, lets
    /// the core make the fact, its event and the permission it needs (`make`), decides who records
    /// it (`StaffAuthority.actor`) and records it under a new `prefix` reference, in one transaction.
    private func recordStock<Fact: Sendable>(
        sku: SKU, location: StockLocation, as kind: RecordKind, prefix: String, staff given: StaffID,
        authoriser: StaffMember?, signedIn: Bool,
        make:
            @escaping @Sendable (_ onHand: Int, _ unitCost: Money, _ at: Instant, _ store: StoreID) throws -> (
                Fact, DomainEvent, StaffPermission?
            )
    ) async throws -> (id: String, fact: Fact, staff: StaffID) {
        let now = clock()
        let store = identity.store
        return try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            guard let product = try reader.product(sku) else { throw DomainError.unknownSKU(sku) }
            try product.requireStocked()
            let onHand = try reader.stock(sku: sku, store: store).first { $0.location == location }?.quantity ?? 0
            let (fact, event, permission) = try make(onHand, product.unitCost, Instant(millis: now), store)
            let staff = try StaffAuthority.actor(
                given, for: permission, roster: try reader.staffRoster(), authoriser: authoriser, signedIn: signedIn,
                at: store)
            let id = try log.mint(prefix)
            let key = RecordKey(kind, id)
            log.declareNew(key)
            try log.author(event, on: key, staff: staff, now: now)
            return (id, fact, staff)
        }
    }
}

/// A stock adjustment as recorded: its reference (`SA-…`, on the journal), what moved, who.
public struct StockAdjustmentView: Hashable, Sendable, Codable {
    public var id: String
    public var adjustment: StockAdjustment
    public var staff: StaffID
}

/// A stock-take as recorded: its reference (`SC-…`, on the journal), the count, who counted.
public struct StockCountView: Hashable, Sendable, Codable {
    public var id: String
    public var count: StockCount
    public var staff: StaffID
}
