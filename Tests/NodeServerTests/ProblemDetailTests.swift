import Foundation
import HTTPSupport
import Hummingbird
import HummingbirdTesting
import Localization
import ReturnsDomain
import Testing

/// Issue 19: a refusal's `detail` comes in the reader's language with this occurrence's figures
/// and names (`detail.<code>` filled from the error's values); the code stays as it is, and an
/// English request to a code without a template reads the server's own words.
@Suite("problem details in the reader's language")
struct ProblemDetailTests {
    /// The problem+json body a client in `language` reads.
    static func body(_ error: any Error, _ language: Language) -> ProblemBody? {
        try? JSONDecoder().decode(ProblemBody.self, from: JSONEncoder().encode(Problem(error).body(in: language)))
    }

    static func detail(_ error: any Error, _ language: Language) -> String {
        body(error, language)?.detail ?? ""
    }

    @Test("an over-return tells its figures in zh-CN and in en")
    func overReturn() {
        let error = DomainError.overReturn(line: 2, asked: 3, returnable: 1)
        #expect(Self.detail(error, .zhCN) == "第 2 行：要退 3 件，但只剩 1 件可退")
        #expect(Self.detail(error, .en) == "line 2: 3 asked but only 1 returnable")
        #expect(Self.body(error, .zhCN)?.code == "return.overReturn")
    }

    @Test("enum values are shown as the catalog's words: a status and an action")
    func illegalTransition() {
        #expect(throws: DomainError.self) { try ReturnStatus.closed.next(after: .approve) }
        do {
            _ = try ReturnStatus.closed.next(after: .approve)
        } catch {
            #expect(Self.detail(error, .zhCN) == "已结束的退货单不能再批准")
            #expect(Self.detail(error, .en) == "a return that is closed cannot be approved")
        }
    }

    @Test("an authority refusal in zh-CN names the permission and the roles in Chinese")
    func authorityInChinese() throws {
        let clerk = StaffMember(id: "S-WANGLI", name: "王丽", roles: [.clerk], store: "S1", pinHash: "")
        do {
            try StaffAuthority.check(clerk, holds: .writeOff, at: "S1")
            Issue.record("a clerk may not write goods off")
        } catch {
            let zh = Self.detail(error, .zhCN)
            #expect(zh == "报废商品需要店长或售后在退货台登录，或由其输入个人密码授权；S-WANGLI 的角色是店员", "\(zh)")
            #expect(!zh.contains("storeManager") && !zh.contains("clerk") && !zh.contains("writeOff"))
            #expect(Self.detail(error, .en).hasPrefix("writing goods off needs a store manager or after-sales"))
        }
    }

    @Test("a policy denial carries the figures of its first reason")
    func windowExpired() throws {
        let product = Product(
            sku: "KETTLE", name: "电热水壶", category: "kitchen", unitPrice: Money(39_900, Currency("CNY")),
            unitCost: Money(20_000, Currency("CNY")), vatRate: VATRate(basisPoints: 1300))
        var policy = ReturnPolicy.standard(currency: Currency("CNY"))
        policy.noReasonWindowDays = 7
        let verdict = policy.evaluate(
            PolicyQuery(
                product: product, soldAt: Instant(millis: 0), returnAt: Instant(millis: 30 * 86_400_000),
                reason: .changedMind, condition: .unopened, value: Money(39_900, Currency("CNY"))))
        let denial = try #require(verdict.denial)
        let error = DomainError(code: denial.code, message: denial.message, values: denial.values)
        #expect(Self.detail(error, .zhCN) == "KETTLE：已售出 30 天，此类退货须在 7 天内办理")
    }

    @Test("without a template: English keeps the server's words, Chinese reads the code's meaning")
    func fallbacks() {
        let untemplated = DomainError.invalid("return.noLines", "a return needs at least one line")
        #expect(Self.detail(untemplated, .en) == "a return needs at least one line")
        #expect(Self.detail(untemplated, .zhCN) == "退货单没有商品行。")
        // A template whose values the occurrence lacks is not used half-filled.
        let bare = DomainError.invalid("return.overReturn", "over")
        #expect(Self.detail(bare, .en) == "over")
        #expect(Self.detail(bare, .zhCN) == Catalog.of(.zhCN).meaning(ofCode: "return.overReturn"))
    }

    @Test("over HTTP the detail follows Accept-Language, with the occurrence's names")
    func overHTTP() async throws {
        try await NodeAPIFixture.run { _, client in
            var headers: HTTPFields = [.authorization: "Bearer \(NodeAPIFixture.key)", .acceptLanguage: "zh-CN"]
            let chinese = try await client.execute(uri: "/api/v1/returns/RT-NONE-1", method: .get, headers: headers)
            let zh = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: chinese.body))
            #expect(zh.code == "return.notFound" && zh.detail == "没有退货单 RT-NONE-1", "\(zh)")
            headers[.acceptLanguage] = "en"
            let english = try await client.execute(uri: "/api/v1/returns/RT-NONE-1", method: .get, headers: headers)
            let en = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: english.body))
            #expect(en.detail == "no return RT-NONE-1", "\(en)")
        }
    }

    @Test("every code a template may show as words has them in both catalogs")
    func vocabulariesHaveWords() {
        let groups: [(String, [String])] = [
            ("permission", StaffPermission.allCases.map(\.rawValue)), ("role", StaffRole.allCases.map(\.rawValue)),
            ("status", ReturnStatus.allCases.map(\.rawValue)), ("action", ReturnAction.allCases.map(\.rawValue)),
            ("location", StockLocation.allCases.map(\.rawValue)),
        ]
        for language in Language.allCases {
            for (group, codes) in groups {
                for code in codes {
                    #expect(Catalog.of(language)["\(group).\(code)"] != nil, "\(language.tag): \(group).\(code)")
                }
            }
        }
    }

    @Test("values survive encoding, and an error written before them still reads")
    func codable() throws {
        let error = DomainError.overReturn(line: 1, asked: 2, returnable: 1)
        let back = try JSONDecoder().decode(DomainError.self, from: JSONEncoder().encode(error))
        #expect(back == error)
        let old = try JSONDecoder().decode(DomainError.self, from: Data(#"{"code":"a.b","message":"m"}"#.utf8))
        #expect(old.values.isEmpty)
        let plain = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!plain.contains("values"))
    }

    @Test("a staff member's invalid details are told by rule, in Chinese words")
    func staffInvalid() {
        let definition = StaffDefinition(name: " ", roles: [.clerk], pin: "1234")
        do {
            _ = try definition.member(id: "S-NEW", existing: nil) { $0 }
            Issue.record("a blank name is refused")
        } catch {
            #expect(Self.detail(error, .zhCN) == "S-NEW：请填写姓名")
            #expect(Self.detail(error, .en) == "S-NEW: give the name")
        }
    }
}
