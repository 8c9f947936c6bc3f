import Foundation
import HTTPSupport
import HubStore
import Hummingbird
import Localization
import Replication
import ReturnsDomain

extension HubRoutes {
    /// Tokens that read company data (`HubRequestContext.reader()`); head office's own routes
    /// ask for a permission instead (`HubRequestContext.headOffice(_:)`, `HeadOfficeAccess`).
    static let anyReader: Set<HubRole> = [.headOffice, .viewer, .admin, .storeNode, .onlineChannel]

    /// Head office's view of the whole company.
    func addHeadOfficeRoutes(to api: Group) {
        // Consolidated stock by SKU × store × location (any enrolled caller: stores check other stores' stock).
        api.get("stock") { request, context in
            try context.reader()
            let rows = try await store.state().stock(
                sku: request.query("sku").map(SKU.init(rawValue:)),
                store: request.query("store").map(StoreID.init(rawValue:)))
            return try ListPage.response(
                rows, key: { ListPage.key($0.store.rawValue, $0.location.rawValue, $0.sku.rawValue) },
                request: request, path: "stock", keep: ["sku", "store"])
        }
        api.get("exceptions") { request, context in
            _ = try context.headOffice(.reports)
            return try ListPage.response(
                try await HeadOfficeQueue.current(store, now: Instant(millis: clock())), key: \.id, request: request,
                path: "exceptions")
        }
        // The exceptions queue: head office records what it did about one; the exception stays.
        api.post("exceptions/resolve") { request, context in
            let by = try context.headOffice(.exceptions)
            let body = try await JSONCoding.decode(ResolveExceptionBody.self, from: request)
            let resolution = try await HeadOfficeQueue.resolve(
                body.id, note: body.note, by: by, on: store, now: clock())
            return try JSONCoding.response(resolution)
        }
        // Escrow claims granted to stores and not used or lapsed yet.
        api.get("escrow/claims") { _, context in
            _ = try context.headOffice(.reports)
            return try JSONCoding.response(try await store.outstandingClaims(now: clock()))
        }
        api.get("exceptions/resolutions") { request, context in
            _ = try context.headOffice(.reports)
            return try ListPage.response(
                try await HeadOfficeQueue.resolutions(store),
                // Oldest first, as the hub records them.
                key: { ListPage.key(ListPage.sortable($0.resolvedAt), $0.id) }, request: request,
                path: "exceptions/resolutions")
        }
        // The online channel submits a return; a replay of its Idempotency-Key gets the first answer.
        api.post("channel/returns") { request, context in
            let caller = try context.caller(in: [.onlineChannel])
            let key = try Self.idempotencyKey(request, for: "the return")
            let body = try await JSONCoding.decode(ChannelReturnRequest.self, from: request)
            let (receipt, replayed) = try await store.submitChannelReturn(
                body, from: caller, idempotencyKey: key, staff: request.staff, now: clock())
            return Self.replayed(
                try JSONCoding.response(receipt, status: .created, location: "/api/v1/returns/\(receipt.id)"), replayed)
        }
        // Return rates, cost of returns, top items, spikes, customer abuse signals, low stock.
        api.get("analytics") { request, context in
            _ = try context.headOffice(.reports)
            // The filters (`AnalyticsFilter`) narrow the facts; a period that ends before today
            // looks for spikes in its last month.
            let filter = try AnalyticsFilter.parse { request.queryValue($0) }
            let input = filter.apply(to: try await store.state().analyticsInput())
            let currency =
                input.products.values.first?.unitPrice.currency ?? input.sales.first?.currency ?? Currency("EUR")
            let asOf = min(Instant(millis: clock()), filter.to ?? Instant(millis: .max))
            let report = AnalyticsReport(
                input: input, asOf: asOf,
                options: AnalyticsOptions(currency: currency, abuse: try await HeadOfficeQueue.thresholds(store)))
            switch request.queryValue("format") ?? "json" {
            case "json": return try JSONCoding.response(report)
            case "text":
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: .init(string: report.render())))
            default: throw Problem(code: Problem.Code.invalidQuery, detail: "`format` is json or text")
            }
        }
        api.get("sync-status") { _, context in
            _ = try context.headOffice(.reports)
            return try JSONCoding.response(try await store.syncStatus())
        }
        api.get("incidents") { request, context in
            _ = try context.headOffice(.reports)
            // Newest first, as the hub lists them.
            return try ListPage.response(
                try await store.incidents(),
                key: { ListPage.key(ListPage.sortable(Int64.max - $0.lastSeenAt), ListPage.sortable($0.id)) },
                request: request, path: "incidents")
        }
        api.get("returns") { request, context in
            _ = try context.headOffice(.reports)
            let status = try request.queryCase("status", as: ReturnStatus.self)
            let limit = try request.queryInteger("limit", in: 1...1000, default: 200)
            let cursor = try request.queryValue("cursor").map { text in
                guard let cursor = ReturnCursor(text: text) else {
                    throw Problem(
                        code: Problem.Code.invalidQuery, detail: "`cursor` is one a previous page's Link header gave")
                }
                return cursor
            }
            let filter = try AnalyticsFilter.parse { request.queryValue($0) }
            let state = try await store.state()
            var rows: [ReturnOrderState]
            let total: Int
            let more: Bool
            if filter.isEmpty {
                // No filter: the storage pages itself. One more than asked, to know whether a next
                // page exists.
                rows = try await state.returns(store: nil, status: status, limit: limit + 1, after: cursor)
                more = rows.count > limit
                rows = Array(rows.prefix(limit))
                total = try await state.returnCount(store: nil, status: status)
            } else {
                let filtered = try await filteredReturns(
                    state, filter: filter, status: status, limit: limit + 1, after: cursor)
                more = filtered.page.count > limit
                rows = Array(filtered.page.prefix(limit))
                total = filtered.total
            }
            var response = try JSONCoding.response(rows)
            // The page's place in the whole list (RFC 8288 `Link`), and how long the list is.
            response.headers[.init("X-Total-Count")!] = String(total)
            if more, let last = rows.last.flatMap(ReturnCursor.init) {
                var query = [("limit", String(limit)), ("cursor", last.text)]
                if let status { query.append(("status", status.rawValue)) }
                query += filter.query.map { ($0.name, $0.value) }
                response.headers[.init("Link")!] = "</api/v1/returns?\(ListPage.queryString(query))>; rel=\"next\""
            }
            return response
        }
        api.get("customers/:id/history") { _, context in
            try context.reader()
            return try JSONCoding.response(try await store.state().customerHistory(CustomerID(try context.pathID())))
        }
        api.get("sales/:id") { _, context in
            try context.reader()
            let id = SaleID(try context.pathID())
            let state = try await store.state()
            guard let sale = try await state.sale(id) else {
                throw Problem(code: "sale.notFound", detail: "no sale \(id) at the hub", values: ["receipt": "\(id)"])
            }
            return try JSONCoding.response(
                HubSaleView(sale: sale, returned: try await state.returnableQuantities(of: id)))
        }
        // The accounting journal for a spreadsheet or the books: one row per posting line.
        api.get("journal.csv") { request, context in
            _ = try context.headOffice(.books)
            let period = try JournalCSV.period(from: request.queryValue("from"), to: request.queryValue("to"))
            let entries = try await store.state().journal(store: request.query("store").map(StoreID.init(rawValue:)))
                .filter { period.contains($0.date) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"journal.csv\"",
                ],
                body: .init(
                    byteBuffer: .init(
                        string: JournalCSV.render(
                            entries,
                            in: Language.choose(
                                explicit: request.queryValue("lang"), acceptLanguage: request.headers[.acceptLanguage]))
                    )))
        }
        api.get("verify") { _, context in
            _ = try context.headOffice(.books)
            return try JSONCoding.response(try await store.verify())
        }
    }
}

/// `POST /api/v1/exceptions/resolve`: which exception, and what was done.
struct ResolveExceptionBody: Codable, Sendable {
    var id: String
    var note: String
}

/// A sale as the hub sees it, with the returnable quantity of each line company-wide.
struct HubSaleView: Codable, Sendable {
    var sale: Sale
    /// Sale line → units still returnable.
    var returnable: [String: Int]
    init(sale: Sale, returned: [Int: Int]) {
        self.sale = sale
        var out: [String: Int] = [:]
        for (line, quantity) in returned { out[String(line)] = quantity }
        self.returnable = out
    }
}

/// The journal as CSV (RFC 4180): date, store, reference, memo, account, account name, debit, credit, currency.
/// The journal as CSV that opens right in a spreadsheet, a zh-CN one included: UTF-8 with a byte
/// order mark (without it, Excel reads Chinese memos as another encoding), CRLF lines, and each
/// amount in its currency's decimals (JPY none, KWD three).
enum JournalCSV {
    static let byteOrderMark = "\u{FEFF}"

    /// The entries as CSV rows. The header and the codes (store, reference, account number,
    /// currency) stay as they are for scripts; the account's name and the memo are in `language`,
    /// so an accountant's spreadsheet reads 存货 and 退款 in zh-CN.
    static func render(_ entries: [JournalEntry], in language: Language = .en) -> String {
        let catalog = Catalog.of(language)
        var out = byteOrderMark + "date,store,reference,memo,account,account_name,debit,credit,currency\r\n"
        for e in entries {
            for l in e.lines {
                let amount = l.amount.minor
                let digits = l.amount.currency.minorDigits
                let debit = amount > 0 ? MoneyText.format(amount, digits: digits) : ""
                // A credit is the amount without its sign (dropping the "-" never overflows).
                let credit = amount < 0 ? String(MoneyText.format(amount, digits: digits).dropFirst()) : ""
                out +=
                    [
                        e.date.day, e.store.rawValue, e.reference,
                        catalog["journal.memo." + e.memo.replacingOccurrences(of: " ", with: "_")] ?? e.memo,
                        l.account.rawValue, catalog["account." + l.account.rawValue] ?? l.account.title, debit, credit,
                        l.amount.currency.rawValue,
                    ]
                    .map(field).joined(separator: ",") + "\r\n"
            }
        }
        return out
    }

    /// The business days `from`…`to` (`YYYY-MM-DD`, both included, either left open), or
    /// `422 input.invalidQuery`.
    static func period(from: String?, to: String?) throws -> ClosedRange<Instant> {
        func day(_ text: String?, _ name: String) throws -> Instant? {
            guard let text else { return nil }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
                let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1970...9999).contains(y),
                (1...12).contains(m), (1...31).contains(d)
            else {
                throw Problem(code: "input.invalidQuery", detail: "\(name) is a day as YYYY-MM-DD, not \(text)")
            }
            return Instant.date(Int64(y), Int64(m), Int64(d))
        }
        let start = try day(from, "from") ?? Instant(millis: .min)
        let end =
            try day(to, "to").map { Instant(millis: $0.millis + Instant.millisPerDay - 1) } ?? Instant(millis: .max)
        guard start <= end else {
            throw Problem(code: "input.invalidQuery", detail: "from is after to")
        }
        return start...end
    }

    /// One CSV cell. A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return: OWASP's "CSV Injection") is kept as text with a leading
    /// apostrophe; ids are any printable text, so a reference could start with `=`. Amounts never
    /// start with `-` here (credits go in their own column, unsigned).
    static func field(_ raw: String) -> String {
        let s = raw.first.map { "=+-@\t\r".contains($0) } == true ? "'" + raw : raw
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
