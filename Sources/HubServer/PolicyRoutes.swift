import HTTPSupport
public import HubStore
import Hummingbird
import Replication
public import ReturnsDomain

/// Head office's layered, versioned return policy: the versions of every scope, publishing the
/// next one, and a preview of what a return would get.
extension HubRoutes {
    func addPolicyRoutes(to api: Group) {
        api.get("policies") { request, context in
            _ = try context.headOffice(.reports)
            let at = try request.queryInstant("at") ?? Instant(millis: clock())
            return try JSONCoding.response(PolicyRulesView(try await store.state().policyRules(), at: at))
        }
        // One version of one scope; publishing the same version again with the same rule is a
        // retry and changes nothing (the route is idempotent without a key).
        api.put("policies/:scope/versions/:version") { request, context in
            let by = try context.headOffice(.masterData)
            guard let scope = PolicyScope(recordID: try context.pathID("scope")) else {
                throw Problem(
                    code: "policy.invalidScope",
                    detail:
                        "a scope is chain, channel:branch, channel:online, channel:marketplace, store:<id> or category:<name>"
                )
            }
            guard let version = Int(try context.pathID("version")) else {
                throw Problem(code: "policy.invalidRule", detail: "the version is a whole number from 1")
            }
            let body = try await JSONCoding.decode(PolicyVersionBody.self, from: request)
            let rule = PolicyRule(
                scope: scope, version: version, effectiveFrom: body.effectiveFrom, settings: body.settings,
                note: body.note)
            guard try await PolicyPublishing.publish(rule, on: store, by: StaffID(by), now: clock()) else {
                return try JSONCoding.response(rule)
            }
            return try JSONCoding.response(
                rule, status: .created, location: "/api/v1/policies/\(scope.recordID)/versions/\(version)")
        }
        // What a return would get: the policy's verdict and the rule versions that decide it,
        // as a node of that store would decide it at the return's business date. Records nothing.
        api.post("policies/preview") { request, context in
            _ = try context.headOffice(.reports)
            let body = try await JSONCoding.decode(PolicyPreviewBody.self, from: request)
            return try JSONCoding.response(try await PolicyPreview.run(body, on: store, now: Instant(millis: clock())))
        }
    }
}

/// Publishing a rule version: by the API and by `returnsync hub policy publish`.
public enum PolicyPublishing {
    /// Publishes `rule` as head office's event, which every node receives; false when this very
    /// version was published already (`PolicyRule.isNew`).
    public static func publish(_ rule: PolicyRule, on store: any HubStore, by staff: StaffID, now: Int64)
        async throws -> Bool
    {
        guard try rule.isNew(among: try await store.state().policyRules(), currency: store.currency) else {
            return false
        }
        try await store.authorAsHub(
            [(.policyPublished(rule), RecordKey(.policyRule, rule.scope.recordID))], by: staff, now: now)
        return true
    }
}

/// `PUT /api/v1/policies/{scope}/versions/{version}`: from when, what, and why.
struct PolicyVersionBody: Codable, Sendable {
    var effectiveFrom: Instant
    var settings: PolicySettings
    var note: String?

    private enum CodingKeys: String, CodingKey { case effectiveFrom, settings, note }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .effectiveFrom)
        guard let at = Instant(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .effectiveFrom, in: c, debugDescription: "an RFC 3339 date or date-time, e.g. 2026-12-01")
        }
        effectiveFrom = at
        settings = try c.decode(PolicySettings.self, forKey: .settings)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(effectiveFrom.rfc3339, forKey: .effectiveFrom)
        try c.encode(settings, forKey: .settings)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

/// `GET /api/v1/policies`: every version, and which of each scope's is in force at `at`.
struct PolicyRulesView: Codable, Sendable {
    struct Version: Codable, Sendable {
        var rule: PolicyRule
        var inForce: Bool
    }
    var at: String
    var versions: [Version]

    init(_ rules: [PolicyRule], at: Instant) {
        self.at = at.rfc3339
        let inForce = Set(
            Dictionary(grouping: rules, by: \.scope).values.compactMap { EffectivePolicy.inForce($0, at: at) })
        versions = rules.map { Version(rule: $0, inForce: inForce.contains($0)) }
    }
}

/// `POST /api/v1/policies/preview`: a return as a store would take it in.
public struct PolicyPreviewBody: Codable, Sendable {
    public var store: StoreID
    public var `return`: ReturnSubmission
    public init(store: StoreID, return submission: ReturnSubmission) {
        self.store = store
        self.return = submission
    }
}

/// The preview's answer.
public struct PolicyPreviewAnswer: Codable, Sendable {
    public var verdict: PolicyVerdict
    /// The rule versions in force that decided (`chain@2`, `category:食品@1`).
    public var decidedBy: [String]
    /// The document's policy as the layers make it.
    public var policy: ReturnPolicy
    public var businessDate: String
}

public enum PolicyPreview {
    /// Reads what a store's door would read and asks the core, recording nothing. The customer's
    /// earlier receipt-less returns are not counted here.
    public static func run(_ body: PolicyPreviewBody, on store: any HubStore, now: Instant) async throws
        -> PolicyPreviewAnswer
    {
        let state = try await store.state()
        let submission = body.return
        var sale: Sale?
        var alreadyReturned: [Int: Int] = [:]
        if let id = submission.sale {
            guard let found = try await state.sale(id) else {
                throw Problem(code: "sale.notFound", detail: "no sale \(id) at the hub", values: ["receipt": "\(id)"])
            }
            sale = found
            let returnable = try await state.returnableQuantities(of: id)
            for line in found.lines { alreadyReturned[line.line] = line.quantity - (returnable[line.line] ?? 0) }
        }
        var products: [SKU: Product] = [:]
        for sku in Set(submission.lines.compactMap(\.sku) + (sale?.lines.map(\.sku) ?? [])) {
            if case .product(let p) = try await state.record(.product(sku))?.body { products[sku] = p }
        }
        let at = try ReturnIntake.businessDate(of: submission, sale: sale, now: now)
        let policy = try await state.policy(
            of: body.store, for: sale,
            categories: ReturnIntake.categories(of: submission, sale: sale) { products[$0] }, at: at)
        let outcome = try ReturnIntake.take(
            submission, id: ReturnID("RT-PREVIEW"), store: body.store, sale: sale, defaultMethod: .counter,
            alreadyReturned: alreadyReturned, product: { products[$0] }, policy: policy,
            receiptlessReturnsLast90Days: 0, at: at, refuseDenied: false)
        return PolicyPreviewAnswer(
            verdict: outcome.verdict, decidedBy: policy.decidedBy, policy: policy.document, businessDate: at.rfc3339)
    }
}
