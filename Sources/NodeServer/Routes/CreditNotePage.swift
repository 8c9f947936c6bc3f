import Foundation
package import Localization
import Mustache
package import ReturnsDomain

/// A credit note (``CreditNote``) as a person reads it, in their language: a printable A4 page
/// (`Resources/credit-note.mustache`) or plain text for a terminal. Every word comes from the
/// catalogs (`creditNote.*`, `tender.*`); amounts are the currency's own decimals, exactly
/// (`MoneyText`), with the currency named once; nothing here decides what the note says.
package enum CreditNotePage {
    static let template: MustacheTemplate = {
        do {
            return try MustacheTemplate(string: String(decoding: PackageResources.credit_note_mustache, as: UTF8.self))
        } catch {
            // The template is part of the build and rendered by the tests; a broken one is a build defect.
            preconditionFailure("Resources/credit-note.mustache does not parse: \(error)")
        }
    }()

    /// The catalog groups the page reads.
    static let wordGroups = ["creditNote"]

    /// The page of `note` in `language`.
    package static func html(_ note: CreditNote, language: Language) -> String {
        let catalog = Catalog.of(language)
        let f = Fields(note, catalog)
        var context: [String: Any] = [
            "lang": language.tag, "t": catalog.tree(prefixes: wordGroups), "number": note.number,
            "issuerName": f.issuerName, "date": note.issuedAt.day, "returnID": note.returnID.rawValue,
            "receipt": f.receipt, "currency": note.currency.rawValue,
            "lines": note.lines.map { l -> [String: Any] in
                [
                    "line": l.line, "product": Fields.product(l), "quantity": l.quantity,
                    "unitPrice": MoneyText.format(l.unitPrice), "vatRate": Fields.rate(l.vatRate),
                    "net": MoneyText.format(l.net), "vat": MoneyText.format(l.vat), "gross": MoneyText.format(l.gross),
                ]
            },
            "rates": note.rates.map { r -> [String: Any] in
                [
                    "vatRate": Fields.rate(r.vatRate), "net": MoneyText.format(r.net), "vat": MoneyText.format(r.vat),
                    "gross": MoneyText.format(r.gross),
                ]
            },
            "totals": f.totals.map { ["label": $0.label, "amount": $0.amount, "grand": $0.grand] as [String: Any] },
        ]
        if let address = note.issuer.address { context["address"] = address }
        if let taxID = note.issuer.taxID { context["taxID"] = word(catalog, "taxID", ["id": taxID]) }
        if let customer = f.customer { context["customer"] = customer }
        return template.render(context)
    }

    /// The catalog's words `creditNote.<name>`.
    static func word(_ catalog: Catalog, _ name: String, _ values: [String: String] = [:]) -> String {
        catalog.text("creditNote.\(name)", values)
    }

    /// `note` as plain text in `language`, for a terminal or a receipt printer.
    package static func text(_ note: CreditNote, language: Language) -> String {
        let catalog = Catalog.of(language)
        let f = Fields(note, catalog)
        func word(_ name: String, _ values: [String: String] = [:]) -> String {
            catalog.text("creditNote.\(name)", values)
        }
        var out: [String] = [f.issuerName]
        if let address = note.issuer.address { out.append(address) }
        if let taxID = note.issuer.taxID { out.append(word("taxID", ["id": taxID])) }
        out += ["", word("title"), ""]
        var facts: [(String, String)] = [
            (word("number"), note.number), (word("date"), note.issuedAt.day),
            (word("return"), note.returnID.rawValue), (word("receipt"), f.receipt),
        ]
        if let customer = f.customer { facts.append((word("customer"), customer)) }
        facts.append((word("currency"), note.currency.rawValue))
        let width = facts.map(\.0.displayWidth).max() ?? 0
        for (k, v) in facts { out.append(k.padded(toWidth: width + 2) + v) }
        out.append("")
        for l in note.lines {
            out.append("\(l.line). \(Fields.product(l))")
            out.append(
                "   \(l.quantity) × \(MoneyText.format(l.unitPrice))  \(word("column.vatRate")) \(Fields.rate(l.vatRate))"
                    + "  \(word("column.net")) \(MoneyText.format(l.net))  \(word("column.vat")) \(MoneyText.format(l.vat))"
                    + "  \(word("column.gross")) \(MoneyText.format(l.gross))")
        }
        out.append("")
        let labelWidth = f.totals.map(\.label.displayWidth).max() ?? 0
        let amountWidth = f.totals.map(\.amount.count).max() ?? 0
        for t in f.totals {
            out.append(t.label.padded(toWidth: labelWidth + 2) + t.amount.leftPadded(toWidth: amountWidth))
        }
        out += ["", word("keep")]
        return out.joined(separator: "\n") + "\n"
    }

    /// What both forms show, worded once.
    struct Fields {
        var issuerName: String
        var receipt: String
        var customer: String?
        var totals: [(label: String, amount: String, grand: Bool)]

        init(_ note: CreditNote, _ catalog: Catalog) {
            func word(_ name: String, _ values: [String: String] = [:]) -> String {
                catalog.text("creditNote.\(name)", values)
            }
            issuerName = note.issuer.name ?? note.issuer.store.rawValue
            if let sale = note.sale {
                receipt =
                    sale.rawValue
                    + (note.saleStore.map { $0 == note.issuer.store ? "" : word("soldAt", ["store": $0.rawValue]) }
                        ?? "")
            } else {
                receipt = word("noReceipt")
            }
            customer = note.customer.map { id in note.customerName.map { "\($0) (\(id))" } ?? id.rawValue }
            var totals: [(String, String, Bool)] = [
                (word("totalNet"), MoneyText.format(note.net), false),
                (word("totalVAT"), MoneyText.format(note.vat), false),
                (word("totalGross"), MoneyText.format(note.gross), false),
            ]
            if !note.restockingFee.isZero {
                totals.append((word("restockingFee"), MoneyText.format(-note.restockingFee), false))
            }
            for a in note.refunded {
                let tender = catalog.text("tender.\(a.tender.rawValue)")
                let label =
                    word("refundedTo", ["tender": tender])
                    + (a.reference.map { word("reference", ["reference": $0]) } ?? "")
                totals.append((label, MoneyText.format(a.amount), false))
            }
            totals.append((word("total"), MoneyText.format(note.total), true))
            self.totals = totals
        }

        /// The product's name with its SKU, or the SKU alone.
        static func product(_ l: CreditNote.Line) -> String {
            l.name.map { "\($0) (\(l.sku))" } ?? l.sku.rawValue
        }

        /// A VAT rate as a percentage: 1300 basis points → `13%`, 550 → `5.5%`.
        static func rate(_ rate: VATRate) -> String {
            var text = MoneyText.format(rate.basisPoints, digits: 2)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text + "%"
        }
    }
}
