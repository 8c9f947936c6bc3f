import NodeStore
import ReturnsDomain

extension Render {
    static func sale(_ view: SaleView) -> String {
        let s = view.sale
        var fields = Fields()
        fields.add("receipt", s.id.rawValue)
        fields.add("store", s.store.rawValue)
        fields.add("customer", s.customer?.rawValue)
        fields.add("sold", TimeText.show(s.soldAt))
        fields.add("total", s.total.description)
        fields.add(
            "paid",
            s.tenders.map { "\(CLIWords.value("tender", $0.tender.rawValue)) \($0.amount.plain)" }.joined(
                separator: ", "))
        var table = Table("LINE>", "SKU", "QTY>", "PRICE>", "AMOUNT>", "RETURNED>", "RETURNABLE>", "SERIALS")
        for l in view.lines {
            table.add(
                String(l.line.line), l.line.sku.rawValue, String(l.line.quantity), l.line.unitPrice.plain,
                l.line.gross.plain, String(l.returned), String(l.returnable), l.line.serials.joined(separator: ","))
        }
        return fields.render() + "\n\n" + table.render()
    }

    static func saleList(_ views: [SaleView]) -> String {
        var table = Table("RECEIPT", "SOLD", "CUSTOMER", "TOTAL>", "LINES>", "RETURNABLE>")
        for v in views {
            table.add(
                v.sale.id.rawValue, TimeText.show(v.sale.soldAt), v.sale.customer?.rawValue ?? "", v.sale.total.plain,
                String(v.lines.count), String(v.lines.reduce(0) { $0 + $1.returnable }))
        }
        return table.render(empty: CLIWords.text("cli.empty.sales", english: "No sale found."))
    }
}
