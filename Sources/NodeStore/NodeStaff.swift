import Foundation
import GRDB
import HummingbirdBcrypt
public import ReplicaStore
import Replication
public import ReturnsDomain

/// A staff member signed in at this node's desk, as the API answers a sign-in.
public struct StaffSession: Hashable, Sendable, Codable {
    public var staff: StaffID
    public var name: String
    public var roles: [StaffRole]
    public var language: String?
    public var expiresAt: Instant
}

/// Staff at the node: who head office defined (the `staff.defined` records this replica holds),
/// signing in with a PIN (bcrypt, checked here, offline too), sessions that expire, and the
/// authority the core's `StaffAuthority` gives each step.
extension NodeService {
    /// How long a sign-in lasts: one shift.
    public static let sessionLength: Int64 = 8 * 3600 * 1000
    /// Wrong PINs in a row that lock a staff member out (`PINLockout`).
    public static let pinAttempts = PINLockout.attempts

    /// The staff member `id`, as head office last defined them.
    public func staffMember(_ id: StaffID) async throws -> StaffMember? {
        try await read { try $0.staffMember(id) }
    }

    /// Whether this store's desk signs staff in: head office has defined someone who works here.
    /// Until then the desk names staff as typed (`X-Staff`) and no step is refused for authority.
    public func signInRequired() async throws -> Bool {
        let store = identity.store
        return try await read { try $0.staffRoster().contains { $0.worksAt(store) } }
    }

    /// Signs `staff` in with `pin`; the session is kept under `tokenHash` (the SHA-256 of the
    /// token the caller hands out). Refused alike for an unknown id and a wrong PIN
    /// (`auth.signInFailed`), and for five wrong PINs in a row for 15 minutes (`auth.pinLocked`).
    public func signIn(staff: StaffID, pin: String, tokenHash: String) async throws -> StaffSession {
        let member = try await signInCheck(staff: staff, pin: pin)
        let now = clock()
        let expires = now + Self.sessionLength
        try await database.transaction { db in
            try db.execute(sql: "DELETE FROM staff_sessions WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO staff_sessions (token_hash, staff, expires_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, staff.rawValue, expires])
        }
        return StaffSession(
            staff: member.id, name: member.name, roles: member.roles, language: member.language,
            expiresAt: Instant(millis: expires))
    }

    /// The session under `tokenHash`, while it lasts and its member still works here.
    public func session(tokenHash: String) async throws -> StaffSession? {
        let now = clock()
        let found = try await database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT staff, expires_at FROM staff_sessions WHERE token_hash = ? AND expires_at > ?",
                arguments: [tokenHash, now])
        }
        guard let found, let member = try await staffMember(StaffID(found["staff"] as String)),
            member.worksAt(identity.store)
        else { return nil }
        return StaffSession(
            staff: member.id, name: member.name, roles: member.roles, language: member.language,
            expiresAt: Instant(millis: found["expires_at"]))
    }

    /// Ends the session under `tokenHash`.
    public func signOut(tokenHash: String) async throws {
        try await database.transaction { db in
            try db.execute(sql: "DELETE FROM staff_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    /// A manager's PIN given at another's desk to authorise one step: checked like a sign-in
    /// (the same lockout), answering the manager as head office defined them.
    public func authoriser(_ staff: StaffID, pin: String) async throws -> StaffMember {
        try await signInCheck(staff: staff, pin: pin)
    }

    /// The member `staff` when `pin` is theirs and they work here, counting wrong PINs.
    func signInCheck(staff: StaffID, pin: String) async throws -> StaffMember {
        let now = clock()
        if let failures = pinFailures.value[staff], PINLockout.isLocked(failures, now: now) {
            throw DomainError(
                code: "auth.pinLocked",
                message: "\(staff) entered a wrong PIN \(failures.count) times; wait 15 minutes",
                values: ["staff": "\(staff)", "count": String(failures.count)])
        }
        guard let member = try await staffMember(staff), member.worksAt(identity.store),
            Bcrypt.verify(pin, hash: member.pinHash)
        else {
            pinFailures.update { $0[staff] = PINLockout.failed($0[staff], now: now) }
            throw DomainError(
                code: "auth.signInFailed", message: "no staff member here has that id and PIN",
                values: ["staff": "\(staff)"])
        }
        pinFailures.update { $0[staff] = nil }
        return member
    }
}

extension ReplicaReader {
    /// Every staff member head office has defined, as this replica holds them.
    public func staffRoster() throws -> [StaffMember] {
        try records(of: .staff).compactMap { if case .staff(let m) = $0.body { m } else { nil } }
    }

    public func staffMember(_ id: StaffID) throws -> StaffMember? {
        if case .staff(let m)? = try record(RecordKey(.staff, id.rawValue))?.body { return m }
        return nil
    }
}
