/// Taking in a return at any door — a store's desk or the online channel at the hub: which policy
/// applies, which earlier returns count, the request, and the approval when the policy allows the
/// return outright. The rule decides from plain inputs; each door only reads those inputs and
/// records the events it returns.
public enum ReturnIntake {
    /// The note on an approval the policy gave on its own, with no one asked.
    public static let policyApprovalNote = "policy allows"
    /// The id of the chain's default policy record; a store's own policy is under the store's id.
    public static let chainDefaultPolicyID = "default"
    /// How far back a customer's earlier receipt-less returns count.
    public static let receiptlessWindowMillis: Int64 = 90 * Instant.millisPerDay

    /// The policy records a door reads for `store`, in order of precedence.
    public static func policyIDs(for store: StoreID) -> [String] { [store.rawValue, chainDefaultPolicyID] }

    /// The policy that applies: the store's own, else the chain's default, else the standard
    /// policy in the sale's currency (the chain's currency for a return without a receipt).
    public static func policy(
        store: ReturnPolicy?, chainDefault: ReturnPolicy?, sale: Sale?, chainCurrency: Currency
    ) -> ReturnPolicy {
        store ?? chainDefault ?? .standard(currency: sale?.currency ?? chainCurrency)
    }

    /// The categories of the goods a submission returns (of the sale's lines, or the SKUs given
    /// without a receipt): the category rules a door reads.
    public static func categories(of submission: ReturnSubmission, sale: Sale?, product: (SKU) -> Product?)
        -> Set<String>
    {
        Set(
            submission.lines.compactMap { line -> String? in
                let sku = line.saleLine.flatMap { n in sale?.lines.first { $0.line == n }?.sku } ?? line.sku
                return sku.flatMap(product)?.category
            })
    }

    /// The policy in force for a return of `store` (a channel of `kind`) with goods of
    /// `categories` at `at`, its business date: the versioned rules (`EffectivePolicy.resolve`)
    /// over the whole policy `policy(store:chainDefault:sale:chainCurrency:)` gives. `rules` are
    /// the versions of the scopes `EffectivePolicy.scopes` names, as the door read them.
    public static func policy(
        store storePolicy: ReturnPolicy?, chainDefault: ReturnPolicy?, rules: [PolicyRule], of store: StoreID,
        kind: StoreKind?, categories: Set<String>, sale: Sale?, chainCurrency: Currency, at: Instant
    ) -> EffectivePolicy {
        EffectivePolicy.resolve(
            base: policy(store: storePolicy, chainDefault: chainDefault, sale: sale, chainCurrency: chainCurrency),
            rules: rules, store: store, kind: kind, categories: categories, at: at)
    }

    /// How far back history may be loaded: two years, so that a customer's return history and a
    /// year-on-year comparison come over from the earlier system; older records stay in its
    /// archive.
    public static let maxBackDateMillis: Int64 = 730 * Instant.millisPerDay
    /// How far ahead of the door's clock a business date may be (two tills' clocks disagree).
    public static let maxAheadMillis: Int64 = 5 * 60 * 1000

    /// The business date a return is taken at: `now`, or the date the submission gives for
    /// history loaded from an earlier system, which the policy then judges it at (its windows,
    /// the customer's receipt-less returns before it). The rule for back-dating: not more than
    /// ``maxBackDateMillis`` before `now`, not after it (``maxAheadMillis``), and not before the
    /// sale it returns (`history.backDated`).
    public static func businessDate(of submission: ReturnSubmission, sale: Sale?, now: Instant) throws(DomainError)
        -> Instant
    {
        guard let date = submission.businessDate else { return now }
        func refuse(_ why: String) -> DomainError { DomainError(code: "history.backDated", message: why) }
        guard date.millis <= now.millis + maxAheadMillis else {
            throw refuse("the return's business date is after today: give the day it happened")
        }
        guard now.millis - date.millis <= maxBackDateMillis else {
            throw refuse("history is loaded at most 730 days back; older returns stay in the earlier system")
        }
        if let sale, date < sale.soldAt {
            throw refuse("a return cannot happen before its sale (\(sale.id))")
        }
        return date
    }

    /// Whose earlier receipt-less returns count, and since when (ms): only a return without a
    /// receipt is limited by them, and only when the customer is known. Nil: count none.
    public static func receiptlessCount(
        of submission: ReturnSubmission, sale: Sale?, at: Instant
    ) -> (customer: CustomerID, since: Int64)? {
        guard sale == nil, let customer = submission.customer else { return nil }
        return (customer, at.millis - receiptlessWindowMillis)
    }

    /// What the intake decided: the request as recorded, the policy's verdict, and the events to
    /// record on the return in order (the request, then the approval when the policy allows).
    public struct Outcome: Hashable, Sendable {
        public var request: ReturnRequest
        public var verdict: PolicyVerdict
        public var events: [DomainEvent]
    }

    /// Takes in `submission` as return `id` of `store`, against `sale` (nil without a receipt; the
    /// door refuses a named sale it cannot find). `method` is the door's when the submission names
    /// none; the type defaults to a refund. `alreadyReturned`, `product` and the policy inputs are
    /// as `ReturnDesk.requestReturn` takes them. Throws the policy's refusal unless `refuseDenied`
    /// is false (a preview: never record that outcome's events).
    public static func take(
        _ submission: ReturnSubmission, id: ReturnID, store: StoreID, sale: Sale?, defaultMethod: ReturnMethod,
        alreadyReturned: [Int: Int], product: (SKU) -> Product?, policy: EffectivePolicy,
        receiptlessReturnsLast90Days: Int, at: Instant, refuseDenied: Bool = true
    ) throws(DomainError) -> Outcome {
        let (event, verdict) = try ReturnDesk.requestReturn(
            id: id, store: store, sale: sale, customer: submission.customer ?? sale?.customer,
            type: submission.type ?? .refund, method: submission.method ?? defaultMethod, lines: submission.lines,
            alreadyReturned: alreadyReturned, product: product, policy: policy,
            receiptlessReturnsLast90Days: receiptlessReturnsLast90Days, at: at,
            trackingNumber: submission.trackingNumber, refuseDenied: refuseDenied)
        guard case .returnRequested(let request) = event else {
            throw .invalid("return.internal", "the desk answered a request with \(event.kind)")
        }
        var events = [event]
        if verdict.isAllowed {
            events.append(
                try ReturnDesk.approve(current: .requested, request: request, at: at, note: policyApprovalNote))
        }
        return Outcome(request: request, verdict: verdict, events: events)
    }
}
