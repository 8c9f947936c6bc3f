/// The credit note (退款凭证, a red-letter voucher) of one refund: the accounting document the
/// customer and finance keep. Its number (`CN-S01-000042`) is minted once, offline, by the node
/// that records the refund, and travels in the refund's event; everything else is derived here
/// from the return and the refund, so every replica that holds them prints the same document.
public struct CreditNote: Hashable, Sendable, Codable {
    /// The document prefix of credit-note numbers: `CN-<store>-<6 digits>`.
    public static let prefix = "CN"

    /// The store that issued it, as its profile names it (absent parts are left off).
    public struct Issuer: Hashable, Sendable, Codable {
        public var store: StoreID
        public var name: String?
        public var address: String?
        public var taxID: String?
        public init(store: StoreID, name: String? = nil, address: String? = nil, taxID: String? = nil) {
            self.store = store
            self.name = name
            self.address = address
            self.taxID = taxID
        }
    }

    /// One returned line: its VAT-inclusive value split into net and VAT (`net + vat == gross`).
    public struct Line: Hashable, Sendable, Codable {
        public var line: Int
        public var sku: SKU
        /// The product's name (and model), when the catalog holds it.
        public var name: String?
        public var quantity: Int
        /// The VAT-inclusive unit price refunded.
        public var unitPrice: Money
        public var vatRate: VATRate
        public var net: Money
        public var vat: Money
        public var gross: Money
    }

    /// Net, VAT and gross of the lines at one VAT rate.
    public struct RateTotal: Hashable, Sendable, Codable {
        public var vatRate: VATRate
        public var net: Money
        public var vat: Money
        public var gross: Money
    }

    public var number: String
    public var issuer: Issuer
    public var issuedAt: Instant
    public var returnID: ReturnID
    /// The original receipt, and the store that sold it when another did; nil without a receipt.
    public var sale: SaleID?
    public var saleStore: StoreID?
    public var customer: CustomerID?
    public var customerName: String?
    public var currency: Currency
    public var lines: [Line]
    /// Per VAT rate, lowest rate first.
    public var rates: [RateTotal]
    public var net: Money
    public var vat: Money
    /// The goods' VAT-inclusive value: the refund's gross.
    public var gross: Money
    /// Kept by the store, out of `gross`.
    public var restockingFee: Money
    /// What went back on which tender.
    public var refunded: [RefundAllocation]
    /// What the customer got back: `gross − restockingFee`, the sum of `refunded`.
    public var total: Money

    /// The credit note of `refund`, one of `request`'s; nil for a refund recorded before credit
    /// notes were numbered (it has no number to print under). `product` names the lines.
    public static func of(
        _ request: ReturnRequest, refund: Refund, issuer: Issuer, customer: Customer? = nil,
        product: (SKU) -> Product? = { _ in nil }
    ) -> CreditNote? {
        guard let number = refund.creditNote else { return nil }
        let c = request.currency
        var lines: [Line] = []
        var byRate: [VATRate: (net: Int64, vat: Int64)] = [:]
        var net: Int64 = 0
        var vat: Int64 = 0
        for l in request.lines {
            // The same split per line as the journal's revenue and VAT reversal (`Postings.refund`).
            let split = l.vatRate.split(gross: l.gross)
            lines.append(
                Line(
                    line: l.line, sku: l.sku,
                    name: product(l.sku).map { $0.model.isEmpty ? $0.name : "\($0.name) \($0.model)" },
                    quantity: l.quantity, unitPrice: l.unitRefund, vatRate: l.vatRate,
                    net: split.net, vat: split.vat, gross: l.gross))
            byRate[l.vatRate, default: (0, 0)].net += split.net.minor
            byRate[l.vatRate, default: (0, 0)].vat += split.vat.minor
            net += split.net.minor
            vat += split.vat.minor
        }
        let rates = byRate.keys.sorted().map { rate in
            let sums = byRate[rate]!
            return RateTotal(
                vatRate: rate, net: Money(sums.net, c), vat: Money(sums.vat, c), gross: Money(sums.net + sums.vat, c))
        }
        return CreditNote(
            number: number, issuer: issuer, issuedAt: refund.refundedAt, returnID: request.id, sale: request.sale,
            saleStore: request.saleStore, customer: request.customer ?? customer?.id,
            customerName: customer?.name, currency: c, lines: lines, rates: rates, net: Money(net, c),
            vat: Money(vat, c), gross: refund.gross, restockingFee: refund.restockingFee,
            refunded: refund.allocations, total: refund.paidOut)
    }

    /// The credit notes of a return's refunds, in the order they were recorded (unnumbered ones left out).
    public static func all(
        of request: ReturnRequest, refunds: [Refund], issuer: Issuer, customer: Customer? = nil,
        product: (SKU) -> Product? = { _ in nil }
    ) -> [CreditNote] {
        refunds.compactMap { of(request, refund: $0, issuer: issuer, customer: customer, product: product) }
    }

    /// Whether `text` has a credit-note number's shape (`CN-<store>-<digits>`), for a door to
    /// refuse anything else before it looks.
    public static func isNumber(_ text: String) -> Bool {
        guard text.hasPrefix(prefix + "-"), IdentifierAlphabet.isValid(text),
            let dash = text.lastIndex(of: "-"), dash > text.index(text.startIndex, offsetBy: prefix.count + 1)
        else { return false }
        let digits = text[text.index(after: dash)...]
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
