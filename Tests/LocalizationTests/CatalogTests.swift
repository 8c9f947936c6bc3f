import Foundation
import Localization
import Testing

@Suite("the zh-CN and en catalogs")
struct CatalogTests {
    let en = Catalog.of(.en)
    let zh = Catalog.of(.zhCN)

    @Test("both languages have every key, with the same values to fill")
    func sameKeys() {
        #expect(
            Set(en.strings.keys) == Set(zh.strings.keys), "\(Set(en.strings.keys).symmetricDifference(zh.strings.keys))"
        )
        for (key, text) in en.strings {
            #expect(Self.placeholders(text) == Self.placeholders(zh[key] ?? ""), "\(key): \(text) / \(zh[key] ?? "")")
        }
    }

    @Test("no key is both a text and a group of texts (templates read them as a tree)")
    func keysFormATree() {
        let keys = Set(en.strings.keys)
        for key in keys {
            #expect(!keys.contains { $0.hasPrefix(key + ".") }, "\(key) is a text and a group")
        }
        let tree = zh.tree(prefixes: ["desk"])
        #expect(((tree["desk"] as? [String: Any])?["find"] as? [String: Any])?["title"] as? String == "查找销售单")
    }

    /// A person reading Chinese meets no English: what stays in Latin letters is a brand, a
    /// standard's name or a grade letter, each listed here.
    @Test("the Chinese texts hold no English words")
    func chineseHasNoEnglish() {
        // CSV: the format of head office's journal download, named as the file's type.
        // "UTF-8" (read as "UTF-") names the CSV format a spreadsheet saves, as its menu says.
        let allowed: Set<String> = ["ReturnSync", "JSON", "CSV", "Idempotency-Key", "English", "SKU", "UTF-"]
        for (key, text) in zh.strings {
            let words = Self.latinWords(Self.withoutPlaceholders(text)).filter { !allowed.contains($0) }
            #expect(words.isEmpty, "\(key): \(text)")
        }
    }

    /// Every stable code the project gives (a problem, a policy reason, an abuse signal) has its
    /// meaning in both languages, so no person is shown a bare code. The codes are the dotted
    /// literals of Sources/ in the codes' namespaces; the names listed under `notCodes` look the
    /// same and are event kinds, log fields or settings.
    @Test("every code the sources give has words in both catalogs")
    func everyCodeHasWords() throws {
        let codes = try Self.codesInSources()
        #expect(codes.count > 100, "\(codes.count) codes found: the scan is broken")
        let missing = codes.filter { en.meaning(ofCode: $0) == nil || zh.meaning(ofCode: $0) == nil }
        #expect(missing.isEmpty, "codes without words: \(missing.sorted())")
    }

    @Test("a missing key falls back to English, then to the key; values fill their places")
    func text() {
        #expect(zh.text("desk.offline.kept", ["count": "3"]).contains("3 项变更"))
        #expect(en.text("no.such.key") == "no.such.key")
        #expect(Catalog(language: .zhCN, strings: [:]).text("desk.find.title") == "Find the sale")
    }

    @Test("the words for a page's script are JSON that cannot end its script element")
    func scriptSafeJSON() throws {
        let json = Catalog(language: .en, strings: ["desk.x": "</script><b>"]).json(prefixes: ["desk"])
        #expect(!json.contains("<"))
        let back = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        #expect(back["desk.x"] == "</script><b>")
    }

    static func placeholders(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func withoutPlaceholders(_ text: String) -> String {
        var text = text
        for name in placeholders(text) { text = text.replacingOccurrences(of: "{\(name)}", with: " ") }
        return text
    }

    /// Runs of two or more Latin letters (single letters are grades: A 级).
    static func latinWords(_ text: String) -> [String] {
        text.split { !($0.isASCII && ($0.isLetter || $0 == "-")) }.map(String.init).filter {
            $0.filter(\.isLetter).count >= 2
        }
    }

    static let namespaces = [
        "abuse", "admission", "auth", "authority", "catalog", "conflict", "creditNote", "customer", "escrow", "event",
        "exception",
        "exchange",
        "feed", "hub", "idempotency", "input", "money", "node", "policy", "projection", "rate", "refund", "repair",
        "return", "route", "sale", "server", "staff", "stock", "store", "storeCredit", "sync", "token",
    ]

    static let notCodes: Set<String> = [
        // event kinds
        "customer.fieldChanged", "customer.registered", "abuseThresholds.set", "exception.resolved",
        "inventory.received", "policy.published",
        "policy.set",
        "repair.completed",
        "repair.opened", "repair.progressed", "return.approved", "return.closed", "return.disposed",
        "return.exchanged", "return.inspected", "return.received", "return.refunded", "return.rejected",
        "return.requested", "sale.recorded", "stock.counted", "storeCredit.adjusted",
        // log fields, settings, file and migration names
        "hub.epoch", "hub.storage", "hub.token", "hub.url", "hub.v1", "hub.v2", "hub.v3", "hub.v4", "hub.v5", "hub.v6",
        "node.id", "sync.acked", "sync.bootstrapped", "sync.checkpoint", "sync.conflicts", "sync.error",
        "sync.pulled", "sync.pushed", "sync.retryIn", "sync.longPoll", "sync.interval", "escrow.riskBudget",
        "stock.adjusted",
        "store.name", "store.address", "store.taxID", "store.id", "store.defined", "staff.defined",
        "store.negativeStock",
    ]

    static func codesInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let pattern = try NSRegularExpression(
            pattern: "\"((?:\(namespaces.joined(separator: "|")))\\.[a-z][A-Za-z0-9]*)\"")
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.path.contains("/returnsync-chaos/"),
                !file.path.contains("/Benchmarks/"), !file.path.contains("/HubTesting/")
            else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { codes.insert(String(text[range])) }
            }
        }
        return codes.subtracting(notCodes)
    }
}

@Suite("languages and widths")
struct LanguageTests {
    @Test("Accept-Language picks by quality, then order; any Chinese tag is zh-CN")
    func negotiation() {
        #expect(Language.preferred(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .zhCN)
        #expect(Language.preferred(acceptLanguage: "fr-FR, en;q=0.5, zh;q=0.7") == .zhCN)
        #expect(Language.preferred(acceptLanguage: "zh-Hant-TW") == .zhCN)
        #expect(Language.preferred(acceptLanguage: "en-GB,zh;q=0") == .en)
        #expect(Language.preferred(acceptLanguage: "de, fr") == nil)
        #expect(Language.preferred(acceptLanguage: "*") == .en)
        #expect(Language.preferred(acceptLanguage: "zh;q=bogus, en;q=0.1") == .en)
        #expect(Language.choose(explicit: "zh-CN", acceptLanguage: "en") == .zhCN)
        #expect(Language.choose(explicit: "xx", acceptLanguage: nil) == .en)
    }

    @Test("CJK takes two columns, combining marks none")
    func widths() {
        #expect("王丽".displayWidth == 4)
        #expect("MUG-1".displayWidth == 5)
        #expect("e\u{301}".displayWidth == 1)
        #expect("ｓｋｕ".displayWidth == 6)
        #expect("王丽".padded(toWidth: 6) == "王丽  ")
        #expect("12".leftPadded(toWidth: 4) == "  12")
    }
}

/// Issue 19: every `detail.<code>` template tells a code's occurrence; its values are the
/// error's figures and names, and those that are codes of a vocabulary come out as its words.
@Suite("the detail templates")
struct DetailTemplateTests {
    let en = Catalog.of(.en)
    let zh = Catalog.of(.zhCN)

    var templates: [String: String] { en.strings.filter { $0.key.hasPrefix("detail.") } }

    @Test("each template is for a code both catalogs know, in both languages with the same values")
    func templatesAreForCodes() {
        #expect(templates.count >= 30, "\(templates.count)")
        for (key, text) in templates {
            let code = String(key.dropFirst("detail.".count))
            #expect(en.meaning(ofCode: code) != nil && zh.meaning(ofCode: code) != nil, "\(key) is for no code")
            let zhText = zh[key] ?? ""
            #expect(CatalogTests.placeholders(text) == CatalogTests.placeholders(zhText), "\(key)")
            #expect(
                CatalogTests.latinWords(CatalogTests.withoutPlaceholders(zhText)).allSatisfy { $0 == "SKU" }, "\(key)")
        }
    }

    @Test("a value named after a vocabulary has words for every code of it, in both languages")
    func valueGroupsHaveWords() {
        for (name, group) in Catalog.valueGroups {
            if let joiner = group.joiner { #expect(en[joiner] != nil && zh[joiner] != nil, "\(joiner)") }
            guard !group.group.isEmpty else { continue }  // names shown as they are
            let codes = en.strings.keys.filter { $0.hasPrefix(group.group + ".") }
            #expect(!codes.isEmpty, "\(name): no words for \(group.group)")
        }
    }

    @Test("a template is filled only when every value it names is there; codes become words")
    func filling() {
        let values = ["status": "closed", "action": "approve"]
        #expect(zh.detail(ofCode: "return.illegalTransition", values: values) == "已结束的退货单不能再批准")
        #expect(
            en.detail(ofCode: "return.illegalTransition", values: values)
                == "a return that is closed cannot be approved")
        #expect(zh.detail(ofCode: "return.illegalTransition", values: ["status": "closed"]) == nil)
        #expect(zh.detail(ofCode: "no.such", values: values) == nil)
        #expect(zh.words(forValue: "storeManager,finance", named: "holders") == "店长或财务")
        #expect(en.words(forValue: "clerk,finance", named: "roles") == "clerk, finance")
        #expect(zh.words(forValue: "S-1", named: "staff") == "S-1")
        #expect(en.words(forValue: "saleLine,sku", named: "suggestions") == "saleLine or sku")
        #expect(
            zh.detail(ofCode: "input.unknownField", values: ["member": "lines[0].line", "suggestions": "saleLine"])
                == "lines[0].line 不是本请求数据中的字段；是否应为 saleLine？")
    }
}
