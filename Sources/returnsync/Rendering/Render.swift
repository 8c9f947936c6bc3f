import NodeStore
import ReplicaStore
import ReturnsDomain

/// Text views of the node's data for people at the desk: aligned tables, money as `12.34`.
enum Render {
    static func products(_ products: [ReturnsDomain.Product]) -> String {
        var table = Table("SKU", "NAME", "CATEGORY", "PRICE>", "COST>", "VAT%>", "FLAGS")
        for p in products {
            var flags: [String] = []
            if p.serialTracked { flags.append(CLIWords.text("cli.flag.serial", english: "serial")) }
            if p.lotTracked { flags.append(CLIWords.text("cli.flag.lot", english: "lot")) }
            if !p.returnable { flags.append(CLIWords.text("cli.flag.notReturnable", english: "not-returnable")) }
            table.add(
                p.sku.rawValue, p.name, p.category, p.unitPrice.plain, p.unitCost.plain,
                DecimalText.format(p.vatRate.basisPoints), flags.joined(separator: ","))
        }
        return table.render(
            empty: CLIWords.text(
                "cli.empty.products", english: "No products yet: add one with `returnsync product add`."))
    }

    static func stock(_ rows: [StockRow]) -> String {
        var table = Table("STORE", "LOCATION", "SKU", "QTY>")
        for r in rows {
            table.add(
                r.store.rawValue, CLIWords.value("location", r.location.rawValue), r.sku.rawValue, String(r.quantity))
        }
        return table.render(empty: CLIWords.text("cli.empty.stock", english: "No stock."))
    }

    static func trialBalance(_ rows: [TrialBalanceRow]) -> String {
        var table = Table("ACCOUNT", "NAME", "CUR", "DEBIT>", "CREDIT>")
        // Totals are checked sums (nil: past the 64-bit range, shown as such rather than trapping).
        var sums: [String: (Int64?, Int64?)] = [:]
        func plus(_ a: Int64?, _ b: Int64?) -> Int64? {
            guard let a, let b else { return nil }
            let (r, o) = a.addingReportingOverflow(b)
            return o ? nil : r
        }
        for r in rows {
            let debit: Int64? = max(r.balance, 0)
            let credit: Int64? = r.balance == .min ? nil : max(-r.balance, 0)
            table.add(
                r.account, r.title, r.currency, Self.amount(debit, r.currency), Self.amount(credit, r.currency))
            let sum = sums[r.currency, default: (0, 0)]
            sums[r.currency] = (plus(sum.0, debit), plus(sum.1, credit))
        }
        for (currency, sum) in sums.sorted(by: { $0.key < $1.key }) {
            table.add(
                "", CLIWords.text("cli.ledger.total", english: "total"), currency,
                Self.amount(sum.0, currency, showZero: true),
                Self.amount(sum.1, currency, showZero: true))
        }
        return table.render(empty: CLIWords.text("cli.empty.postings", english: "No postings yet."))
    }

    /// A trial-balance cell in `currency`'s decimals: blank for zero (unless `showZero`), "out of
    /// range" for nil.
    private static func amount(_ minor: Int64?, _ currency: String, showZero: Bool = false) -> String {
        guard let minor else { return CLIWords.text("cli.ledger.outOfRange", english: "out of range") }
        return minor == 0 && !showZero ? "" : MoneyText.format(minor, digits: Currency(currency).minorDigits)
    }

    static func customerHistory(_ h: CustomerHistory) -> String {
        var fields = Fields()
        fields.add("customer", h.customer.rawValue)
        fields.add("name", h.details?.name)
        fields.add("phone", h.details?.phone)
        fields.add("email", h.details?.email)
        fields.add(
            "store credit",
            h.storeCredit.isEmpty
                ? CLIWords.text("cli.none", english: "none") : h.storeCredit.map(\.description).joined(separator: ", "))
        fields.add("returns", String(h.returns.count))
        return fields.render() + "\n\n" + returnList(h.returns)
    }
}
