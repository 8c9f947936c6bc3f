import GRDB
public import HubStore
public import ReturnsDomain

extension SQLiteHubStore {
    public func defineUser(_ user: HeadOfficeUser) async throws {
        try await database.transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_users (id, name, roles, password_hash, language, active) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles = excluded.roles,
                      password_hash = excluded.password_hash, language = excluded.language, active = excluded.active
                    """,
                arguments: [
                    user.id.rawValue, user.name, HeadOfficeUserColumns.roles(user.roles), user.passwordHash,
                    user.language, user.active,
                ])
            if !user.active {
                try db.execute(sql: "DELETE FROM hub_sessions WHERE user = ?", arguments: [user.id.rawValue])
            }
        }
    }

    public func user(_ id: HeadOfficeUserID) async throws -> (user: HeadOfficeUser, failures: PINFailures?)? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM hub_users WHERE id = ?", arguments: [id.rawValue]).map {
                (Self.user($0), HeadOfficeUserColumns.failures($0["failures"], since: $0["failures_since"]))
            }
        }
    }

    public func users() async throws -> [HeadOfficeUser] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hub_users ORDER BY id").map(Self.user)
        }
    }

    public func setSignInFailures(_ id: HeadOfficeUserID, _ failures: PINFailures?) async throws {
        try await database.transaction { db in
            try db.execute(
                sql: "UPDATE hub_users SET failures = ?, failures_since = ? WHERE id = ?",
                arguments: [failures?.count, failures?.since, id.rawValue])
        }
    }

    public func startSession(_ session: HeadOfficeSession) async throws {
        try await database.transaction { db in
            // Sign-ins that ended are cleared as new ones start.
            try db.execute(
                sql: "DELETE FROM hub_sessions WHERE expires_at <= ?",
                arguments: [session.expiresAt - HeadOfficeUser.sessionLength])
            try db.execute(
                sql: "INSERT INTO hub_sessions (token_hash, csrf_hash, user, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [session.tokenHash, session.csrfHash, session.user.rawValue, session.expiresAt])
        }
    }

    public func session(tokenHash: String, now: Int64) async throws -> (
        session: HeadOfficeSession, user: HeadOfficeUser
    )? {
        try await database.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.csrf_hash, s.expires_at, u.* FROM hub_sessions s JOIN hub_users u ON u.id = s.user
                        WHERE s.token_hash = ? AND s.expires_at > ? AND u.active
                        """,
                    arguments: [tokenHash, now])
            else { return nil }
            let user = Self.user(row)
            return (
                HeadOfficeSession(
                    tokenHash: tokenHash, csrfHash: row["csrf_hash"], user: user.id, expiresAt: row["expires_at"]), user
            )
        }
    }

    public func endSession(tokenHash: String) async throws {
        try await database.transaction { db in
            try db.execute(sql: "DELETE FROM hub_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    static func user(_ row: Row) -> HeadOfficeUser {
        HeadOfficeUser(
            id: HeadOfficeUserID(row["id"] as String), name: row["name"],
            roles: HeadOfficeUserColumns.roles(row["roles"] as String), passwordHash: row["password_hash"],
            language: row["language"], active: row["active"])
    }
}
