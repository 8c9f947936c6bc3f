public import Replication
public import ReturnsDomain

/// The hub's side of escrow (DESIGN §4, `Escrow`): the one set of rules every backend applies
/// to a claim, given what it read in the claim's transaction.
///
/// A claim is outstanding while it has not expired and its return has not merged at the hub;
/// once the return merges, its quantities count as returned instead. What the hub grants on a
/// line is what was sold, less what is returned, less what outstanding claims of other returns
/// hold. A claim is all or nothing. The holder's own node claims too while it is online (it
/// needs no grant, but a refusal tells it another store holds the units); offline it goes on
/// without.
public enum EscrowRules {
    public enum Code {
        /// Nothing (or too little) left to grant on a line.
        public static let insufficient = "escrow.insufficient"
        /// The same return was claimed before with other lines.
        public static let claimConflict = "escrow.claimConflict"
        /// A line the sale does not have, a quantity under 1, or no line at all.
        public static let invalidClaim = "escrow.invalidClaim"
    }

    /// The claim's id: one claim per (node, return), which makes a retry idempotent.
    public static func claimID(node: NodeID, returnID: ReturnID) -> String { "\(node.rawValue)/\(returnID.rawValue)" }

    /// The claimant's store, once the claim's shape and the claimant's role are checked.
    public static func check(_ claim: EscrowClaim, from credential: HubCredential) throws -> StoreID {
        guard credential.role == .storeNode, let store = credential.store else {
            throw HubError(code: HubError.Code.forbidden, message: "only a store's node claims escrow")
        }
        let returnID = claim.returnID.rawValue
        guard !returnID.isEmpty, returnID.count <= 200 else {
            throw HubError(code: Code.invalidClaim, message: "a claim names the return it is for (1 to 200 characters)")
        }
        guard !claim.lines.isEmpty else {
            throw HubError(code: Code.invalidClaim, message: "a claim asks for at least one sale line")
        }
        guard Set(claim.lines.map(\.line)).count == claim.lines.count else {
            throw HubError(code: Code.invalidClaim, message: "each sale line at most once per claim")
        }
        if let bad = claim.lines.first(where: { $0.quantity < 1 }) {
            throw HubError(
                code: Code.invalidClaim, message: "line \(bad.line): quantity must be at least 1, not \(bad.quantity)")
        }
        return store
    }

    /// Decides a claim from what the backend read: the sale (nil when the hub holds none), the
    /// quantities returned per line as merged, and what outstanding claims of *other* returns hold
    /// per line. Throws the refusal, or returns the grant for the backend to store.
    public static func decide(
        _ claim: EscrowClaim, by node: NodeID, store: StoreID, sale: Sale?, returned: [Int: Int],
        outstanding: [Int: Int], now: Int64
    ) throws -> EscrowGrant {
        guard let sale else {
            throw HubError(
                code: "sale.notFound", message: "the hub holds no sale \(claim.sale)",
                values: ["receipt": "\(claim.sale)"])
        }
        let holder = Escrow.holder(of: sale)
        for l in claim.lines {
            guard let line = sale.lines.first(where: { $0.line == l.line }) else {
                throw HubError(code: Code.invalidClaim, message: "sale \(sale.id) has no line \(l.line)")
            }
            let available = Escrow.available(
                sold: line.quantity, returned: returned[l.line] ?? 0, outstandingClaims: outstanding[l.line] ?? 0)
            guard l.quantity <= available else {
                throw HubError(
                    code: Code.insufficient,
                    message:
                        "sale \(sale.id) line \(l.line): \(l.quantity) asked, \(available) returnable company-wide "
                        + "(sold \(line.quantity), returned \(returned[l.line] ?? 0), held by other claims \(outstanding[l.line] ?? 0))",
                    values: [
                        "sale": "\(sale.id)", "line": String(l.line), "asked": String(l.quantity),
                        "available": String(available), "sold": String(line.quantity),
                        "returned": String(returned[l.line] ?? 0), "held": String(outstanding[l.line] ?? 0),
                    ]
                )
            }
        }
        return EscrowGrant(
            claim: claimID(node: node, returnID: claim.returnID), sale: sale.id, returnID: claim.returnID,
            lines: claim.lines.sorted { $0.line < $1.line }, holder: holder, grantedAt: now,
            expiresAt: now + Escrow.claimLifetimeMillis)
    }

    /// What to do with a claim already stored for the same (node, return): answer it again when it
    /// asks for the same lines and is still outstanding; refuse it when the lines differ; decide
    /// afresh (nil) when it lapsed.
    public static func replay(_ claim: EscrowClaim, stored: EscrowGrant, returnMerged: Bool, now: Int64) throws
        -> EscrowGrant?
    {
        guard stored.lines == claim.lines.sorted(by: { $0.line < $1.line }), stored.sale == claim.sale else {
            throw HubError(
                code: Code.claimConflict,
                message: "return \(claim.returnID) was claimed before with other lines; claim a new return instead",
                values: ["return": "\(claim.returnID)"])
        }
        if returnMerged || stored.expiresAt > now { return stored }
        return nil
    }

    /// One stored row of a claim: one claimed line.
    public struct StoredLine: Sendable {
        public var node: String, returnID: String, line: Int, sale: String, quantity: Int, holder: String
        public var grantedAt: Int64, expiresAt: Int64
        public init(
            node: String, returnID: String, line: Int, sale: String, quantity: Int, holder: String, grantedAt: Int64,
            expiresAt: Int64
        ) {
            (self.node, self.returnID, self.line, self.sale, self.quantity, self.holder) = (
                node, returnID, line, sale, quantity, holder
            )
            (self.grantedAt, self.expiresAt) = (grantedAt, expiresAt)
        }
    }

    /// Stored rows (one per claimed line) as grants, one per (node, return), in the rows' order.
    public static func grants(_ rows: [StoredLine]) -> [EscrowGrant] {
        var grants: [EscrowGrant] = []
        var index: [String: Int] = [:]
        for row in rows {
            let id = claimID(node: NodeID(row.node), returnID: ReturnID(row.returnID))
            let line = EscrowLine(line: row.line, quantity: row.quantity)
            if let i = index[id] {
                grants[i].lines.append(line)
            } else {
                index[id] = grants.count
                grants.append(
                    EscrowGrant(
                        claim: id, sale: SaleID(row.sale), returnID: ReturnID(row.returnID), lines: [line],
                        holder: StoreID(row.holder), grantedAt: row.grantedAt, expiresAt: row.expiresAt))
            }
        }
        return grants
    }
}
