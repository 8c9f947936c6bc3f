import GRDB
public import HubStore
import ReplicaStore
public import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    /// See `HubStore.claimEscrow`. One write transaction: claims are serialised by SQLite's single
    /// writer, so two claims racing for the last unit get one grant.
    public func claimEscrow(_ claim: EscrowClaim, from credential: HubCredential, now: Int64) async throws -> (
        grant: EscrowGrant, replayed: Bool
    ) {
        let store = try EscrowRules.check(claim, from: credential)
        let identity = database.identity
        return try await database.transaction { db in
            let node = credential.node
            if let stored = try Self.storedClaim(db, node: node, returnID: claim.returnID) {
                let merged = try Self.returnMerged(db, claim.returnID)
                if let again = try EscrowRules.replay(claim, stored: stored, returnMerged: merged, now: now) {
                    return (again, true)
                }
                try db.execute(
                    sql: "DELETE FROM hub_escrow_claims WHERE node = ? AND return_id = ?",
                    arguments: [node.rawValue, claim.returnID.rawValue])
            }
            let reader = ReplicaReader(db: db, identity: identity)
            let grant = try EscrowRules.decide(
                claim, by: node, store: store, sale: try reader.sale(claim.sale),
                returned: try reader.returnedQuantities(of: claim.sale),
                outstanding: try Self.outstandingByLine(db, sale: claim.sale, now: now), now: now)
            for l in grant.lines {
                try db.execute(
                    sql: """
                        INSERT INTO hub_escrow_claims (node, return_id, line, sale, quantity, holder, granted_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        node.rawValue, grant.returnID.rawValue, l.line, grant.sale.rawValue, l.quantity,
                        grant.holder.rawValue, grant.grantedAt, grant.expiresAt,
                    ])
            }
            return (grant, false)
        }
    }

    public func outstandingClaims(now: Int64) async throws -> [EscrowGrant] {
        try await database.writer.read { db in
            try Self.grants(
                db,
                where: "c.expires_at > ? AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = c.return_id)",
                arguments: [now])
        }
    }

    /// What outstanding claims hold per line of `sale` (all returns: a caller deciding a claim for
    /// a return has already removed that return's own lapsed claim).
    static func outstandingByLine(_ db: Database, sale: SaleID, now: Int64) throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT c.line, SUM(c.quantity) FROM hub_escrow_claims c
                WHERE c.sale = ? AND c.expires_at > ? AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = c.return_id)
                GROUP BY c.line
                """,
            arguments: [sale.rawValue, now])
        {
            out[row[0]] = row[1]
        }
        return out
    }

    /// Returned per line of `sale` as merged, plus what outstanding claims hold: what a return the
    /// hub records itself (the online channel's) is checked against.
    static func returnedOrClaimed(_ db: Database, reader: ReplicaReader, sale: SaleID?, now: Int64) throws -> [Int: Int]
    {
        var out = try reader.returnedQuantities(of: sale)
        if let sale {
            for (line, held) in try outstandingByLine(db, sale: sale, now: now) { out[line, default: 0] += held }
        }
        return out
    }

    static func returnMerged(_ db: Database, _ id: ReturnID) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM returns WHERE id = ?)", arguments: [id.rawValue])
            ?? false
    }

    static func storedClaim(_ db: Database, node: NodeID, returnID: ReturnID) throws -> EscrowGrant? {
        try grants(db, where: "c.node = ? AND c.return_id = ?", arguments: [node.rawValue, returnID.rawValue]).first
    }

    /// Claims, one grant per (node, return), oldest first.
    static func grants(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [EscrowGrant] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.node, c.return_id, c.line, c.sale, c.quantity, c.holder, c.granted_at, c.expires_at
                FROM hub_escrow_claims c WHERE \(condition) ORDER BY c.granted_at, c.node, c.return_id, c.line
                """,
            arguments: arguments)
        return EscrowRules.grants(
            rows.map {
                EscrowRules.StoredLine(
                    node: $0[0], returnID: $0[1], line: $0[2], sale: $0[3], quantity: $0[4], holder: $0[5],
                    grantedAt: $0[6],
                    expiresAt: $0[7])
            })
    }
}
