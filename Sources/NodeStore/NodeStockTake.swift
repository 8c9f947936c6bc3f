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
        sku: SKU, location: StockLocation, counted: Int, staff given: StaffID, authoriser: StaffMember? = nil,
        signedIn: Bool = false
    ) async throws -> StockCountView {
        let now = clock()
        let store = identity.store
        return try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            guard let product = try reader.product(sku) else { throw DomainError.unknownSKU(sku) }
            let expected = try reader.stock(sku: sku, store: store).first { $0.location == location }?.quantity ?? 0
            let count = try StockTake.count(
                store: store, location: location, sku: sku, counted: counted, expected: expected,
                unitCost: product.unitCost, at: Instant(millis: now))
            let staff = try StaffAuthority.actor(
                given, for: StockTake.permission(for: count), roster: try reader.staffRoster(),
                authoriser: authoriser, signedIn: signedIn, at: store)
            let id = try log.mint("SC")
            let key = RecordKey(.stockCount, id)
            log.declareNew(key)
            try log.author(.stockCounted(count), on: key, staff: staff, now: now)
            return StockCountView(id: id, count: count, staff: staff)
        }
    }
}

/// A stock-take as recorded: its reference (`SC-…`, on the journal), the count, who counted.
public struct StockCountView: Hashable, Sendable, Codable {
    public var id: String
    public var count: StockCount
    public var staff: StaffID
}
