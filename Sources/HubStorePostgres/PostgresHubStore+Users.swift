public import HubStore
import Logging
import PostgresNIO
public import ReturnsDomain

extension PostgresHubStore {
    /// A user row's columns, in the order every query below selects them.
    private typealias UserColumns = (String, String, String, String, String?, Bool, Int?, Int64?)

    private static func user(_ c: UserColumns) -> (user: HeadOfficeUser, failures: PINFailures?) {
        (
            HeadOfficeUser(
                id: HeadOfficeUserID(c.0), name: c.1, roles: HeadOfficeUserColumns.roles(c.2), passwordHash: c.3,
                language: c.4, active: c.5),
            HeadOfficeUserColumns.failures(c.6, since: c.7)
        )
    }

    public func defineUser(_ user: HeadOfficeUser) async throws {
        let logger = self.logger
        let roles = HeadOfficeUserColumns.roles(user.roles)
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO hub_users (id, name, roles, password_hash, language, active)
                VALUES (\(user.id.rawValue), \(user.name), \(roles), \(user.passwordHash), \(user.language), \(user.active))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles = excluded.roles,
                  password_hash = excluded.password_hash, language = excluded.language, active = excluded.active
                """, logger: logger)
            if !user.active {
                try await connection.query(
                    #"DELETE FROM hub_sessions WHERE "user" = \#(user.id.rawValue)"#, logger: logger)
            }
        }
    }

    public func user(_ id: HeadOfficeUserID) async throws -> (user: HeadOfficeUser, failures: PINFailures?)? {
        let logger = self.logger
        return try await client.withConnection { connection in
            let query: PostgresQuery = """
                SELECT id, name, roles, password_hash, language, active, failures, failures_since
                FROM hub_users WHERE id = \(id.rawValue)
                """
            for try await c in try await connection.query(
                query, logger: logger
            ).decode(UserColumns.self) {
                return Self.user(c)
            }
            return nil
        }
    }

    public func users() async throws -> [HeadOfficeUser] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var users: [HeadOfficeUser] = []
            for try await c in try await connection.query(
                """
                SELECT id, name, roles, password_hash, language, active, failures, failures_since
                FROM hub_users ORDER BY id
                """, logger: logger
            ).decode(UserColumns.self) {
                users.append(Self.user(c).user)
            }
            return users
        }
    }

    public func setSignInFailures(_ id: HeadOfficeUserID, _ failures: PINFailures?) async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE hub_users SET failures = \(failures?.count), failures_since = \(failures?.since)
                WHERE id = \(id.rawValue)
                """, logger: logger)
        }
    }

    public func startSession(_ session: HeadOfficeSession) async throws {
        let logger = self.logger
        // Sign-ins that ended are cleared as new ones start.
        let now = session.expiresAt - HeadOfficeUser.sessionLength
        try await transaction { connection in
            try await connection.query("DELETE FROM hub_sessions WHERE expires_at <= \(now)", logger: logger)
            try await connection.query(
                """
                INSERT INTO hub_sessions (token_hash, csrf_hash, "user", expires_at)
                VALUES (\(session.tokenHash), \(session.csrfHash), \(session.user.rawValue), \(session.expiresAt))
                """, logger: logger)
        }
    }

    public func session(tokenHash: String, now: Int64) async throws -> (
        session: HeadOfficeSession, user: HeadOfficeUser
    )? {
        let logger = self.logger
        return try await client.withConnection { connection in
            let query: PostgresQuery = """
                SELECT s.csrf_hash, s.expires_at, u.id, u.name, u.roles, u.password_hash, u.language, u.active,
                  u.failures, u.failures_since
                FROM hub_sessions s JOIN hub_users u ON u.id = s."user"
                WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(now) AND u.active
                """
            for try await row in try await connection.query(query, logger: logger) {
                let (csrf, expires, id, name, roles, hash, language, active, failures, since) = try row.decode(
                    (String, Int64, String, String, String, String, String?, Bool, Int?, Int64?).self)
                let user = Self.user((id, name, roles, hash, language, active, failures, since)).user
                return (
                    HeadOfficeSession(tokenHash: tokenHash, csrfHash: csrf, user: user.id, expiresAt: expires), user
                )
            }
            return nil
        }
    }

    public func endSession(tokenHash: String) async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query("DELETE FROM hub_sessions WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }
}
