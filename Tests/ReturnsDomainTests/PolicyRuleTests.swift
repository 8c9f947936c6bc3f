import Foundation
import ReturnsDomain
import Testing

/// The layered, versioned policy: chain → channel → store → category, each version in force from
/// its date, and the rules head office must keep to publish one.
@Suite("layered, versioned policy rules")
struct PolicyRuleTests {
    static let cny = Currency("CNY")
    static let day0 = Instant.date(2026, 11, 1)

    static func rule(_ scope: PolicyScope, _ version: Int, from: Instant = day0, _ settings: PolicySettings)
        -> PolicyRule
    {
        PolicyRule(scope: scope, version: version, effectiveFrom: from, settings: settings)
    }

    @Test("RFC 3339 times read and write back; nonsense is refused")
    func rfc3339() {
        #expect(Instant(rfc3339: "2026-12-07")?.rfc3339 == "2026-12-07T00:00:00Z")
        #expect(Instant(rfc3339: "2026-12-07T17:30:00+08:00")?.rfc3339 == "2026-12-07T09:30:00Z")
        #expect(Instant(rfc3339: "2026-12-07T09:30:00.25Z")?.rfc3339 == "2026-12-07T09:30:00.250Z")
        #expect(
            Instant(rfc3339: "2026-12-07T09:30:00.123456789Z")?.millis == Instant(rfc3339: "2026-12-07")!.millis
                + 34_200_123)
        for bad in [
            "", "2026-02-30", "2026-12-07T25:00:00Z", "2026-12-07T09:30:00", "1969-12-31", "2026-12-07T09:30:00.Z",
            "2026-12-07 09:30:00Z", "٢٠٢٦-12-07",
        ] {
            #expect(Instant(rfc3339: bad) == nil, "\(bad)")
        }
    }

    @Test("scopes are one string on the wire; a scope that names nothing is refused")
    func scopes() throws {
        for scope: PolicyScope in [.chain, .channel(.online), .store("S-01"), .category("小家电")] {
            #expect(PolicyScope(recordID: scope.recordID) == scope)
            let json = try JSONEncoder().encode([scope])
            #expect(try JSONDecoder().decode([PolicyScope].self, from: json) == [scope])
        }
        for bad in ["layer:x", "channel:shop", "store:", "Chain", "category"] {
            #expect(PolicyScope(recordID: bad) == nil)
        }
    }

    @Test("settings are plain JSON: a fee reads {\"percent\": 1500}, and writes back the same")
    func plainJSON() throws {
        let json =
            #"{"approvalThreshold":{"currency":"CNY","minor":50000},"noReasonWindowDays":15,"restockingFee":{"percent":1500}}"#
        let settings = try JSONDecoder().decode(PolicySettings.self, from: Data(json.utf8))
        #expect(settings.restockingFee == .percent(basisPoints: 1500) && settings.noReasonWindowDays == 15)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(settings), as: UTF8.self) == json)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PolicySettings.self, from: Data(#"{"restockingFee":{"fixed":{"_0":1}}}"#.utf8))
        }
    }

    @Test("layers apply chain, channel, store, then category; each version from its date")
    func layering() {
        let base = ReturnPolicy.standard(currency: Self.cny)
        let rules = [
            Self.rule(.chain, 1, PolicySettings(noReasonWindowDays: 10, faultWindowDays: 40)),
            Self.rule(.chain, 2, from: Self.day0.adding(days: 20), PolicySettings(noReasonWindowDays: 12)),
            Self.rule(.channel(.online), 1, PolicySettings(noReasonWindowDays: 14)),
            Self.rule(.store("S-01"), 1, PolicySettings(restockingFee: .percent(basisPoints: 1000))),
            Self.rule(.store("S-02"), 1, PolicySettings(receiptRequired: true)),
            Self.rule(.category("小家电"), 1, PolicySettings(noReasonWindowDays: 30, returnable: nil)),
            Self.rule(.category("食品"), 1, PolicySettings(returnable: false)),
        ]
        // A branch store on day 5: chain v1, its store rule; the online channel's is not its.
        let branch = EffectivePolicy.resolve(
            base: base, rules: rules, store: "S-01", kind: .branch, categories: ["小家电", "食品"],
            at: Self.day0.adding(days: 5))
        #expect(branch.document.noReasonWindowDays == 10 && branch.document.faultWindowDays == 40)
        #expect(branch.document.restockingFee == .percent(basisPoints: 1000) && !branch.document.receiptRequired)
        #expect(branch.policy(for: "小家电").noReasonWindowDays == 30)
        #expect(
            branch.policy(for: "小家电").restockingFee == .percent(basisPoints: 1000), "a category starts from the store's"
        )
        #expect(branch.policy(for: "食品").nonReturnableCategories.contains("食品"))
        #expect(branch.policy(for: "服装") == branch.document)
        #expect(branch.decidedBy == ["chain@1", "store:S-01@1", "category:小家电@1", "category:食品@1"])

        // Day 25: chain v2 is in force; the online channel's rule lies over it.
        let online = EffectivePolicy.resolve(
            base: base, rules: rules, store: "WEB", kind: .online, categories: [], at: Self.day0.adding(days: 25))
        #expect(online.document.noReasonWindowDays == 14 && online.document.faultWindowDays == 30)
        #expect(online.decidedBy == ["chain@2", "channel:online@1"])
        // Before any version took effect the whole policy decides, and nothing is named.
        let before = EffectivePolicy.resolve(
            base: base, rules: rules, store: "S-01", kind: .branch, categories: [], at: Self.day0.adding(days: -1))
        #expect(before.document == base && before.decidedBy.isEmpty)
    }

    @Test("the engine judges each line by its category's policy and charges each policy's fee")
    func perCategory() {
        let base = ReturnPolicy.standard(currency: Self.cny)
        let effective = EffectivePolicy.resolve(
            base: base,
            rules: [
                Self.rule(.category("小家电"), 1, PolicySettings(restockingFee: .percent(basisPoints: 1500))),
                Self.rule(.category("食品"), 1, PolicySettings(returnable: false)),
            ], store: "S-01", kind: .branch, categories: ["小家电", "食品"], at: Self.day0.adding(days: 1))
        func product(_ sku: SKU, _ category: String) -> Product {
            Product(
                sku: sku, name: "\(sku)", category: category, unitPrice: Money(100_00, Self.cny),
                unitCost: Money(50_00, Self.cny), vatRate: VATRate(basisPoints: 1300))
        }
        func query(_ p: Product) -> PolicyQuery {
            PolicyQuery(
                product: p, soldAt: Self.day0, returnAt: Self.day0.adding(days: 1), reason: .changedMind,
                condition: .unopened, value: Money(100_00, Self.cny))
        }
        let kettle = query(product("KETTLE", "小家电"))
        let shirt = query(product("SHIRT", "服装"))
        let verdict = effective.document.evaluate([kettle, shirt], categories: effective.categories)
        #expect(verdict.isAllowed && verdict.restockingFee == Money(15_00, Self.cny))
        let tea = effective.document.evaluate([query(product("TEA", "食品"))], categories: effective.categories)
        #expect(tea.denial?.code == PolicyReason.Code.nonReturnableCategory)
    }

    @Test("a version is published once, in order, within its ranges and in the chain's currency")
    func publishing() throws {
        let v1 = Self.rule(.store("S-01"), 1, PolicySettings(noReasonWindowDays: 10))
        #expect(try v1.isNew(among: [], currency: Self.cny))
        #expect(try !v1.isNew(among: [v1], currency: Self.cny), "a retry changes nothing")
        var changed = v1
        changed.settings.noReasonWindowDays = 11
        func code(_ rule: PolicyRule, among: [PolicyRule] = []) -> String? {
            do {
                _ = try rule.isNew(among: among, currency: Self.cny)
                return nil
            } catch { return error.code }
        }
        #expect(code(changed, among: [v1]) == "policy.versionExists")
        #expect(
            code(Self.rule(.store("S-01"), 3, PolicySettings(noReasonWindowDays: 1)), among: [v1])
                == "policy.versionOutOfOrder")
        #expect(code(Self.rule(.chain, 1, PolicySettings())) == "policy.invalidRule", "says nothing")
        #expect(code(Self.rule(.chain, 1, PolicySettings(noReasonWindowDays: 9_999))) == "policy.invalidRule")
        #expect(code(Self.rule(.chain, 1, PolicySettings(returnable: false))) == "policy.invalidRule")
        #expect(
            code(Self.rule(.chain, 1, PolicySettings(restockingFee: .percent(basisPoints: 10_001))))
                == "policy.invalidRule")
        #expect(
            code(Self.rule(.chain, 1, PolicySettings(approvalThreshold: Money(1, Currency("EUR")))))
                == "policy.invalidRule")
        #expect(
            code(Self.rule(.category(String(repeating: "类", count: 60)), 1, PolicySettings(returnable: false)))
                == "policy.invalidRule")
    }
}
