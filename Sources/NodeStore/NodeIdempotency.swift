import Foundation
import GRDB

/// A request to the node's API that carries an `Idempotency-Key`: the key and the digest of what
/// was asked (method, path, body). While the request runs, `RequestIdempotency.claim` holds it and
/// the transaction that carries the request out records it, so that the work and the key commit
/// together: a retry after a crash finds the key even when the answer was lost.
public struct IdempotencyClaim: Hashable, Sendable {
    public var key: String
    public var digest: String

    public init(key: String, digest: String) {
        self.key = key
        self.digest = digest
    }

    func record(_ db: Database, now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO idempotency (key, digest, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            arguments: [key, digest, now])
    }
}

/// The claim of the request this task serves, if it carries an `Idempotency-Key`.
public enum RequestIdempotency {
    @TaskLocal public static var claim: IdempotencyClaim?
}

/// What the node holds for a key: the digest of the request it was first given with and, once
/// the answer was sent, that answer (nil when the work committed but the answer was lost).
public struct StoredIdempotency: Sendable {
    public var digest: String
    public var status: Int?
    public var body: [UInt8]?
}

extension NodeService {
    /// What the node holds for `key`, if anything.
    public func idempotency(_ key: String) async throws -> StoredIdempotency? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT digest, status, body FROM idempotency WHERE key = ?", arguments: [key])
                .map {
                    StoredIdempotency(
                        digest: $0["digest"], status: $0["status"], body: ($0["body"] as Data?).map { [UInt8]($0) })
                }
        }
    }

    /// Keeps the answer given to `claim`'s request (and the claim, when its work wrote nothing
    /// through a command transaction).
    public func recordAnswer(_ claim: IdempotencyClaim, status: Int, body: [UInt8]) async throws {
        let now = clock()
        try await database.transaction { db in
            try claim.record(db, now: now)
            try db.execute(
                sql: "UPDATE idempotency SET status = ?, body = ? WHERE key = ? AND digest = ?",
                arguments: [status, Data(body), claim.key, claim.digest])
        }
    }
}
