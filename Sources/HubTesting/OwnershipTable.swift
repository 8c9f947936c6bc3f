public import Admission

/// The ownership table of Protocol/sync.md ("Who may author what"), written out for the tests
/// independently of `Admission`'s code: for each event kind, the roles that may author it about
/// their own store's records and about another store's. `store` and `channel` have the same
/// rights; head office and the hub have no store of their own, so only the `other` column applies
/// to them.
public enum OwnershipTable {
    public enum About: Sendable, CaseIterable { case own, other }

    public static let rows: [String: (own: Set<AuthorRole>, other: Set<AuthorRole>)] = {
        let storeLike: Set<AuthorRole> = [.store, .channel]
        let all: Set<AuthorRole> = [.store, .channel, .headOffice, .hub]
        let office: Set<AuthorRole> = [.headOffice, .hub]
        return [
            "product.defined": ([.store, .headOffice, .hub], [.store, .headOffice, .hub]),
            "store.defined": (storeLike.union(office), office),
            "policy.set": (storeLike.union(office), office),
            "reorderPoint.set": (storeLike.union(office), office),
            "staff.defined": (office, office),
            "customer.registered": (all, all),
            "customer.fieldChanged": (all, all),
            "inventory.received": (storeLike.union(office), office),
            "stock.counted": (storeLike.union([.hub]), [.hub]),
            "stock.adjusted": (storeLike.union([.hub]), [.hub]),
            "sale.recorded": (storeLike.union([.hub]), [.hub]),
            "return.requested": (storeLike.union([.hub]), [.hub]),
            "return.approved": (all, office),
            "return.rejected": (all, office),
            "return.received": (storeLike.union([.hub]), [.hub]),
            "return.inspected": (storeLike.union([.hub]), [.hub]),
            "return.disposed": (storeLike.union([.hub]), [.hub]),
            "return.refunded": (storeLike.union([.hub]), [.hub]),
            "return.exchanged": (storeLike.union([.hub]), [.hub]),
            "return.closed": (storeLike.union([.hub]), [.hub]),
            "repair.opened": (storeLike.union([.hub]), [.hub]),
            "repair.progressed": (storeLike.union([.hub]), [.hub]),
            "repair.completed": (storeLike.union([.hub]), [.hub]),
            "storeCredit.adjusted": (storeLike.union(office), office),
        ]
    }()

    /// Whether `role` may author an event of `kind` about a record `about` its own store.
    public static func allows(_ kind: String, role: AuthorRole, about: About) -> Bool {
        guard let row = rows[kind] else { return false }
        return about == .own ? row.own.contains(role) : row.other.contains(role)
    }
}
