import Admission
import GRDB
public import ReturnsDomain

/// A key the node's own API accepts (a till, the desk's browser): its name and when it was made
/// and, once revoked, when it stopped working. The secret itself is never kept, only its SHA-256.
public struct NodeAPIToken: Hashable, Sendable, Codable {
    public var name: String
    public var createdAt: Instant
    public var revokedAt: Instant?
}

extension NodeService {
    /// Records a new key under `name` (the id alphabet; unique among keys not revoked, and a
    /// revoked name may be reused) by the SHA-256 of its secret.
    public func addAPIToken(name: String, secretHash: String) async throws {
        guard IdentifierAlphabet.isValid(name) else {
            throw DomainError(
                code: "input.invalidName",
                message:
                    "a key's name is 1-\(Limits.maxIdentifierScalars) letters, digits or signs, without spaces at the ends"
            )
        }
        let now = clock()
        try await database.transaction { db in
            if let revoked = try Int64?.fetchOne(
                db, sql: "SELECT revoked_at FROM api_tokens WHERE name = ?", arguments: [name])
            {
                guard revoked != nil else {
                    throw DomainError(
                        code: "token.exists", message: "a key named \(name) already exists; revoke it first")
                }
                try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, secret_hash, created_at) VALUES (?, ?, ?)",
                arguments: [name, secretHash, now])
        }
    }

    /// Stops the key named `name` working at once; false when there is no such live key.
    public func revokeAPIToken(name: String) async throws -> Bool {
        let now = clock()
        return try await database.transaction { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [now, name])
            return db.changesCount > 0
        }
    }

    /// Every key, by name.
    public func apiTokens() async throws -> [NodeAPIToken] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, created_at, revoked_at FROM api_tokens ORDER BY name").map {
                NodeAPIToken(
                    name: $0["name"], createdAt: Instant(millis: $0["created_at"]),
                    revokedAt: ($0["revoked_at"] as Int64?).map { Instant(millis: $0) })
            }
        }
    }

    /// The name of the live key whose secret hashes to `secretHash`, or nil.
    public func apiTokenName(secretHash: String) async throws -> String? {
        try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT name FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL",
                arguments: [secretHash])
        }
    }
}
