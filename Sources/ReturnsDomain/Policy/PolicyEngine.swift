/// One item of a return as the return policy sees it.
public struct PolicyQuery: Hashable, Sendable, Codable {
    public var product: Product
    /// When the goods were sold; nil for a receipt-less return.
    public var soldAt: Instant?
    public var returnAt: Instant
    public var reason: ReasonCode
    public var condition: ItemCondition
    /// VAT-inclusive value of the goods returned (unit refund × quantity).
    public var value: Money
    /// Receipt-less returns the customer made in the 90 days before this one; this one is not counted.
    public var receiptlessReturnsLast90Days: Int

    public init(
        product: Product, soldAt: Instant?, returnAt: Instant, reason: ReasonCode, condition: ItemCondition,
        value: Money, receiptlessReturnsLast90Days: Int = 0
    ) {
        self.product = product
        self.soldAt = soldAt
        self.returnAt = returnAt
        self.reason = reason
        self.condition = condition
        self.value = value
        self.receiptlessReturnsLast90Days = receiptlessReturnsLast90Days
    }

    /// No sale date is known: the goods come back without a receipt.
    public var isReceiptless: Bool { soldAt == nil }
}

/// What the policy decides, ordered from mildest to strictest.
public enum PolicyDecision: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case allow, needsApproval, deny

    public static func < (a: PolicyDecision, b: PolicyDecision) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Why the policy did not simply allow a return: a stable code and a message for the desk.
public struct PolicyReason: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable dotted code, e.g. `policy.windowExpired`; part of the API contract.
    public var code: String
    public var message: String
    /// What this reason forces on its own: `.deny` or `.needsApproval`.
    public var effect: PolicyDecision
    /// The figures and names behind it (`sku`, `days`, `window`, …), for the refusal's
    /// `DomainError.values`; not part of the encoded reason.
    public var values: [String: String]

    public init(code: String, message: String, effect: PolicyDecision, values: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.effect = effect
        self.values = values
    }

    enum CodingKeys: String, CodingKey { case code, message, effect }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try c.decode(String.self, forKey: .code), message: try c.decode(String.self, forKey: .message),
            effect: try c.decode(PolicyDecision.self, forKey: .effect))
    }

    public var description: String { "\(code): \(message)" }

    /// The stable codes the engine produces.
    public enum Code {
        public static let productNotReturnable = "policy.productNotReturnable"
        public static let nonReturnableCategory = "policy.nonReturnableCategory"
        public static let receiptRequired = "policy.receiptRequired"
        public static let windowExpired = "policy.windowExpired"
        public static let conditionNotAccepted = "policy.conditionNotAccepted"
        public static let receiptlessValueExceeded = "policy.receiptlessValueExceeded"
        public static let currencyMismatch = "policy.currencyMismatch"
        public static let receiptlessFrequency = "policy.receiptlessFrequency"
        public static let approvalThreshold = "policy.approvalThreshold"
    }
}

/// The policy's answer for a return: the decision, every reason behind it, and the restocking fee.
public struct PolicyVerdict: Hashable, Sendable, Codable {
    public var decision: PolicyDecision
    /// All reasons found, those that deny first. Empty when the return is simply allowed.
    public var reasons: [PolicyReason]
    /// The restocking fee the store keeps (zero when none applies); never more than the goods' value.
    public var restockingFee: Money

    public init(decision: PolicyDecision, reasons: [PolicyReason], restockingFee: Money) {
        self.decision = decision
        self.reasons = reasons
        self.restockingFee = restockingFee
    }

    public var isAllowed: Bool { decision == .allow }
    public var isDenied: Bool { decision == .deny }
    public var needsApproval: Bool { decision == .needsApproval }
    /// The first reason that denies the return, if any.
    public var denial: PolicyReason? { reasons.first { $0.effect == .deny } }
    /// The reason codes, for the return document's audit notes.
    public var codes: [String] { reasons.map(\.code) }
}

extension ReturnPolicy {
    /// Decides one item returned on its own.
    public func evaluate(_ q: PolicyQuery) -> PolicyVerdict {
        evaluate([q])
    }

    /// Decides a whole return document, one query per line.
    ///
    /// Item rules (returnability, window, condition) apply per line. Value rules apply to the
    /// document: the receipt-less maximum to the receipt-less lines together, the approval threshold
    /// to the total, a fixed fee once, a percentage fee to the non-fault lines together (rounded
    /// once, half away from zero). Deny wins over needs-approval; every reason is kept.
    ///
    /// Windows count whole days elapsed since the sale: a 7-day window still holds 7 days and
    /// 23 hours after the sale and has passed at 8 days, as the 七天无理由 rule counts from the day
    /// after delivery. A receipt-less return has no date, so it is taken as within the no-reason
    /// window when the policy has one; with no such window only faults come back without a receipt.
    ///
    /// `categories` gives the policy of goods whose category has its own rule
    /// (`EffectivePolicy.categories`): their item rules and restocking fee are that policy's; the
    /// value rules stay the document's. Lines under different policies pay each policy's fee.
    public func evaluate(_ items: [PolicyQuery], categories: [String: ReturnPolicy] = [:]) -> PolicyVerdict {
        let currency = items.first?.value.currency ?? receiptlessMaxValue.currency
        var denials: [PolicyReason] = []
        var approvals: [PolicyReason] = []
        func deny(_ code: String, _ message: String, _ values: [String: String]) {
            let r = PolicyReason(code: code, message: message, effect: .deny, values: values)
            if !denials.contains(r) { denials.append(r) }
        }
        func approve(_ code: String, _ message: String) {
            let r = PolicyReason(code: code, message: message, effect: .needsApproval)
            if !approvals.contains(r) { approvals.append(r) }
        }

        func policy(_ q: PolicyQuery) -> ReturnPolicy { categories[q.product.category] ?? self }
        for q in items { policy(q).checkItem(q, deny: deny) }

        let mixed = items.contains { $0.value.currency != currency }
        if mixed {
            deny(PolicyReason.Code.currencyMismatch, "the items of one return are priced in different currencies", [:])
        }
        func comparable(_ limit: Money, _ what: String) -> Bool {
            guard limit.currency == currency else {
                deny(
                    PolicyReason.Code.currencyMismatch,
                    "the policy's \(what) is in \(limit.currency), the return in \(currency)", [:])
                return false
            }
            return !mixed
        }

        let receiptless = items.filter(\.isReceiptless)
        if !receiptless.isEmpty && !receiptRequired {
            let value = Money(receiptless.reduce(0) { $0 + $1.value.minor }, currency)
            if comparable(receiptlessMaxValue, "receipt-less limit"), value.minor > receiptlessMaxValue.minor {
                deny(
                    PolicyReason.Code.receiptlessValueExceeded,
                    "without a receipt at most \(receiptlessMaxValue) can be returned; this return is worth \(value)",
                    ["limit": "\(receiptlessMaxValue)", "value": "\(value)"])
            }
            let before = receiptless.map(\.receiptlessReturnsLast90Days).max() ?? 0
            if before >= receiptlessMaxPer90Days {
                approve(
                    PolicyReason.Code.receiptlessFrequency,
                    "the customer already made \(before) receipt-less return(s) in 90 days; "
                        + "\(max(receiptlessMaxPer90Days, 0)) are allowed without approval")
            }
        }

        let total = Money(items.reduce(0) { $0 + $1.value.minor }, currency)
        if let threshold = approvalThreshold, comparable(threshold, "approval threshold"),
            total.minor > threshold.minor
        {
            approve(
                PolicyReason.Code.approvalThreshold,
                "returns worth more than \(threshold) need a manager's approval; this one is worth \(total)")
        }

        var fee = Money.zero(currency)
        var policies: [ReturnPolicy] = []
        for q in items where !policies.contains(policy(q)) { policies.append(policy(q)) }
        for rules in policies {
            // Each group's fee is at most its value, so the sum stays within the return's value.
            let group = items.filter { policy($0) == rules }
            fee.minor += rules.restockingFee(for: group, currency: currency, comparable: comparable).minor
        }
        let decision: PolicyDecision = !denials.isEmpty ? .deny : !approvals.isEmpty ? .needsApproval : .allow
        return PolicyVerdict(decision: decision, reasons: denials + approvals, restockingFee: fee)
    }

    /// The per-line rules: returnable at all, within its window, in an accepted condition.
    private func checkItem(_ q: PolicyQuery, deny: (String, String, [String: String]) -> Void) {
        let sku = q.product.sku
        if !q.product.returnable {
            deny(
                PolicyReason.Code.productNotReturnable, "\(sku) (\(q.product.name)) cannot be returned",
                ["sku": "\(sku)", "name": q.product.name])
        }
        if nonReturnableCategories.contains(q.product.category) {
            deny(
                PolicyReason.Code.nonReturnableCategory,
                "\(sku): goods in category \(q.product.category) are not taken back",
                ["sku": "\(sku)", "category": "\(q.product.category)"])
        }
        if q.isReceiptless && receiptRequired {
            deny(
                PolicyReason.Code.receiptRequired, "\(sku): this store takes goods back only with a receipt",
                ["sku": "\(sku)"])
        }

        if let soldAt = q.soldAt {
            let elapsed = max(0, q.returnAt.days(since: soldAt))
            let withinNoReason = noReasonWindowDays > 0 && elapsed <= noReasonWindowDays
            if !withinNoReason {
                if !q.reason.isFault {
                    deny(
                        PolicyReason.Code.windowExpired,
                        "\(sku): sold \(elapsed) day(s) ago; returns without a fault are taken within "
                            + "\(noReasonWindowDays) day(s), and \(q.reason.rawValue) is not a fault",
                        ["sku": "\(sku)", "days": String(elapsed), "window": String(noReasonWindowDays)])
                } else if elapsed > faultWindowDays {
                    deny(
                        PolicyReason.Code.windowExpired,
                        "\(sku): sold \(elapsed) day(s) ago; faulty goods are taken within \(faultWindowDays) day(s)",
                        ["sku": "\(sku)", "days": String(elapsed), "window": String(faultWindowDays)])
                }
            }
        } else if noReasonWindowDays <= 0 && !q.reason.isFault {
            deny(
                PolicyReason.Code.windowExpired,
                "\(sku): this policy has no no-reason window; only faulty goods are taken back", ["sku": "\(sku)"])
        }

        if !q.reason.isFault && !acceptedConditions.contains(q.condition) {
            let accepted = acceptedConditions.sorted().map(\.rawValue).joined(separator: ", ")
            deny(
                PolicyReason.Code.conditionNotAccepted,
                "\(sku): goods returned without a fault must be \(accepted.isEmpty ? "faulty" : accepted), "
                    + "not \(q.condition.rawValue)", ["sku": "\(sku)", "condition": q.condition.rawValue])
        }
    }

    /// The fee on the non-fault lines, clamped to [0, their value].
    private func restockingFee(
        for items: [PolicyQuery], currency: Currency, comparable: (Money, String) -> Bool
    ) -> Money {
        let chargeable = items.filter { !$0.reason.isFault }
        let base = Money(chargeable.reduce(0) { $0 + $1.value.minor }, currency)
        guard !chargeable.isEmpty else { return .zero(currency) }
        let fee: Money
        switch restockingFee {
        case .none:
            return .zero(currency)
        case .fixed(let amount):
            guard comparable(amount, "restocking fee") else { return .zero(currency) }
            fee = amount
        case .percent(let basisPoints):
            fee = base.scaled(by: basisPoints, over: 10_000)
        }
        return Money(min(max(fee.minor, 0), max(base.minor, 0)), currency)
    }
}
