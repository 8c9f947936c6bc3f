import ReturnsDomain
import Testing

/// Who may take which step of a return (DESIGN §10): each rule refuses a clerk and lets a manager
/// (or the role that holds it) through, the same wherever the node asks.
@Suite("staff authority")
struct StaffAuthorityTests {
    static let clerk = StaffMember(id: "S-WANGLI", name: "王丽", roles: [.clerk], store: "SH-01", pinHash: "$2b$")
    static let manager = StaffMember(
        id: "S-LIQIANG", name: "李强", roles: [.storeManager], store: "SH-01", pinHash: "$2b$")
    static let afterSales = StaffMember(id: "S-ZHAO", name: "赵敏", roles: [.afterSales], pinHash: "$2b$")
    static let finance = StaffMember(id: "S-QIAN", name: "钱进", roles: [.finance], pinHash: "$2b$")
    static let threshold = Money(500_00, Currency("CNY"))

    static func permission(_ action: ReturnAction, scrap: Bool = false, refund: Int64? = nil) -> StaffPermission? {
        StaffAuthority.required(
            for: action, dispositions: scrap ? [.restock, .scrap(reason: "broken")] : [.restock],
            refund: refund.map { Money($0, Currency("CNY")) }, approvalThreshold: threshold)
    }

    @Test("approve, reject, scrap and a refund above the threshold need the permission; the rest do not")
    func rules() {
        #expect(Self.permission(.approve) == .approve)
        #expect(Self.permission(.reject) == .reject)
        #expect(Self.permission(.dispose, scrap: true) == .writeOff)
        #expect(Self.permission(.dispose) == nil)
        #expect(Self.permission(.refund, refund: 500_01) == .largeRefund)
        #expect(Self.permission(.refund, refund: 500_00) == nil)
        for action in [ReturnAction.receive, .inspect, .exchange, .close] { #expect(Self.permission(action) == nil) }
        // A refund in another currency than the threshold's is not compared (the policy's currency rules).
        #expect(
            StaffAuthority.required(
                for: .refund, refund: Money(9_999_00, Currency("EUR")), approvalThreshold: Self.threshold)
                == nil)
    }

    @Test("for each rule a clerk is refused and the role that holds it is allowed", arguments: StaffPermission.allCases)
    func clerkRefusedManagerAllowed(permission: StaffPermission) throws {
        #expect(throws: DomainError.self) { try StaffAuthority.check(Self.clerk, holds: permission, at: "SH-01") }
        do {
            try StaffAuthority.check(Self.clerk, holds: permission, at: "SH-01")
        } catch {
            #expect(error.code == "authority.required" && error.message.contains("storeManager"), "\(error)")
        }
        try StaffAuthority.check(Self.manager, holds: permission, at: "SH-01")
        let specialist = [Self.afterSales, Self.finance].first { $0.holds(permission) }
        if permission == .writeOff { #expect(specialist?.id == "S-ZHAO") }
        if permission == .largeRefund { #expect(specialist?.id == "S-QIAN") }
        try StaffAuthority.check(Self.clerk, holds: nil, at: "SH-01")
    }

    @Test("staff of another store, or who have left, are refused at this one")
    func otherStoreOrLeft() throws {
        #expect(throws: DomainError.self) { try StaffAuthority.check(Self.manager, holds: nil, at: "BJ-02") }
        var left = Self.manager
        left.active = false
        #expect(throws: DomainError.self) { try StaffAuthority.check(left, holds: nil, at: "SH-01") }
        // Staff without a store work at every store.
        try StaffAuthority.check(Self.finance, holds: .largeRefund, at: "BJ-02")
    }
}

@Suite("PIN lockout")
struct PINLockoutTests {
    @Test("five wrong PINs within 15 minutes lock out until the window ends; an old count starts again")
    func lockout() {
        var failures: PINFailures?
        for i in 0..<PINLockout.attempts {
            #expect(!PINLockout.isLocked(failures, now: Int64(i)))
            failures = PINLockout.failed(failures, now: Int64(i))
        }
        #expect(PINLockout.isLocked(failures, now: 10))
        #expect(!PINLockout.isLocked(failures, now: PINLockout.window))
        #expect(PINLockout.failed(failures, now: PINLockout.window) == PINFailures(count: 1, since: PINLockout.window))
    }
}
