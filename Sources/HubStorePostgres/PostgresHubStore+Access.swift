public import HubStore
import Logging
import PostgresNIO
public import Replication
public import ReturnsDomain

extension PostgresHubStore {
    public func enroll(node: NodeID, store: StoreID?, role: HubRole, secretHash: String, now: Int64) async throws {
        try Enrollment.check(node: node, store: store, role: role, secretHash: secretHash)
        let logger = self.logger
        try await transaction { connection in
            guard try await PostgresNodeRow.fetch(connection, node, logger: logger) == nil else {
                throw HubError(
                    code: HubError.Code.alreadyEnrolled,
                    message: "node \(node) is already enrolled; a restored node enrols under a new id")
            }
            do {
                try await connection.query(
                    """
                    INSERT INTO hub_nodes (node, store, role, secret_hash, enrolled_at)
                    VALUES (\(node.rawValue), \(store?.rawValue), \(role.rawValue), \(secretHash), \(now))
                    """, logger: logger)
            } catch let error as PSQLError where error.isUniqueViolation {
                // The node enrolled a moment ago by another hub process, or the secret taken.
                if error.serverInfo?[.constraintName] == "hub_nodes_pkey" {
                    throw HubError(code: HubError.Code.alreadyEnrolled, message: "node \(node) is already enrolled")
                }
                throw HubError(code: HubError.Code.duplicateSecret, message: "another node already has this credential")
            }
        }
    }

    public func revoke(node: NodeID) async throws {
        let logger = self.logger
        try await transaction { connection in
            let rows = try await connection.query(
                "UPDATE hub_nodes SET revoked = true WHERE node = \(node.rawValue) RETURNING node", logger: logger
            ).collect()
            guard rows.count == 1 else { throw HubError.unknownNode(node) }
        }
    }

    public func credential(secretHash: String) async throws -> HubCredential? {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await PostgresNodeRow.fetch(connection, secretHash: secretHash, logger: logger)?.credential
        }
    }

    public func syncStatus() async throws -> [NodeSyncStatus] {
        let logger = self.logger
        return try await snapshot { connection in
            let head = try await Self.feedHead(connection, logger: logger)
            return try await PostgresNodeRow.all(connection, logger: logger).map { n in
                NodeSyncStatus(
                    node: n.node, store: n.store, role: n.role, acked: n.acked, lastPushAt: n.lastPushAt,
                    lastPullAt: n.lastPullAt, pulledCheckpoint: n.pulledCheckpoint,
                    lag: head > n.pulledCheckpoint ? head - n.pulledCheckpoint : 0, revoked: n.revoked)
            }
        }
    }

    public func incidents() async throws -> [HubIncident] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var out: [HubIncident] = []
            for try await (id, code, node, seq, digest, message, first, last, occurrences)
                in try await connection.query(
                    """
                    SELECT id, code, node, seq, offered_digest, message, first_at, last_at, occurrences
                    FROM hub_incidents ORDER BY last_at DESC, id DESC
                    """, logger: logger
                ).decode((Int64, String, String, Int64, String, String, Int64, Int64, Int64).self)
            {
                let author = NodeID(node)
                out.append(
                    HubIncident(
                        id: id, code: code, node: author, dot: Dot(node: author, seq: UInt64(seq)),
                        offeredDigest: digest,
                        firstSeenAt: first, lastSeenAt: last, occurrences: Int(occurrences), message: message))
            }
            return out
        }
    }
}

/// A row of `hub_nodes`.
typealias PostgresNodeRow = EnrolledNode

extension EnrolledNode {
    typealias Columns = (String, String?, String, Bool, Int64, Int64?, Int64?, Int64)

    init(_ c: Columns) throws {
        try self.init(
            node: c.0, store: c.1, role: c.2, revoked: c.3, acked: c.4, lastPushAt: c.5, lastPullAt: c.6,
            pulledCheckpoint: c.7)
    }

    static func fetch(
        _ connection: PostgresConnection, _ node: NodeID, logger: Logger, forUpdate: Bool = false
    ) async throws -> PostgresNodeRow? {
        let query: PostgresQuery =
            forUpdate
            ? """
            SELECT node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint
            FROM hub_nodes WHERE node = \(node.rawValue) FOR UPDATE
            """
            : """
            SELECT node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint
            FROM hub_nodes WHERE node = \(node.rawValue)
            """
        for try await columns in try await connection.query(query, logger: logger).decode(Columns.self) {
            return try PostgresNodeRow(columns)
        }
        return nil
    }

    static func fetch(_ connection: PostgresConnection, secretHash: String, logger: Logger) async throws
        -> PostgresNodeRow?
    {
        for try await columns in try await connection.query(
            """
            SELECT node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint
            FROM hub_nodes WHERE secret_hash = \(secretHash)
            """, logger: logger
        ).decode(Columns.self) {
            return try PostgresNodeRow(columns)
        }
        return nil
    }

    static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [PostgresNodeRow] {
        var out: [PostgresNodeRow] = []
        for try await columns in try await connection.query(
            "SELECT node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint FROM hub_nodes ORDER BY node",
            logger: logger
        ).decode(Columns.self) {
            out.append(try PostgresNodeRow(columns))
        }
        return out
    }

    /// The node as an authenticated party may use it: enrolled and not revoked.
    static func active(
        _ connection: PostgresConnection, _ node: NodeID, logger: Logger, forUpdate: Bool = false
    ) async throws -> PostgresNodeRow {
        try active(try await fetch(connection, node, logger: logger, forUpdate: forUpdate), node)
    }

}
