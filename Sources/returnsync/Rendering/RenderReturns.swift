import NodeStore
import Replication
import ReturnsDomain

extension Render {
    static func returnList(_ views: [ReturnView]) -> String {
        var table = Table("RETURN", "STATUS", "REQUESTED", "SALE", "CUSTOMER", "TYPE", "QTY>", "VALUE>", "PAID OUT>")
        for v in views {
            let r = v.request
            let paid = v.refunds.reduce(0) { $0 + $1.paidOut.minor }
            table.add(
                v.id.rawValue, CLIWords.value("status", v.status.rawValue), TimeText.show(r.requestedAt),
                r.sale?.rawValue ?? CLIWords.text("cli.return.noReceiptShort", english: "(no receipt)"),
                r.customer?.rawValue ?? "", CLIWords.value("type", r.type.rawValue), String(r.totalQuantity),
                r.gross.plain,
                MoneyText.format(paid, digits: r.currency.minorDigits))
        }
        return table.render(empty: CLIWords.text("cli.empty.returns", english: "No returns."))
    }

    /// The return document (退货单): header, lines, grades, dispositions, money, audit trail.
    static func returnDocument(_ v: ReturnView) -> String {
        let r = v.request
        var fields = Fields()
        fields.add("return", v.id.rawValue)
        fields.add("status", CLIWords.value("status", v.status.rawValue))
        fields.add("store", r.store.rawValue)
        fields.add(
            "sale",
            r.sale.map { sale in
                sale.rawValue
                    + (r.saleStore.map {
                        CLIWords.text("cli.return.saleStore", ["store": "\($0)"], english: " (store \($0))")
                    }
                        ?? "")
            } ?? CLIWords.text("cli.return.noReceipt", english: "no receipt"))
        fields.add("customer", r.customer?.rawValue)
        fields.add(
            "type",
            CLIWords.text(
                "cli.return.typeBy",
                [
                    "type": CLIWords.value("type", r.type.rawValue),
                    "method": CLIWords.value("method", r.method.rawValue),
                ],
                english: "\(r.type.rawValue) by \(r.method.rawValue)"))
        fields.add("requested", TimeText.show(r.requestedAt))
        fields.add("tracking", r.trackingNumber)
        fields.add("value", r.gross.description)
        if r.restockingFee.isPositive { fields.add("restocking fee", r.restockingFee.description) }
        fields.add("policy", r.policyNotes.joined(separator: ", "))
        if let verdict = v.verdict {
            fields.add("verdict", CLIWords.value("decision", verdict.decision.rawValue))
            for reason in verdict.reasons { fields.add("  reason", reason.description) }
            if verdict.needsApproval {
                fields.add(
                    "next",
                    CLIWords.text(
                        "cli.return.nextApprove", ["id": "\(v.id)"],
                        english: "a manager runs `returnsync return approve \(v.id)` or `reject`"))
            }
        }
        var parts = [fields.render()]

        var lines = Table("LINE>", "SALE LINE>", "SKU", "QTY>", "REFUND/UNIT>", "REASON", "CONDITION", "SERIALS")
        for l in r.lines {
            lines.add(
                String(l.line), l.saleLine.map(String.init) ?? "-", l.sku.rawValue, String(l.quantity),
                l.unitRefund.plain,
                CLIWords.value("reason", l.reason.rawValue), CLIWords.value("condition", l.condition.rawValue),
                l.serials.joined(separator: ","))
        }
        parts.append(lines.render())

        if !v.grades.isEmpty {
            var grades = Table("LINE>", "GRADE", "QTY>", "NOTES")
            for g in v.grades {
                grades.add(
                    String(g.line),
                    CLIWords.isEnglish ? g.grade.rawValue : CLIWords.value("gradeName", g.grade.rawValue),
                    String(g.quantity), g.notes ?? "")
            }
            parts.append(grades.render())
        }
        if !v.dispositions.isEmpty {
            var dispositions = Table("LINE>", "QTY>", "DISPOSITION", "TO", "DETAIL")
            for d in v.dispositions {
                dispositions.add(
                    String(d.line), String(d.quantity),
                    CLIWords.isEnglish
                        ? name(of: d.disposition) : CLIWords.value("disposition", code(of: d.disposition)),
                    CLIWords.value("location", d.disposition.destination.rawValue),
                    detail(of: d.disposition))
            }
            parts.append(dispositions.render())
        }
        for refund in v.refunds {
            var money = Table("REFUND", "TENDER", "AMOUNT>", "REFERENCE")
            for a in refund.allocations {
                money.add(
                    TimeText.show(refund.refundedAt), CLIWords.value("tender", a.tender.rawValue), a.amount.plain,
                    a.reference ?? "")
            }
            if refund.restockingFee.isPositive {
                money.add("", CLIWords.text("cli.return.feeKept", english: "fee kept"), refund.restockingFee.plain, "")
            }
            parts.append(money.render())
        }
        for x in v.exchanges {
            var out = Table("EXCHANGED OUT", "QTY>", "PRICE>", "AMOUNT>")
            for l in x.outLines { out.add(l.sku.rawValue, String(l.quantity), l.unitPrice.plain, l.gross.plain) }
            let amount = Money(abs(x.difference.minor), x.difference.currency)
            let values = [
                "value": "\(x.returnedValue)", "amount": "\(amount)",
                "tender": CLIWords.value("tender", x.settlementTender.rawValue),
            ]
            let settlement =
                x.difference.isNegative
                ? CLIWords.text(
                    "cli.exchange.customerGetsBack", values,
                    english:
                        "returned value \(x.returnedValue), customer gets back \(amount) by \(x.settlementTender.rawValue)"
                )
                : CLIWords.text(
                    "cli.exchange.customerPays", values,
                    english:
                        "returned value \(x.returnedValue), customer pays \(amount) by \(x.settlementTender.rawValue)")
            parts.append(out.render() + "\n" + settlement)
        }
        var steps = Table("STEP", "STATUS", "STAFF", "WHEN", "EVENT")
        for s in v.steps {
            steps.add(
                s.event, CLIWords.value("status", s.status.rawValue), s.staff.rawValue, TimeText.show(s.hlc.wall),
                s.dot.description)
        }
        parts.append(steps.render())
        return parts.joined(separator: "\n\n")
    }

    static func name(of d: Disposition) -> String {
        switch d {
        case .restock: "restock"
        case .refurbish: "refurbish"
        case .repair: "repair"
        case .scrap: "scrap"
        case .returnToVendor: "vendor"
        }
    }

    /// The disposition's code in the catalog's `disposition.*` words.
    static func code(of d: Disposition) -> String {
        switch d {
        case .restock: "restock"
        case .refurbish: "refurbish"
        case .repair: "repair"
        case .scrap: "scrap"
        case .returnToVendor: "returnToVendor"
        }
    }

    static func detail(of d: Disposition) -> String {
        switch d {
        case .restock: ""
        case .refurbish(let value, let disclosure): "\(value.plain) each, \"\(disclosure)\""
        case .repair(let order, let technician): "order \(order), \(technician)"
        case .scrap(let reason): reason
        case .returnToVendor(let vendor, let rma): "\(vendor)" + (rma.map { ", RMA \($0)" } ?? "")
        }
    }
}
