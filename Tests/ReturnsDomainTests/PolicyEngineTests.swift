import ReturnsDomain
import Testing

/// Builders for the policy tables: one phone, sold at 10:00 on 1 March 2025, in CNY.
private enum P {
    static let cny = Currency("CNY")
    static let soldAt = Instant(millis: Instant.date(2025, 3, 1).millis + 10 * 3_600_000)
    static func cny(_ minor: Int64) -> Money { Money(minor, cny) }

    static func phone(returnable: Bool = true, category: String = "phones") -> Product {
        Product(
            sku: "PH-1", name: "Phone", category: category, unitPrice: cny(200_000), unitCost: cny(120_000),
            vatRate: VATRate(basisPoints: 1300), returnable: returnable)
    }

    /// The standard policy (7 / 30 days, unopened or complete, 50.00 and twice receipt-less, approval
    /// above 1,000.00), with the given changes.
    static func policy(_ change: (inout ReturnPolicy) -> Void = { _ in }) -> ReturnPolicy {
        var p = ReturnPolicy.standard(currency: cny)
        change(&p)
        return p
    }

    static func query(
        product: Product = phone(), days: Int = 1, hours: Int64 = 0, receipt: Bool = true,
        reason: ReasonCode = .changedMind, condition: ItemCondition = .unopened, value: Int64 = 1_000,
        receiptlessBefore: Int = 0
    ) -> PolicyQuery {
        let returnAt = Instant(millis: soldAt.adding(days: days).millis + hours * 3_600_000)
        return PolicyQuery(
            product: product, soldAt: receipt ? soldAt : nil, returnAt: returnAt, reason: reason,
            condition: condition, value: cny(value), receiptlessReturnsLast90Days: receiptlessBefore)
    }
}

@Suite struct PolicyEngineTests {
    // MARK: Windows

    struct WindowCase: Sendable, CustomTestStringConvertible {
        var days: Int
        var hours: Int64 = 0
        var reason: ReasonCode
        var decision: PolicyDecision
        var testDescription: String { "day \(days) +\(hours)h, \(reason.rawValue) → \(decision.rawValue)" }
    }

    @Test(
        "the 7-day no-reason window, then faults only up to 30 days",
        arguments: [
            WindowCase(days: 0, reason: .changedMind, decision: .allow),
            WindowCase(days: 7, reason: .changedMind, decision: .allow),
            WindowCase(days: 7, hours: 23, reason: .changedMind, decision: .allow),
            WindowCase(days: 8, reason: .changedMind, decision: .deny),
            WindowCase(days: 8, reason: .sizeOrFit, decision: .deny),
            WindowCase(days: 8, reason: .other, decision: .deny),
            WindowCase(days: 8, reason: .defective, decision: .allow),
            WindowCase(days: 20, reason: .wrongItem, decision: .allow),
            WindowCase(days: 30, hours: 23, reason: .notAsDescribed, decision: .allow),
            WindowCase(days: 31, reason: .damagedInTransit, decision: .deny),
            WindowCase(days: 400, reason: .defective, decision: .deny),
        ])
    func window(_ c: WindowCase) {
        let verdict = P.policy().evaluate(P.query(days: c.days, hours: c.hours, reason: c.reason))
        #expect(verdict.decision == c.decision)
        #expect(verdict.codes == (c.decision == .deny ? ["policy.windowExpired"] : []))
    }

    @Test("a return after the window is refused with a message naming the days")
    func windowMessage() throws {
        let verdict = P.policy().evaluate(P.query(days: 12))
        let denial = try #require(verdict.denial)
        #expect(denial.code == "policy.windowExpired")
        #expect(denial.message.contains("12 day(s)"))
        #expect(denial.message.contains("PH-1"))
    }

    @Test("with the no-reason window disabled, only faults come back")
    func noReasonWindowDisabled() {
        let policy = P.policy { $0.noReasonWindowDays = 0 }
        #expect(policy.evaluate(P.query(days: 0, reason: .changedMind)).codes == ["policy.windowExpired"])
        #expect(policy.evaluate(P.query(days: 0, reason: .defective)).isAllowed)
        #expect(policy.evaluate(P.query(receipt: false, reason: .changedMind)).codes == ["policy.windowExpired"])
        #expect(policy.evaluate(P.query(receipt: false, reason: .defective)).isAllowed)
    }

    // MARK: What can come back

    @Test("a product marked not returnable is refused, even when faulty")
    func productNotReturnable() {
        let verdict = P.policy().evaluate(P.query(product: P.phone(returnable: false), reason: .defective))
        #expect(verdict.isDenied)
        #expect(verdict.codes == ["policy.productNotReturnable"])
    }

    @Test("a non-returnable category is refused", arguments: [ReasonCode.changedMind, .defective])
    func nonReturnableCategory(reason: ReasonCode) {
        let policy = P.policy { $0.nonReturnableCategories = ["hygiene"] }
        let verdict = policy.evaluate(P.query(product: P.phone(category: "hygiene"), reason: reason))
        #expect(verdict.codes == ["policy.nonReturnableCategory"])
        #expect(policy.evaluate(P.query(product: P.phone(category: "phones"), reason: reason)).isAllowed)
    }

    @Test(
        "a return without a fault must be in an accepted condition; a fault is taken in any condition",
        arguments: ItemCondition.allCases)
    func condition(_ condition: ItemCondition) {
        let policy = P.policy()
        let accepted = policy.acceptedConditions.contains(condition)
        let choice = policy.evaluate(P.query(reason: .changedMind, condition: condition))
        #expect(choice.codes == (accepted ? [] : ["policy.conditionNotAccepted"]))
        #expect(policy.evaluate(P.query(reason: .defective, condition: condition)).isAllowed)
    }

    // MARK: Receipt-less

    struct ReceiptlessCase: Sendable, CustomTestStringConvertible {
        var name: String
        var required: Bool = false
        var value: Int64 = 1_000
        var before: Int = 0
        var decision: PolicyDecision
        var codes: [String]
        var testDescription: String { name }
    }

    @Test(
        "receipt-less returns: receipt rule, value limit, frequency",
        arguments: [
            ReceiptlessCase(name: "small, first time", decision: .allow, codes: []),
            ReceiptlessCase(name: "exactly at the 50.00 limit", value: 5_000, decision: .allow, codes: []),
            ReceiptlessCase(
                name: "one minor unit over the limit", value: 5_001, decision: .deny,
                codes: ["policy.receiptlessValueExceeded"]),
            ReceiptlessCase(name: "second in 90 days", before: 1, decision: .allow, codes: []),
            ReceiptlessCase(
                name: "third in 90 days", before: 2, decision: .needsApproval, codes: ["policy.receiptlessFrequency"]),
            ReceiptlessCase(
                name: "over the limit and too often: deny wins, both kept", value: 9_000, before: 5,
                decision: .deny, codes: ["policy.receiptlessValueExceeded", "policy.receiptlessFrequency"]),
            ReceiptlessCase(
                name: "receipt required", required: true, decision: .deny, codes: ["policy.receiptRequired"]),
            ReceiptlessCase(
                name: "receipt required makes the limits moot", required: true, value: 9_000, before: 5,
                decision: .deny, codes: ["policy.receiptRequired"]),
        ])
    func receiptless(_ c: ReceiptlessCase) {
        let policy = P.policy { $0.receiptRequired = c.required }
        let verdict = policy.evaluate(P.query(receipt: false, value: c.value, receiptlessBefore: c.before))
        #expect(verdict.decision == c.decision)
        #expect(verdict.codes == c.codes)
    }

    @Test("a receipt-less return has no date, so it is taken as within the no-reason window")
    func receiptlessWindow() {
        #expect(P.policy().evaluate(P.query(days: 365, receipt: false, reason: .changedMind)).isAllowed)
        let used = P.policy().evaluate(P.query(receipt: false, reason: .changedMind, condition: .used))
        #expect(used.codes == ["policy.conditionNotAccepted"])
    }

    // MARK: Approval

    struct ThresholdCase: Sendable, CustomTestStringConvertible {
        var threshold: Int64?
        var value: Int64
        var decision: PolicyDecision
        var testDescription: String { "threshold \(threshold.map(String.init) ?? "none"), value \(value)" }
    }

    @Test(
        "returns worth more than the approval threshold need a manager",
        arguments: [
            ThresholdCase(threshold: 100_000, value: 99_999, decision: .allow),
            ThresholdCase(threshold: 100_000, value: 100_000, decision: .allow),
            ThresholdCase(threshold: 100_000, value: 100_001, decision: .needsApproval),
            ThresholdCase(threshold: 0, value: 1, decision: .needsApproval),
            ThresholdCase(threshold: nil, value: 10_000_000, decision: .allow),
        ])
    func approvalThreshold(_ c: ThresholdCase) {
        let policy = P.policy { $0.approvalThreshold = c.threshold.map(P.cny) }
        let verdict = policy.evaluate(P.query(value: c.value))
        #expect(verdict.decision == c.decision)
        #expect(verdict.codes == (c.decision == .needsApproval ? ["policy.approvalThreshold"] : []))
    }

    @Test("deny wins over needs-approval, and denials are listed first")
    func denyWins() {
        let verdict = P.policy().evaluate(P.query(days: 9, value: 500_000))
        #expect(verdict.decision == .deny)
        #expect(verdict.codes == ["policy.windowExpired", "policy.approvalThreshold"])
        #expect(verdict.denial?.code == "policy.windowExpired")
    }

    @Test("every reason is collected")
    func collectsAll() {
        let policy = P.policy { $0.nonReturnableCategories = ["phones"] }
        let verdict = policy.evaluate(
            P.query(product: P.phone(returnable: false), days: 40, condition: .used, value: 200_000))
        #expect(
            verdict.codes == [
                "policy.productNotReturnable", "policy.nonReturnableCategory", "policy.windowExpired",
                "policy.conditionNotAccepted", "policy.approvalThreshold",
            ])
    }

    // MARK: Restocking fee

    struct FeeCase: Sendable, CustomTestStringConvertible {
        var fee: RestockingFee
        var reason: ReasonCode = .changedMind
        var value: Int64
        var expected: Int64
        var testDescription: String { "\(fee) on \(value) (\(reason.rawValue)) = \(expected)" }
    }

    @Test(
        "the restocking fee: fixed or percent, half away from zero, never above the value, none for faults",
        arguments: [
            FeeCase(fee: .none, value: 10_000, expected: 0),
            FeeCase(fee: .fixed(P.cny(1_000)), value: 10_000, expected: 1_000),
            FeeCase(fee: .fixed(P.cny(1_000)), value: 600, expected: 600),
            FeeCase(fee: .fixed(P.cny(1_000)), reason: .defective, value: 10_000, expected: 0),
            FeeCase(fee: .percent(basisPoints: 1_500), value: 10_000, expected: 1_500),
            FeeCase(fee: .percent(basisPoints: 1_500), value: 333, expected: 50),  // 49.95 → 50
            FeeCase(fee: .percent(basisPoints: 1_500), value: 323, expected: 48),  // 48.45 → 48
            FeeCase(fee: .percent(basisPoints: 1_000), value: 5, expected: 1),  // 0.5 → 1
            FeeCase(fee: .percent(basisPoints: 1_000), value: 4, expected: 0),  // 0.4 → 0
            FeeCase(fee: .percent(basisPoints: 1_250), value: 4, expected: 1),  // 0.5 → 1
            FeeCase(fee: .percent(basisPoints: 30_000), value: 700, expected: 700),
            FeeCase(fee: .percent(basisPoints: 1_500), reason: .wrongItem, value: 10_000, expected: 0),
        ])
    func restockingFee(_ c: FeeCase) {
        let policy = P.policy { $0.restockingFee = c.fee }
        let verdict = policy.evaluate(P.query(reason: c.reason, value: c.value))
        #expect(verdict.isAllowed)
        #expect(verdict.restockingFee == P.cny(c.expected))
    }

    // MARK: Whole documents

    @Test("a document: fee only on non-fault lines, rounded once; approval and receipt-less limits on totals")
    func document() {
        let policy = P.policy { $0.restockingFee = .percent(basisPoints: 1_500) }
        let lines = [
            P.query(reason: .changedMind, value: 333),
            P.query(reason: .sizeOrFit, value: 333),
            P.query(reason: .defective, value: 99_500),
        ]
        let verdict = policy.evaluate(lines)
        #expect(verdict.restockingFee == P.cny(100))  // 15 % of 6.66 = 0.999 → 1.00, not 0.50 + 0.50
        #expect(verdict.codes == ["policy.approvalThreshold"])  // 1,001.66 in total

        let fixed = P.policy { $0.restockingFee = .fixed(P.cny(500)) }
        #expect(fixed.evaluate(lines).restockingFee == P.cny(500))  // once per document

        let receiptless = [
            P.query(receipt: false, value: 3_000), P.query(receipt: false, reason: .defective, value: 3_000),
        ]
        #expect(P.policy().evaluate(receiptless).codes == ["policy.receiptlessValueExceeded"])
    }

    @Test("money in another currency than the policy's is refused, not compared")
    func currencyMismatch() {
        let euro = P.policy { $0.approvalThreshold = Money(100, Currency("EUR")) }
        let verdict = euro.evaluate(P.query(value: 1_000_000))
        #expect(verdict.decision == .deny)
        #expect(verdict.codes == ["policy.currencyMismatch"])

        let mixed = P.policy().evaluate([
            P.query(value: 100),
            PolicyQuery(
                product: P.phone(), soldAt: P.soldAt, returnAt: P.soldAt, reason: .changedMind,
                condition: .unopened, value: Money(100, Currency("EUR"))),
        ])
        #expect(mixed.codes == ["policy.currencyMismatch"])
    }

    @Test("an allowed return carries no reasons")
    func plainAllow() {
        let verdict = P.policy().evaluate(P.query())
        #expect(verdict == PolicyVerdict(decision: .allow, reasons: [], restockingFee: P.cny(0)))
    }
}
