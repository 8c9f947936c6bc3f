import ReturnsDomain
import Testing

/// A cable and a phone, one receipt for two cables, and a standard policy.
private enum K {
    static let eur = Currency("EUR")
    static func eur(_ minor: Int64) -> Money { Money(minor, eur) }
    static let vat = VATRate(basisPoints: 2000)
    static let soldAt = Instant.date(2025, 3, 1)

    static let catalog: [SKU: Product] = [
        "CB-1": Product(
            sku: "CB-1", name: "Cable", category: "accessories", unitPrice: eur(2_000), unitCost: eur(800), vatRate: vat
        ),
        "PH-1": Product(
            sku: "PH-1", name: "Phone", category: "phones", unitPrice: eur(150_000), unitCost: eur(90_000), vatRate: vat
        ),
    ]
    static let sale = Sale(
        id: "S-01-0007", store: "S-01", customer: "C-1", soldAt: soldAt, currency: eur,
        lines: [SaleLine(line: 1, sku: "CB-1", quantity: 2, unitPrice: eur(1_800), unitCost: eur(800), vatRate: vat)],
        tenders: [TenderPayment(tender: .cash, amount: eur(3_600))])

    static func take(
        _ submission: ReturnSubmission, sale: Sale? = K.sale, receiptless: Int = 0,
        at: Instant = soldAt.adding(days: 2),
        refuseDenied: Bool = true
    ) throws -> ReturnIntake.Outcome {
        try ReturnIntake.take(
            submission, id: "RT-S-01-000001", store: "S-01", sale: sale, defaultMethod: .counter, alreadyReturned: [:],
            product: { catalog[$0] }, policy: EffectivePolicy(document: .standard(currency: eur)),
            receiptlessReturnsLast90Days: receiptless,
            at: at, refuseDenied: refuseDenied)
    }

    static let oneCable = ReturnSubmission(
        sale: "S-01-0007", lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)])
    static func withoutReceipt(_ sku: SKU, refund: Int64, customer: CustomerID? = "C-9") -> ReturnSubmission {
        ReturnSubmission(
            sale: nil, customer: customer,
            lines: [
                RequestedLine(
                    sku: sku, quantity: 1, reason: .changedMind, condition: .unopened, unitRefund: eur(refund))
            ])
    }
}

@Suite struct ReturnIntakeTests {
    @Test("a return the policy allows is requested and approved at once, with the policy's note")
    func allowedIsApproved() throws {
        let outcome = try K.take(K.oneCable)
        #expect(outcome.verdict.isAllowed)
        #expect(outcome.events.count == 2)
        guard case .returnRequested(let request) = outcome.events[0] else {
            Issue.record("the first event is not the request")
            return
        }
        #expect(request == outcome.request)
        #expect(
            outcome.events[1] == .returnApproved(at: K.soldAt.adding(days: 2), note: ReturnIntake.policyApprovalNote))
        #expect(ReturnIntake.policyApprovalNote == "policy allows")
    }

    @Test("a return that needs a manager's approval is only requested")
    func needsApprovalIsOnlyRequested() throws {
        let outcome = try K.take(K.withoutReceipt("CB-1", refund: 1_500), sale: nil, receiptless: 2)
        #expect(outcome.verdict.needsApproval)
        #expect(outcome.events.count == 1)
        #expect(outcome.request.policyNotes == outcome.verdict.codes)
    }

    @Test("a denied return is refused, or for a preview comes back with its verdict and no approval")
    func deniedIsRefusedOrPreviewed() throws {
        let late = K.soldAt.adding(days: 60)
        #expect(throws: DomainError.self) { try K.take(K.oneCable, at: late) }
        let preview = try K.take(K.oneCable, at: late, refuseDenied: false)
        #expect(preview.verdict.denial != nil)
        #expect(preview.events.count == 1)
    }

    @Test("the door's method and a refund apply when the submission names none; the sale's customer is the return's")
    func defaults() throws {
        let request = try K.take(K.oneCable).request
        #expect(request.method == .counter)
        #expect(request.type == .refund)
        #expect(request.customer == "C-1")
        var courier = K.oneCable
        courier.method = .courier
        #expect(try K.take(courier).request.method == .courier)
    }

    @Test("the store's policy wins over the chain's default, which wins over the standard policy")
    func policyPrecedence() {
        var own = ReturnPolicy.standard(currency: K.eur)
        own.noReasonWindowDays = 14
        var chain = ReturnPolicy.standard(currency: K.eur)
        chain.noReasonWindowDays = 30
        #expect(ReturnIntake.policy(store: own, chainDefault: chain, sale: nil, chainCurrency: K.eur) == own)
        #expect(ReturnIntake.policy(store: nil, chainDefault: chain, sale: nil, chainCurrency: K.eur) == chain)
        #expect(ReturnIntake.policyIDs(for: "S-01") == ["S-01", "default"])
    }

    @Test("without a stored policy the standard one applies in the sale's currency, else the chain's")
    func standardPolicyCurrency() {
        let usd = Currency("USD")
        #expect(
            ReturnIntake.policy(store: nil, chainDefault: nil, sale: K.sale, chainCurrency: usd)
                == .standard(currency: K.eur))
        #expect(
            ReturnIntake.policy(store: nil, chainDefault: nil, sale: nil, chainCurrency: usd)
                == .standard(currency: usd))
    }

    @Test("earlier receipt-less returns count only for a return without a receipt by a known customer, over 90 days")
    func receiptlessCount() {
        let at = K.soldAt.adding(days: 100)
        #expect(ReturnIntake.receiptlessCount(of: K.oneCable, sale: K.sale, at: at) == nil)
        #expect(
            ReturnIntake.receiptlessCount(of: K.withoutReceipt("CB-1", refund: 100, customer: nil), sale: nil, at: at)
                == nil)
        let counted = ReturnIntake.receiptlessCount(of: K.withoutReceipt("CB-1", refund: 100), sale: nil, at: at)
        #expect(counted?.customer == "C-9")
        #expect(counted?.since == at.millis - 90 * Instant.millisPerDay)
    }
}
