import ArgumentParser
import NodeStore
import ReturnsDomain

/// The colon-separated values that return steps take on the command line (`--grade 1:a:2`),
/// each read with a stable error code when it does not parse.
enum StepArguments {
    static func invalid(_ code: String, _ text: String, expected: String) -> DomainError {
        DomainError(code: code, message: "'\(text)' is not \(expected)")
    }

    /// Splits `text` into at least `minimum` fields; the last field keeps any further colons
    /// (a disclosure or a reason may contain one).
    static func fields(_ text: String, minimum: Int, maximum: Int, code: String, expected: String) throws -> [String] {
        let parts = text.split(separator: ":", maxSplits: maximum - 1, omittingEmptySubsequences: false).map(
            String.init)
        guard parts.count >= minimum, parts.allSatisfy({ !$0.isEmpty }) else {
            throw invalid(code, text, expected: expected)
        }
        return parts
    }

    static func positive(_ text: String, in whole: String, code: String, expected: String) throws -> Int {
        guard let n = Int(text), n > 0 else { throw invalid(code, whole, expected: expected) }
        return n
    }

    /// `LINE:GRADE:QTY[:NOTES]` with GRADE one of a, b, c, d, vendor.
    static func grade(_ text: String) throws -> LineGrade {
        let expected = "LINE:GRADE:QTY with GRADE one of a, b, c, d, vendor"
        let f = try fields(text, minimum: 3, maximum: 4, code: "input.invalidGrade", expected: expected)
        guard let grade = Grade(cliName: f[1]) else { throw invalid("input.invalidGrade", text, expected: expected) }
        return LineGrade(
            line: try positive(f[0], in: text, code: "input.invalidGrade", expected: expected), grade: grade,
            quantity: try positive(f[2], in: text, code: "input.invalidGrade", expected: expected),
            notes: f.count > 3 ? f[3] : nil)
    }

    /// A disposition as typed, before the node's currency is known (refurbished value in minor units).
    struct DispositionArgument {
        var line: Int
        var quantity: Int
        var make: @Sendable (Currency) throws -> Disposition

        func resolve(_ currency: Currency) throws -> LineDisposition {
            LineDisposition(line: line, quantity: quantity, disposition: try make(currency))
        }
    }

    /// `LINE:QTY` followed by `extra` fields; `build` turns the extra fields into a disposition.
    static func disposition(
        _ text: String, extra: Int, optional: Int = 0, expected: String,
        build: ([String]) throws -> @Sendable (Currency) throws -> Disposition
    ) throws -> DispositionArgument {
        let f = try fields(
            text, minimum: 2 + extra, maximum: 2 + extra + optional, code: "input.invalidDisposition",
            expected: expected)
        return DispositionArgument(
            line: try positive(f[0], in: text, code: "input.invalidDisposition", expected: expected),
            quantity: try positive(f[1], in: text, code: "input.invalidDisposition", expected: expected),
            make: try build(Array(f.dropFirst(2))))
    }

    static func restock(_ text: String) throws -> DispositionArgument {
        try disposition(text, extra: 0, expected: "LINE:QTY") { _ in { _ in .restock } }
    }

    static func refurbish(_ text: String) throws -> DispositionArgument {
        try disposition(text, extra: 2, expected: "LINE:QTY:VALUE:DISCLOSURE") { f in
            let value = f[0]
            let disclosure = f[1]
            return { currency in .refurbish(unitValue: try MoneyText.money(value, currency), disclosure: disclosure) }
        }
    }

    static func repair(_ text: String) throws -> DispositionArgument {
        try disposition(text, extra: 1, expected: "LINE:QTY:TECHNICIAN") { f in
            let technician = f[0]
            // The node mints the repair order number in the same transaction.
            return { _ in .repair(order: RepairOrderID(""), technician: technician) }
        }
    }

    static func scrap(_ text: String) throws -> DispositionArgument {
        try disposition(text, extra: 1, expected: "LINE:QTY:REASON") { f in
            let reason = f[0]
            return { _ in .scrap(reason: reason) }
        }
    }

    static func vendor(_ text: String) throws -> DispositionArgument {
        try disposition(text, extra: 1, optional: 1, expected: "LINE:QTY:VENDOR[:RMA]") { f in
            let vendor = VendorID(f[0])
            let rma = f.count > 1 ? f[1] : nil
            return { _ in .returnToVendor(vendor: vendor, rma: rma) }
        }
    }

    /// `original`, `cash`, `bank:REFERENCE`, `credit` or `credit:CUSTOMER`.
    static func refundMethod(_ text: String) throws -> RefundMethod {
        let expected = "one of original, cash, bank:REFERENCE, credit, credit:CUSTOMER"
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("original", 1): return .originalTender
        case ("cash", 1): return .cash
        case ("bank", 2): return .bankTransfer(reference: parts[1])
        case ("credit", 1): return .storeCredit(customer: nil)
        case ("credit", 2): return .storeCredit(customer: CustomerID(parts[1]))
        default: throw invalid("input.invalidRefundMethod", text, expected: expected)
        }
    }

    /// `SKU:QTY[:SERIAL,SERIAL…]`, goods handed out in an exchange.
    static func exchangeItem(_ text: String) throws -> ExchangeItem {
        let expected = "SKU:QTY or SKU:QTY:SERIAL,SERIAL"
        let f = try fields(text, minimum: 2, maximum: 3, code: "input.invalidItem", expected: expected)
        let serials = f.count > 2 ? f[2].split(separator: ",").map(String.init) : nil
        return ExchangeItem(
            sku: SKU(f[0]), quantity: try positive(f[1], in: text, code: "input.invalidItem", expected: expected),
            serials: serials)
    }

    /// How the price difference of an exchange is settled: cash, card, bank or credit.
    static func settlement(_ text: String) throws -> Tender {
        switch text {
        case "cash": .cash
        case "card": .card
        case "bank": .bankTransfer
        case "credit": .storeCredit
        default: throw invalid("input.invalidSettlement", text, expected: "one of cash, card, bank, credit")
        }
    }
}

extension Grade {
    /// The grade as typed: `a`, `b`, `c`, `d`, or `vendor` for a vendor defect.
    init?(cliName: String) {
        switch cliName.lowercased() {
        case "vendor", "vendordefect": self = .vendorDefect
        default:
            guard let g = Grade(rawValue: cliName.lowercased()) else { return nil }
            self = g
        }
    }
}
