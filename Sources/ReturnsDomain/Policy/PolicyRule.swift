/// Where a versioned policy rule applies. Rules layer in this order, each over the one before:
/// the chain, a kind of channel (every online shop, every branch), one store, one category of
/// goods. On the wire a scope is one string: `chain`, `channel:online`, `store:S-01`,
/// `category:小家电` — also the id of the record that keeps the scope's versions.
public enum PolicyScope: Hashable, Sendable, Comparable, CustomStringConvertible {
    case chain
    case channel(StoreKind)
    case store(StoreID)
    case category(String)

    public var recordID: String {
        switch self {
        case .chain: "chain"
        case .channel(let kind): "channel:\(kind.rawValue)"
        case .store(let id): "store:\(id)"
        case .category(let name): "category:\(name)"
        }
    }

    /// Reads a scope's string; nil when it names no scope (`layer:…`, `channel:shop`, `store:`).
    public init?(recordID text: String) {
        if text == "chain" {
            self = .chain
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[text.index(after: colon)...])
        guard !name.isEmpty else { return nil }
        switch text[..<colon] {
        case "channel":
            guard let kind = StoreKind(rawValue: name) else { return nil }
            self = .channel(kind)
        case "store": self = .store(StoreID(name))
        case "category": self = .category(name)
        default: return nil
        }
    }

    /// The layer's place in the order of precedence (the chain first, a category last).
    public var layer: Int {
        switch self {
        case .chain: 0
        case .channel: 1
        case .store: 2
        case .category: 3
        }
    }

    /// The category a category rule is about.
    public var category: String? {
        if case .category(let name) = self { return name }
        return nil
    }

    public static func < (a: PolicyScope, b: PolicyScope) -> Bool { (a.layer, a.recordID) < (b.layer, b.recordID) }
    public var description: String { recordID }
}

extension PolicyScope: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let scope = PolicyScope(recordID: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "a scope is chain, channel:<branch|online|marketplace>, store:<id> or category:<name>"
                ))
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(recordID)
    }
}

/// What one layer says, each setting left out to keep the layer below's. Plain JSON on the wire:
/// a restocking fee is `{"percent": 1500}` (basis points) or `{"fixed": {"minor": 500, "currency":
/// "CNY"}}` or `{"none": true}`.
public struct PolicySettings: Hashable, Sendable {
    public var noReasonWindowDays: Int?
    public var faultWindowDays: Int?
    public var acceptedConditions: Set<ItemCondition>?
    /// A category rule only: false keeps the category's goods from being taken back at all (true
    /// takes them back where a layer below said not).
    public var returnable: Bool?
    public var nonReturnableCategories: Set<String>?
    public var receiptRequired: Bool?
    public var receiptlessMaxValue: Money?
    public var receiptlessMaxPer90Days: Int?
    public var restockingFee: RestockingFee?
    public var approvalThreshold: Money?

    public init(
        noReasonWindowDays: Int? = nil, faultWindowDays: Int? = nil, acceptedConditions: Set<ItemCondition>? = nil,
        returnable: Bool? = nil, nonReturnableCategories: Set<String>? = nil, receiptRequired: Bool? = nil,
        receiptlessMaxValue: Money? = nil, receiptlessMaxPer90Days: Int? = nil, restockingFee: RestockingFee? = nil,
        approvalThreshold: Money? = nil
    ) {
        self.noReasonWindowDays = noReasonWindowDays
        self.faultWindowDays = faultWindowDays
        self.acceptedConditions = acceptedConditions
        self.returnable = returnable
        self.nonReturnableCategories = nonReturnableCategories
        self.receiptRequired = receiptRequired
        self.receiptlessMaxValue = receiptlessMaxValue
        self.receiptlessMaxPer90Days = receiptlessMaxPer90Days
        self.restockingFee = restockingFee
        self.approvalThreshold = approvalThreshold
    }

    /// Every setting of `policy`: a layer that states a whole policy.
    public init(_ policy: ReturnPolicy) {
        self.init(
            noReasonWindowDays: policy.noReasonWindowDays, faultWindowDays: policy.faultWindowDays,
            acceptedConditions: policy.acceptedConditions, nonReturnableCategories: policy.nonReturnableCategories,
            receiptRequired: policy.receiptRequired, receiptlessMaxValue: policy.receiptlessMaxValue,
            receiptlessMaxPer90Days: policy.receiptlessMaxPer90Days, restockingFee: policy.restockingFee,
            approvalThreshold: policy.approvalThreshold)
    }

    public var isEmpty: Bool { self == PolicySettings() }
}

extension PolicySettings: Codable {
    private enum CodingKeys: String, CodingKey {
        case noReasonWindowDays, faultWindowDays, acceptedConditions, returnable, nonReturnableCategories
        case receiptRequired, receiptlessMaxValue, receiptlessMaxPer90Days, restockingFee, approvalThreshold
    }

    private enum FeeKeys: String, CodingKey { case none, fixed, percent }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            noReasonWindowDays: try c.decodeIfPresent(Int.self, forKey: .noReasonWindowDays),
            faultWindowDays: try c.decodeIfPresent(Int.self, forKey: .faultWindowDays),
            acceptedConditions: try c.decodeIfPresent([ItemCondition].self, forKey: .acceptedConditions).map(Set.init),
            returnable: try c.decodeIfPresent(Bool.self, forKey: .returnable),
            nonReturnableCategories: try c.decodeIfPresent([String].self, forKey: .nonReturnableCategories).map(
                Set.init),
            receiptRequired: try c.decodeIfPresent(Bool.self, forKey: .receiptRequired),
            receiptlessMaxValue: try c.decodeIfPresent(Money.self, forKey: .receiptlessMaxValue),
            receiptlessMaxPer90Days: try c.decodeIfPresent(Int.self, forKey: .receiptlessMaxPer90Days),
            approvalThreshold: try c.decodeIfPresent(Money.self, forKey: .approvalThreshold))
        if c.contains(.restockingFee) {
            let fee = try c.nestedContainer(keyedBy: FeeKeys.self, forKey: .restockingFee)
            guard fee.allKeys.count == 1, let key = fee.allKeys.first else {
                throw DecodingError.dataCorruptedError(
                    forKey: .restockingFee, in: c,
                    debugDescription: "a restocking fee is one of none, fixed (an amount) or percent (basis points)")
            }
            switch key {
            case .none: restockingFee = RestockingFee.none
            case .fixed: restockingFee = .fixed(try fee.decode(Money.self, forKey: .fixed))
            case .percent: restockingFee = .percent(basisPoints: try fee.decode(Int64.self, forKey: .percent))
            }
        }
    }

    /// Written in declaration order with sets sorted, so one rule always encodes to the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(noReasonWindowDays, forKey: .noReasonWindowDays)
        try c.encodeIfPresent(faultWindowDays, forKey: .faultWindowDays)
        try c.encodeIfPresent(acceptedConditions?.sorted(), forKey: .acceptedConditions)
        try c.encodeIfPresent(returnable, forKey: .returnable)
        try c.encodeIfPresent(nonReturnableCategories?.sorted(), forKey: .nonReturnableCategories)
        try c.encodeIfPresent(receiptRequired, forKey: .receiptRequired)
        try c.encodeIfPresent(receiptlessMaxValue, forKey: .receiptlessMaxValue)
        try c.encodeIfPresent(receiptlessMaxPer90Days, forKey: .receiptlessMaxPer90Days)
        if let restockingFee {
            var fee = c.nestedContainer(keyedBy: FeeKeys.self, forKey: .restockingFee)
            switch restockingFee {
            case .none: try fee.encode(true, forKey: .none)
            case .fixed(let amount): try fee.encode(amount, forKey: .fixed)
            case .percent(let basisPoints): try fee.encode(basisPoints, forKey: .percent)
            }
        }
        try c.encodeIfPresent(approvalThreshold, forKey: .approvalThreshold)
    }
}

/// One version of one scope's rule, published by head office (`policy.published`): from
/// `effectiveFrom` on — a business date, so history loaded from an earlier system is judged by
/// the version then in force — it replaces the scope's earlier versions. A scope's versions are
/// numbered 1, 2, 3…; a later version may take effect in the future, and until then the one
/// before stays in force.
public struct PolicyRule: Hashable, Sendable, Codable {
    public var scope: PolicyScope
    public var version: Int
    public var effectiveFrom: Instant
    public var settings: PolicySettings
    /// Why this version (a memo for the audit: "双十一 extended window").
    public var note: String?

    public init(scope: PolicyScope, version: Int, effectiveFrom: Instant, settings: PolicySettings, note: String? = nil)
    {
        self.scope = scope
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.settings = settings
        self.note = note
    }

    /// How a return names the versions that decided it: `store:S-01@2`.
    public var reference: String { "\(scope.recordID)@\(version)" }

    /// Versions a scope may have: enough for years of weekly changes.
    public static let maxVersion = 100_000

    private enum CodingKeys: String, CodingKey { case scope, version, effectiveFrom, settings, note }

    /// `effectiveFrom` is an RFC 3339 date-time on the wire (a date, `2026-12-01`, reads as its
    /// first instant in UTC).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .effectiveFrom)
        guard let at = Instant(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .effectiveFrom, in: c, debugDescription: "an RFC 3339 date or date-time, e.g. 2026-12-01")
        }
        self.init(
            scope: try c.decode(PolicyScope.self, forKey: .scope), version: try c.decode(Int.self, forKey: .version),
            effectiveFrom: at, settings: try c.decode(PolicySettings.self, forKey: .settings),
            note: try c.decodeIfPresent(String.self, forKey: .note))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scope, forKey: .scope)
        try c.encode(version, forKey: .version)
        try c.encode(effectiveFrom.rfc3339, forKey: .effectiveFrom)
        try c.encode(settings, forKey: .settings)
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// Checks a rule before it is published or admitted: a scope whose record id is an identifier,
    /// a version from 1, settings within their ranges and in the chain's currency, `returnable`
    /// only on a category, and at least one setting.
    public func validate(currency: Currency?) throws(DomainError) {
        func refuse(_ message: String, _ values: [String: String] = [:]) -> DomainError {
            DomainError(code: "policy.invalidRule", message: message, values: values)
        }
        guard IdentifierAlphabet.isValid(scope.recordID) else {
            throw refuse("the scope \(scope.recordID) is too long or holds characters an id cannot")
        }
        guard (1...PolicyRule.maxVersion).contains(version) else {
            throw refuse("versions are numbered from 1 to \(PolicyRule.maxVersion)")
        }
        guard !settings.isEmpty else { throw refuse("a rule states at least one setting") }
        if let note, !IdentifierAlphabet.isValidText(note) { throw refuse("the note is too long or holds controls") }
        let s = settings
        for days in [s.noReasonWindowDays, s.faultWindowDays].compactMap({ $0 }) where !(0...3_650).contains(days) {
            throw refuse("a return window is 0 to 3,650 days")
        }
        if s.returnable != nil {
            guard case .category = scope else {
                throw refuse("only a category's rule says whether its goods are returnable")
            }
        }
        if let categories = s.nonReturnableCategories {
            guard categories.count <= Limits.maxItems, categories.allSatisfy(IdentifierAlphabet.isValid) else {
                throw refuse("at most 1,000 non-returnable categories, each a name of 1 to 64 characters")
            }
        }
        if let per90 = s.receiptlessMaxPer90Days, !(0...Limits.maxQuantity).contains(per90) {
            throw refuse("receipt-less returns per 90 days are 0 to 1,000,000")
        }
        var amounts = [s.receiptlessMaxValue, s.approvalThreshold].compactMap { $0 }
        switch s.restockingFee {
        case .fixed(let fee): amounts.append(fee)
        case .percent(let bp) where !(0...Limits.maxBasisPoints).contains(bp):
            throw refuse("a restocking fee is 0 to 10,000 basis points (100 %)")
        default: break
        }
        let expected = currency ?? amounts.first?.currency
        for amount in amounts {
            guard (0...Limits.maxMoney).contains(amount.minor) else { throw refuse("an amount is out of range") }
            if let currency = expected, amount.currency != currency {
                throw refuse(
                    "the rule's amounts are in \(amount.currency); the chain's currency is \(currency)",
                    ["currency": amount.currency.rawValue, "expected": currency.rawValue])
            }
        }
    }
}

extension PolicyRule {
    /// Whether head office may publish this rule, given the versions of its scope `published`
    /// already: true to publish it; false when this very version is published already (a retry
    /// that changes nothing). A published version never changes (`policy.versionExists`), and
    /// versions come one after another (`policy.versionOutOfOrder`), so the numbers tell the
    /// order they were written in.
    public func isNew(among published: [PolicyRule], currency: Currency) throws(DomainError) -> Bool {
        try validate(currency: currency)
        let mine = published.filter { $0.scope == scope }
        if let same = mine.first(where: { $0.version == version }) {
            guard same == self else {
                throw DomainError(
                    code: "policy.versionExists",
                    message: "\(reference) is published already and never changes: publish the next version",
                    values: ["scope": scope.recordID, "version": String(version)])
            }
            return false
        }
        let next = (mine.map(\.version).max() ?? 0) + 1
        guard version == next else {
            throw DomainError(
                code: "policy.versionOutOfOrder",
                message: "the next version of \(scope.recordID) is \(next), not \(version)",
                values: ["scope": scope.recordID, "version": String(version), "next": String(next)])
        }
        return true
    }
}

extension ReturnPolicy {
    /// This policy with `rule`'s settings over it. A category rule's `returnable` adds its
    /// category to the non-returnable ones, or takes it out.
    public func applying(_ rule: PolicyRule) -> ReturnPolicy {
        var p = self
        let s = rule.settings
        if let v = s.noReasonWindowDays { p.noReasonWindowDays = v }
        if let v = s.faultWindowDays { p.faultWindowDays = v }
        if let v = s.acceptedConditions { p.acceptedConditions = v }
        if let v = s.nonReturnableCategories { p.nonReturnableCategories = v }
        if let v = s.receiptRequired { p.receiptRequired = v }
        if let v = s.receiptlessMaxValue { p.receiptlessMaxValue = v }
        if let v = s.receiptlessMaxPer90Days { p.receiptlessMaxPer90Days = v }
        if let v = s.restockingFee { p.restockingFee = v }
        if let v = s.approvalThreshold { p.approvalThreshold = v }
        if case .category(let name) = rule.scope, let returnable = s.returnable {
            if returnable { p.nonReturnableCategories.remove(name) } else { p.nonReturnableCategories.insert(name) }
        }
        return p
    }
}

/// The policy in force for one return: the document's policy (chain → channel → store, over the
/// store's or chain's whole policy set with `policy.set`, else the standard one), each category's
/// on top of it, and the rule versions that made them.
public struct EffectivePolicy: Hashable, Sendable {
    public var document: ReturnPolicy
    /// Category → its policy, for the categories that have a rule in force.
    public var categories: [String: ReturnPolicy]
    /// The versions applied, in order of precedence (`chain@3`, `store:S-01@1`, `category:食品@2`).
    public var decidedBy: [String]

    public init(document: ReturnPolicy, categories: [String: ReturnPolicy] = [:], decidedBy: [String] = []) {
        self.document = document
        self.categories = categories
        self.decidedBy = decidedBy
    }

    /// The policy for goods of `category`.
    public func policy(for category: String) -> ReturnPolicy { categories[category] ?? document }

    /// The scopes whose rules a return of `store` (of `kind`) with goods of `categories` reads.
    public static func scopes(store: StoreID, kind: StoreKind?, categories: Set<String>) -> [PolicyScope] {
        var scopes: [PolicyScope] = [.chain]
        if let kind { scopes.append(.channel(kind)) }
        scopes.append(.store(store))
        scopes += categories.sorted().map(PolicyScope.category)
        return scopes.filter { IdentifierAlphabet.isValid($0.recordID) }
    }

    /// The version of a scope in force at `at`: the highest-numbered one already in effect.
    public static func inForce(_ versions: [PolicyRule], at: Instant) -> PolicyRule? {
        versions.filter { $0.effectiveFrom <= at }.max { $0.version < $1.version }
    }

    /// Layers the rules in force at `at` (a return's business date) over `base`: chain, channel,
    /// store for the document, then each category's own. `rules` may hold every version of any
    /// scope; those of other stores, channels or categories than asked are ignored.
    public static func resolve(
        base: ReturnPolicy, rules: [PolicyRule], store: StoreID, kind: StoreKind?, categories: Set<String>, at: Instant
    ) -> EffectivePolicy {
        let wanted = scopes(store: store, kind: kind, categories: categories)
        var byScope: [PolicyScope: [PolicyRule]] = [:]
        for rule in rules where wanted.contains(rule.scope) { byScope[rule.scope, default: []].append(rule) }
        var document = base
        var decidedBy: [String] = []
        var categoryPolicies: [String: ReturnPolicy] = [:]
        for scope in wanted {
            guard let rule = inForce(byScope[scope] ?? [], at: at) else { continue }
            if case .category(let name) = scope {
                // `scopes` lists categories last, so the document is finished by now.
                categoryPolicies[name] = document.applying(rule)
            } else {
                document = document.applying(rule)
            }
            decidedBy.append(rule.reference)
        }
        return EffectivePolicy(document: document, categories: categoryPolicies, decidedBy: decidedBy)
    }
}
