import GRDB
public import HubStore
import ReplicaStore
public import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    public func enroll(node: NodeID, store: StoreID?, role: HubRole, secretHash: String, now: Int64) async throws {
        try Enrollment.check(node: node, store: store, role: role, secretHash: secretHash)
        try await database.transaction { db in
            guard try HubNodeRow.fetch(db, node) == nil else {
                throw HubError(
                    code: HubError.Code.alreadyEnrolled,
                    message: "node \(node) is already enrolled; a restored node enrols under a new id")
            }
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM hub_nodes WHERE secret_hash = ?)", arguments: [secretHash])
                    == false
            else {
                throw HubError(code: HubError.Code.duplicateSecret, message: "another node already has this credential")
            }
            try db.execute(
                sql: "INSERT INTO hub_nodes (node, store, role, secret_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [node.rawValue, store?.rawValue, role.rawValue, secretHash, now])
        }
    }

    public func revoke(node: NodeID) async throws {
        try await database.transaction { db in
            try db.execute(sql: "UPDATE hub_nodes SET revoked = 1 WHERE node = ?", arguments: [node.rawValue])
            guard db.changesCount == 1 else { throw HubError.unknownNode(node) }
        }
    }

    public func credential(secretHash: String) async throws -> HubCredential? {
        try await database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(HubNodeRow.columns) FROM hub_nodes WHERE secret_hash = ?", arguments: [secretHash]
            )
            .map { try HubNodeRow($0).credential }
        }
    }
}
