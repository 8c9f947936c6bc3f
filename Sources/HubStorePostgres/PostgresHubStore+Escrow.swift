public import HubStore
import Logging
import PostgresNIO
public import Replication
public import ReturnsDomain

extension PostgresHubStore {
    /// See `HubStore.claimEscrow`. Claims on one sale are serialised across every hub process by a
    /// transaction-scoped advisory lock on the sale; READ COMMITTED then lets each statement after
    /// the lock see every claim and merged return committed before it.
    public func claimEscrow(_ claim: EscrowClaim, from credential: HubCredential, now: Int64) async throws -> (
        grant: EscrowGrant, replayed: Bool
    ) {
        let store = try EscrowRules.check(claim, from: credential)
        let logger = self.logger
        let node = credential.node
        return try await transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\("escrow:" + claim.sale.rawValue), 0))", logger: logger)
            if let stored = try await Self.grants(
                connection, logger: logger, node: node.rawValue, returnID: claim.returnID.rawValue
            ).first {
                let merged = try await Self.returnMerged(connection, logger: logger, claim.returnID)
                if let again = try EscrowRules.replay(claim, stored: stored, returnMerged: merged, now: now) {
                    return (again, true)
                }
                try await connection.query(
                    "DELETE FROM hub_escrow_claims WHERE node = \(node.rawValue) AND return_id = \(claim.returnID.rawValue)",
                    logger: logger)
            }
            let reader = PostgresReader(connection: connection, logger: logger)
            let grant = try EscrowRules.decide(
                claim, by: node, store: store, sale: try await reader.sale(claim.sale),
                returned: try await reader.returnedQuantities(of: claim.sale),
                outstanding: try await Self.outstandingByLine(connection, logger: logger, sale: claim.sale, now: now),
                now: now)
            for l in grant.lines {
                try await connection.query(
                    """
                    INSERT INTO hub_escrow_claims (node, return_id, line, sale, quantity, holder, granted_at, expires_at)
                    VALUES (\(node.rawValue), \(grant.returnID.rawValue), \(Int64(l.line)), \(grant.sale.rawValue),
                        \(Int64(l.quantity)), \(grant.holder.rawValue), \(grant.grantedAt), \(grant.expiresAt))
                    """, logger: logger)
            }
            return (grant, false)
        }
    }

    public func outstandingClaims(now: Int64) async throws -> [EscrowGrant] {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await Self.grants(connection, logger: logger, outstandingAt: now)
        }
    }

    /// What outstanding claims hold per line of `sale`.
    static func outstandingByLine(_ connection: PostgresConnection, logger: Logger, sale: SaleID, now: Int64)
        async throws -> [Int: Int]
    {
        var out: [Int: Int] = [:]
        for try await (line, held) in try await connection.query(
            """
            SELECT c.line, SUM(c.quantity)::bigint FROM hub_escrow_claims c
            WHERE c.sale = \(sale.rawValue) AND c.expires_at > \(now)
              AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = c.return_id)
            GROUP BY c.line
            """, logger: logger
        ).decode((Int64, Int64).self) {
            out[Int(line)] = Int(held)
        }
        return out
    }

    /// Returned per line of `sale` as merged, plus what outstanding claims hold (for the online
    /// channel's returns, which the hub records itself).
    static func returnedOrClaimed(
        _ connection: PostgresConnection, logger: Logger, reader: PostgresReader, sale: SaleID?, now: Int64
    ) async throws -> [Int: Int] {
        var out = try await reader.returnedQuantities(of: sale)
        if let sale {
            for (line, held) in try await outstandingByLine(connection, logger: logger, sale: sale, now: now) {
                out[line, default: 0] += held
            }
        }
        return out
    }

    static func returnMerged(_ connection: PostgresConnection, logger: Logger, _ id: ReturnID) async throws -> Bool {
        try await !connection.query("SELECT 1 FROM returns WHERE id = \(id.rawValue)", logger: logger).collect().isEmpty
    }

    /// The claims of one (node, return), or every outstanding claim; one grant per (node, return),
    /// oldest first.
    static func grants(
        _ connection: PostgresConnection, logger: Logger, node: String? = nil, returnID: String? = nil,
        outstandingAt: Int64? = nil
    ) async throws -> [EscrowGrant] {
        let rows: PostgresRowSequence
        let columns = "c.node, c.return_id, c.line, c.sale, c.quantity, c.holder, c.granted_at, c.expires_at"
        if let node, let returnID {
            rows = try await connection.query(
                """
                SELECT \(unescaped: columns) FROM hub_escrow_claims c
                WHERE c.node = \(node) AND c.return_id = \(returnID) ORDER BY c.line
                """, logger: logger)
        } else {
            rows = try await connection.query(
                """
                SELECT \(unescaped: columns) FROM hub_escrow_claims c
                WHERE c.expires_at > \(outstandingAt ?? 0) AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.id = c.return_id)
                ORDER BY c.granted_at, c.node, c.return_id, c.line
                """, logger: logger)
        }
        var stored: [EscrowRules.StoredLine] = []
        for try await (node, returnID, line, sale, quantity, holder, grantedAt, expiresAt) in rows.decode(
            (String, String, Int64, String, Int64, String, Int64, Int64).self)
        {
            stored.append(
                EscrowRules.StoredLine(
                    node: node, returnID: returnID, line: Int(line), sale: sale, quantity: Int(quantity),
                    holder: holder,
                    grantedAt: grantedAt, expiresAt: expiresAt))
        }
        return EscrowRules.grants(stored)
    }
}
