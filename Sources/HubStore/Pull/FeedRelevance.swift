public import Replication
public import ReturnsDomain

/// Which events of the feed a node receives.
///
/// A node needs the catalog, policies, customers, every sale and every return of the company
/// (cross-store returns, a customer's history, returnable quantities, store credit), so those
/// go to every node. Four kinds of record are store-private bookkeeping that no other store acts
/// on: goods received, stock counts, reorder points and repair orders. They go only to nodes of
/// the store they belong to, and to nodes without a store (head office), which see everything.
/// A node never gets its own events back.
///
/// Backends evaluate the rule in their query; this type is its one definition and the tests
/// check the backends against it.
public enum FeedRelevance {
    /// The record kinds only their own store's nodes receive.
    public static let storePrivateKinds: Set<RecordKind> = [
        .inventoryReceipt, .stockCount, .reorderPoint, .repairOrder,
    ]

    /// The store a store-private event belongs to, or nil when every node needs the event.
    ///
    /// The store is the payload's where it names one; for a repair order's later events it is the
    /// repair order's store as the hub knows it (`recordStore`), else the author's store.
    public static func scope(of event: Event, recordStore: StoreID?, authorStore: StoreID?) -> StoreID? {
        guard storePrivateKinds.contains(event.record.kind) else { return nil }
        switch event.payload {
        case .inventoryReceived(let receipt): return receipt.store
        case .stockCounted(let count): return count.store
        case .stockAdjusted(let adjustment): return adjustment.store
        case .reorderPointSet(let point): return point.store
        case .repairOpened(let order): return order.store
        default: return recordStore ?? authorStore
        }
    }

    /// Whether an event authored by `author` with `scope` goes to `node` of `store`.
    public static func isRelevant(author: NodeID, scope: StoreID?, to node: NodeID, store: StoreID?) -> Bool {
        guard author != node else { return false }
        guard let scope, let store else { return true }
        return scope == store
    }
}
