import NodeStore
import ReplicaStore
import ReturnsDomain

/// Text views of the node's data for people at the desk: aligned tables, money as `12.34`.
enum Render {
    static func products(_ products: [ReturnsDomain.Product]) -> String {
        var table = Table("SKU", "NAME", "CATEGORY", "PRICE>", "COST>", "VAT%>", "FLAGS")
        for p in products {
            var flags: [String] = []
            if p.serialTracked { flags.append("serial") }
            if p.lotTracked { flags.append("lot") }
            if !p.returnable { flags.append("not-returnable") }
            table.add(
                p.sku.rawValue, p.name, p.category, p.unitPrice.plain, p.unitCost.plain,
                DecimalText.format(p.vatRate.basisPoints), flags.joined(separator: ","))
        }
        return table.render(empty: "No products yet: add one with `returnsync product add`.")
    }

    static func stock(_ rows: [StockRow]) -> String {
        var table = Table("STORE", "LOCATION", "SKU", "QTY>")
        for r in rows { table.add(r.store.rawValue, r.location.rawValue, r.sku.rawValue, String(r.quantity)) }
        return table.render(empty: "No stock.")
    }

    static func trialBalance(_ rows: [TrialBalanceRow]) -> String {
        var table = Table("ACCOUNT", "NAME", "CUR", "DEBIT>", "CREDIT>")
        var sums: [String: (Int64, Int64)] = [:]
        for r in rows {
            let debit = max(r.balance, 0)
            let credit = max(-r.balance, 0)
            table.add(
                r.account, r.title, r.currency, debit > 0 ? DecimalText.format(debit) : "",
                credit > 0 ? DecimalText.format(credit) : "")
            sums[r.currency, default: (0, 0)].0 += debit
            sums[r.currency, default: (0, 0)].1 += credit
        }
        for (currency, sum) in sums.sorted(by: { $0.key < $1.key }) {
            table.add("", "total", currency, DecimalText.format(sum.0), DecimalText.format(sum.1))
        }
        return table.render(empty: "No postings yet.")
    }

    static func customerHistory(_ h: CustomerHistory) -> String {
        var fields = Fields()
        fields.add("customer", h.customer.rawValue)
        fields.add("name", h.details?.name)
        fields.add("phone", h.details?.phone)
        fields.add("email", h.details?.email)
        fields.add(
            "store credit", h.storeCredit.isEmpty ? "none" : h.storeCredit.map(\.description).joined(separator: ", "))
        fields.add("returns", String(h.returns.count))
        return fields.render() + "\n\n" + returnList(h.returns)
    }
}
