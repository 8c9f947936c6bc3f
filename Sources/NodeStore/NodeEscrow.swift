import Foundation
public import GRDB
import ReplicaStore
public import Replication
public import ReturnsDomain

/// How a node asks the hub for escrow (`POST /sync/v1/escrow/claims`); the sync client
/// implements it over HTTP. Throws `EscrowRefusal` when the hub answers no, any other error when
/// the hub could not be asked (the node then falls back on its risk budget).
public protocol EscrowClaimer: Sendable {
    func claimEscrow(_ claim: EscrowClaim) async throws -> EscrowGrant
}

/// The hub refused a claim: the return must not be recorded (`escrow.insufficient`: the line has
/// been returned elsewhere or is claimed by another store).
public struct EscrowRefusal: Error, Hashable, Sendable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The return was claimed before with other lines: the hub holds a claim under its number.
    public static let claimConflict = "escrow.claimConflict"
    /// The hub's codes that refuse a claim outright; any other failure means "could not ask".
    public static let refusingCodes: Set<String> = ["escrow.insufficient", "escrow.invalidClaim", claimConflict]
}

/// One return recorded against another store's sale line, and on what authority.
public struct EscrowUse: Hashable, Sendable, Codable {
    public var returnID: ReturnID
    public var sale: SaleID
    public var basis: EscrowBasis
    /// The hub's claim id, for `claim`.
    public var claim: String?
    public var value: Money
    public var recordedAt: Int64
    /// Whether the hub holds the return's events yet (a risk-budget return stops counting then:
    /// the hub has checked it at merge and raised any over-return).
    public var acknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case returnID = "returnId"
        case sale, basis, claim, value, recordedAt, acknowledged
    }
}

/// The node's escrow position: its risk budget for offline returns against other stores' sales,
/// what of it is in use, and the latest such returns.
public struct EscrowStatus: Hashable, Sendable, Codable {
    public var riskBudget: Money
    /// Value of risk-budget returns the hub has not acknowledged yet.
    public var used: Money
    public var available: Money
    /// The latest returns against other stores' lines, newest first (at most 100).
    public var recent: [EscrowUse]
}

extension NodeService {
    static let riskBudgetKey = "escrow.riskBudget"

    /// Opens a return; one the policy allows outright is approved in the same transaction.
    ///
    /// Escrow (DESIGN §4): the quantities are claimed from the hub through `claimer` before the
    /// return is recorded. Against another store's sale, when the hub cannot be asked (no
    /// claimer, offline, timeout) the return is accepted within the store's risk budget. Against
    /// a line this store holds (its own sale) the claim only asks whether another store holds the
    /// units meanwhile: when the hub cannot be asked the return is checked against what this
    /// replica knows and recorded, as the holder's right. A refusal from the hub
    /// (`escrow.insufficient`) or an exhausted budget (`escrow.budgetExhausted`) records nothing.
    /// A return without a receipt claims nothing.
    ///
    /// Without a claimer the whole decision is made in the return's own transaction: the sale is
    /// read by the writer, whose page cache is warm. (A read on another connection starts with a
    /// cold one after every commit, and cost a return as much again as its transaction.)
    public func createReturn(
        _ command: CreateReturnCommand, staff: StaffID, claimer: (any EscrowClaimer)? = nil
    ) async throws -> ReturnView {
        let store = identity.store
        // Opening a return needs someone head office defined, when the store signs staff in.
        let roster = try await read { try $0.staffRoster() }
        _ = try StaffAuthority.actor(staff, for: nil, roster: roster, authoriser: nil, signedIn: false, at: store)
        guard let claimer else {
            let now = clock()
            return try await transaction { db, log in
                let sale = try command.sale.flatMap { try NodeReader(db: db, identity: self.identity).sale($0) }
                guard let sale, !Escrow.claimedLines(command.lines).isEmpty, Escrow.holder(of: sale) != store else {
                    return try self.createReturn(command, staff: staff, now: now, log: log, sale: sale)
                }
                return try self.recordAgainstOtherStore(
                    command, sale: sale, minted: nil, grant: nil, staff: staff, now: now, db: db, log: log)
            }
        }
        let sale: Sale? = try await read { reader in try command.sale.flatMap { try reader.sale($0) } }
        let lines = Escrow.claimedLines(command.lines)
        guard let sale, !lines.isEmpty else {
            return try await createHeldReturn(command, staff: staff)
        }
        if Escrow.holder(of: sale) == store {
            return try await createHolderReturn(command, sale: sale, lines: lines, staff: staff, claimer: claimer)
        }
        // Against another store's sale: the hub's grant, or without an answer the risk budget.
        let (minted, grant) = try await claimFirst(command, sale: sale, lines: lines, claimer: claimer)
        let now = clock()
        return try await transaction { db, log in
            try self.recordAgainstOtherStore(
                command, sale: sale, minted: minted, grant: grant, staff: staff, now: now, db: db, log: log)
        }
    }

    /// Records a return against another store's sale: on the hub's grant, or within the risk
    /// budget when there is none (refused with `escrow.budgetExhausted` beyond it), and notes
    /// on what authority in `escrow_uses`. `minted` is the number the claim was made under.
    func recordAgainstOtherStore(
        _ command: CreateReturnCommand, sale: Sale, minted: ReturnID?, grant: EscrowGrant?, staff: StaffID, now: Int64,
        db: Database,
        log: EventLog
    ) throws -> ReturnView {
        let (decided, claimed) = grant.map { (EscrowBasis.claim, Optional($0.claim)) } ?? (.riskBudget, nil)
        let value = Escrow.value(of: command.lines, in: sale)
        let node = identity.node
        let currency = identity.currency
        if decided == .riskBudget {
            guard value.currency == currency else {
                throw DomainError(
                    code: "escrow.budgetExhausted",
                    message:
                        "sale \(sale.id) is in \(value.currency), the risk budget in \(currency): claim it from the hub when online"
                )
            }
            let budget = try Self.riskBudget(db, currency: currency)
            let used = try Self.budgetUsed(db, node: node, currency: currency)
            guard used + value.minor <= budget.minor else {
                throw DomainError(
                    code: "escrow.budgetExhausted",
                    message:
                        "sale \(sale.id) was made at store \(sale.store) and the hub cannot be reached: this return (\(value)) "
                        + "would take offline returns against other stores' sales to \(Money(used + value.minor, currency)), over the "
                        + "store's risk budget of \(budget); take it when the hub is reachable again",
                    values: [
                        "sale": "\(sale.id)", "store": "\(sale.store)", "value": "\(value)",
                        "total": "\(Money(used + value.minor, currency))", "budget": "\(budget)",
                    ])
            }
        }
        let view = try createReturn(command, staff: staff, now: now, log: log, id: minted)
        let id = view.id
        try db.execute(
            sql: """
                INSERT INTO escrow_uses (return_id, record, sale, basis, claim, value, currency, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id.rawValue, RecordKey.returnOrder(id).description, sale.id.rawValue, decided.rawValue, claimed,
                value.minor, value.currency.rawValue, now,
            ])
        return view
    }

    /// The risk budget, what of it is in use and the latest returns against other stores' lines.
    public func escrowStatus() async throws -> EscrowStatus {
        let node = identity.node
        let currency = identity.currency
        return try await database.writer.read { db in
            let budget = try Self.riskBudget(db, currency: currency)
            let used = try Self.budgetUsed(db, node: node, currency: currency)
            let recent = try Row.fetchAll(
                db,
                sql: """
                    SELECT u.return_id, u.sale, u.basis, u.claim, u.value, u.currency, u.recorded_at,
                        NOT EXISTS (SELECT 1 FROM events e WHERE e.node = ? AND e.record = u.record AND e.seq > \(Outbox.acknowledged))
                    FROM escrow_uses u ORDER BY u.recorded_at DESC, u.return_id DESC LIMIT 100
                    """,
                arguments: [node.rawValue]
            ).map { row in
                EscrowUse(
                    returnID: ReturnID(row[0] as String), sale: SaleID(row[1] as String),
                    basis: EscrowBasis(rawValue: row[2]) ?? .riskBudget, claim: row[3],
                    value: Money(row[4] as Int64, Currency(row[5] as String)), recordedAt: row[6], acknowledged: row[7])
            }
            return EscrowStatus(
                riskBudget: budget, used: Money(used, currency),
                available: Money(max(0, budget.minor - used), currency),
                recent: recent)
        }
    }

    /// Sets the store's risk budget (in the node's currency; 0 takes no offline returns against
    /// other stores' sales).
    public func setRiskBudget(_ amount: Money) async throws {
        guard amount.currency == identity.currency else {
            throw DomainError.currencyMismatch(amount.currency, identity.currency)
        }
        guard amount.minor >= 0 else {
            throw DomainError(code: "input.negativeAmount", message: "a risk budget cannot be negative")
        }
        try await database.transaction { db in
            try db.execute(
                sql:
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [Self.riskBudgetKey, String(amount.minor)])
        }
    }

    /// A return against this store's own sale. While the hub can be asked the holder claims too,
    /// so that units another store claimed (or returned and merged) meanwhile are not refunded
    /// twice; the hub's refusal records nothing. When it cannot be asked (no claimer, offline,
    /// timeout, or a hub that does not take the holder's claims) the return goes ahead on what this
    /// replica knows: the holder's lines are its own to take back offline. (Without a claimer
    /// `createReturn(_:staff:claimer:)` records it in one transaction and does not come here.)
    func createHolderReturn(
        _ command: CreateReturnCommand, sale: Sale, lines: [EscrowLine], staff: StaffID, claimer: any EscrowClaimer
    ) async throws -> ReturnView {
        // Granted or not asked, the holder goes ahead on what it knows.
        let (id, _) = try await claimFirst(command, sale: sale, lines: lines, claimer: claimer)
        let now = clock()
        return try await transaction { _, log in
            try self.createReturn(command, staff: staff, now: now, log: log, id: id)
        }
    }

    /// Checks the return as the desk would record it, mints its id and claims its lines through
    /// `claimer`: the grant, or nil when the hub could not be asked (no answer, or an error that
    /// is not a refusal). The checks come first so that a claim is made only for a return that
    /// will be recorded (a claim holds quantities at the hub until its return merges or it lapses).
    ///
    /// A refusal throws and records nothing. The hub stored nothing under the number either, so
    /// it is given back unless another was minted since: the store's return numbers stay without
    /// gaps. (After no answer the number stays used: the hub may hold a claim under it.)
    func claimFirst(
        _ command: CreateReturnCommand, sale: Sale, lines: [EscrowLine], claimer: any EscrowClaimer
    ) async throws -> (id: ReturnID, grant: EscrowGrant?) {
        let checkTime = clock()
        _ = try await database.writer.read { db in
            try self.plan(command, id: ReturnID("RT-CHECK"), db: db, now: checkTime)
        }
        let id = try await transaction { _, log in ReturnID(try log.mint("RT")) }
        do {
            return (id, try await claimer.claimEscrow(EscrowClaim(sale: sale.id, returnID: id, lines: lines)))
        } catch let refusal as EscrowRefusal {
            if refusal.code != EscrowRefusal.claimConflict {
                try await transaction { _, log in try log.giveBack("RT", id.rawValue) }
            }
            throw DomainError(code: refusal.code, message: refusal.message)
        } catch {
            return (id, nil)
        }
    }

    static func riskBudget(_ db: Database, currency: Currency) throws -> Money {
        let minor =
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [riskBudgetKey])
            .flatMap { Int64($0) } ?? Escrow.defaultRiskBudgetMinor
        return Money(minor, currency)
    }

    /// Value of risk-budget returns whose events are still in the outbox.
    static func budgetUsed(_ db: Database, node: NodeID, currency: Currency) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(u.value), 0) FROM escrow_uses u
                WHERE u.basis = 'riskBudget' AND u.currency = ?
                  AND EXISTS (SELECT 1 FROM events e WHERE e.node = ? AND e.record = u.record AND e.seq > \(Outbox.acknowledged))
                """,
            arguments: [currency.rawValue, node.rawValue]) ?? 0
    }
}
