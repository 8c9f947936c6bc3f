/// The double-entry postings of every step. Each function returns balanced entries; the fold
/// attaches them to the record that caused them.
public enum Postings {
    /// A sale: tenders in; revenue and VAT out; inventory to cost of goods sold at cost.
    public static func sale(_ sale: Sale) -> [JournalEntry] {
        let c = sale.currency
        var lines: [JournalLine] = sale.tenders.map { .debit(Account.forTender($0.tender), $0.amount) }
        var net: Int64 = 0
        var vat: Int64 = 0
        var cost: Int64 = 0
        for l in sale.lines {
            let split = l.vatRate.split(gross: l.gross)
            net += split.net.minor
            vat += split.vat.minor
            cost += l.unitCost.minor * Int64(l.quantity)
        }
        lines += [.credit(.salesRevenue, Money(net, c)), .credit(.vatPayable, Money(vat, c))]
        lines += [.debit(.costOfGoodsSold, Money(cost, c)), .credit(.inventory, Money(cost, c))]
        return [
            JournalEntry(reference: "sale:\(sale.id)", store: sale.store, date: sale.soldAt, memo: "sale", lines: lines)
        ]
    }

    /// Goods received back: inventory returns at its original cost, at the store that took the
    /// goods in (`receivedAt`, the return's store when nil), against cost of goods sold at the
    /// store that sold them (``origin(of:)``). When the two differ, each books its half against
    /// ``Account/interStoreClearing`` so that each store's entry balances.
    public static func goodsReceived(_ r: ReturnRequest, at: Instant, receivedAt: StoreID? = nil) -> [JournalEntry] {
        let cost = Money(r.lines.reduce(0) { $0 + $1.cost.minor }, r.currency)
        func entry(_ store: StoreID, _ lines: [JournalLine]) -> JournalEntry {
            JournalEntry(
                reference: "return:\(r.id)/receive", store: store, date: at,
                memo: "returned goods back in inventory at cost", lines: lines)
        }
        let store = receivedAt ?? r.store
        let origin = origin(of: r)
        guard store != origin else {
            return [entry(store, [.debit(.inventory, cost), .credit(.costOfGoodsSold, cost)])]
        }
        return [
            entry(store, [.debit(.inventory, cost), .credit(.interStoreClearing, cost)]),
            entry(origin, [.debit(.interStoreClearing, cost), .credit(.costOfGoodsSold, cost)]),
        ]
    }

    /// The store or channel whose sale a return reverses: the selling store, or for a return
    /// without a receipt the store that takes it.
    public static func origin(of r: ReturnRequest) -> StoreID { r.saleStore ?? r.store }

    /// One step's entry: `reversal` (what undoes the sale) followed by `rest`, in one entry when
    /// the store acting (`store`) is the one that sold (`origin`); otherwise `reversal` at
    /// `origin` and `rest` at `store`, each balanced against ``Account/interStoreClearing``.
    static func split(
        reversal: [JournalLine], rest: [JournalLine], origin: StoreID, store: StoreID, reference: String,
        date: Instant, memo: String, currency: Currency
    ) -> [JournalEntry] {
        guard origin != store else {
            return [JournalEntry(reference: reference, store: store, date: date, memo: memo, lines: reversal + rest)]
        }
        // What the origin's lines leave unbalanced is what the acting store is owed by it, or owes.
        let owed = reversal.reduce(Int64(0)) { $0 + $1.amount.minor }
        return [
            JournalEntry(
                reference: reference, store: origin, date: date, memo: memo,
                lines: reversal + [JournalLine(.interStoreClearing, Money(-owed, currency))]),
            JournalEntry(
                reference: reference, store: store, date: date, memo: memo,
                lines: [JournalLine(.interStoreClearing, Money(owed, currency))] + rest),
        ]
    }

    /// Revenue and VAT reversed per line for `gross`, pro rata to each line's share of the return.
    static func revenueReversal(_ r: ReturnRequest) -> (net: Money, vat: Money) {
        var net: Int64 = 0
        var vat: Int64 = 0
        for l in r.lines {
            let split = l.vatRate.split(gross: l.gross)
            net += split.net.minor
            vat += split.vat.minor
        }
        return (Money(net, r.currency), Money(vat, r.currency))
    }

    /// A refund: sales returns and VAT reversed, money out on each tender, the restocking fee kept as income.
    ///
    /// The reversal of revenue and VAT belongs to the store or channel that sold (DESIGN §2); the
    /// money goes out where the customer stands (the refund's `store`, else the return's), which
    /// also keeps the fee. When they differ, each books its side against the clearing account.
    public static func refund(_ r: ReturnRequest, _ refund: Refund) -> [JournalEntry] {
        let rev = revenueReversal(r)
        var lines: [JournalLine] = refund.allocations.map { .credit(Account.forTender($0.tender), $0.amount) }
        lines.append(.credit(.restockingFeeIncome, refund.restockingFee))
        // Any rounding gap between the goods' value and what was paid plus fee is fee income too,
        // so the entry always balances and the gap is visible in the fee account.
        let gap = rev.net.minor + rev.vat.minor - refund.paidOut.minor - refund.restockingFee.minor
        if gap != 0 { lines.append(JournalLine(.restockingFeeIncome, Money(-gap, r.currency))) }
        return split(
            reversal: [.debit(.salesReturns, rev.net), .debit(.vatPayable, rev.vat)], rest: lines,
            origin: origin(of: r), store: refund.store ?? r.store, reference: refundReference(r, refund),
            date: refund.refundedAt, memo: "refund", currency: r.currency)
    }

    /// The journal reference of a refund: `return:RT-S01-000007/refund`, followed by its credit
    /// note's number when it has one (`…/refund/CN-S01-000003`), so an accountant can tie the
    /// entry to the document the customer holds.
    public static func refundReference(_ r: ReturnRequest, _ refund: Refund) -> String {
        "return:\(r.id)/refund" + (refund.creditNote.map { "/\($0)" } ?? "")
    }

    /// An exchange: the returned goods' sale is reversed (at the store that sold them), the new
    /// goods are sold, the difference is settled on one tender either way (at the return's store).
    public static func exchange(_ r: ReturnRequest, _ x: Exchange) -> [JournalEntry] {
        let c = r.currency
        let rev = revenueReversal(r)
        var newNet: Int64 = 0
        var newVat: Int64 = 0
        var newCost: Int64 = 0
        for l in x.outLines {
            let split = l.vatRate.split(gross: l.gross)
            newNet += split.net.minor
            newVat += split.vat.minor
            newCost += l.unitCost.minor * Int64(l.quantity)
        }
        var lines: [JournalLine] = [
            .credit(.salesRevenue, Money(newNet, c)), .credit(.vatPayable, Money(newVat, c)),
            .credit(.restockingFeeIncome, x.restockingFee),
            // The customer pays the difference (debit the tender) or is paid it (credit the tender).
            .debit(Account.forTender(x.settlementTender), x.difference),
        ]
        let gap = rev.net.minor + rev.vat.minor + x.difference.minor - newNet - newVat - x.restockingFee.minor
        if gap != 0 { lines.append(JournalLine(.restockingFeeIncome, Money(-gap, c))) }
        lines += [.debit(.costOfGoodsSold, Money(newCost, c)), .credit(.inventory, Money(newCost, c))]
        return split(
            reversal: [.debit(.salesReturns, rev.net), .debit(.vatPayable, rev.vat)], rest: lines,
            origin: origin(of: r), store: r.store, reference: "return:\(r.id)/exchange", date: x.exchangedAt,
            memo: "exchange", currency: c)
    }

    /// Dispositions: B-grade write-down to resale value, scrap written off, vendor returns to a receivable.
    /// Restock and repair post nothing here (repair cost posts when the repair completes).
    /// Booked at the store holding the goods (`store`, where they were received; the return's
    /// store when nil).
    public static func disposal(
        _ r: ReturnRequest, _ dispositions: [LineDisposition], at: Instant, store: StoreID? = nil
    ) -> [JournalEntry] {
        var lines: [JournalLine] = []
        for d in dispositions {
            guard let line = r.line(d.line) else { continue }
            let cost = line.unitCost.times(d.quantity)
            switch d.disposition {
            case .restock, .repair:
                break
            case .refurbish(let unitValue, _):
                let down = Money(max(0, line.unitCost.minor - unitValue.minor) * Int64(d.quantity), r.currency)
                lines += [.debit(.bGradeWriteDown, down), .credit(.inventory, down)]
            case .scrap:
                lines += [.debit(.scrapWriteOff, cost), .credit(.inventory, cost)]
            case .returnToVendor:
                lines += [.debit(.vendorReceivable, cost), .credit(.inventory, cost)]
            }
        }
        // A refurbish at or above cost writes down nothing: no entry rather than an empty one.
        guard lines.contains(where: { !$0.amount.isZero }) else { return [] }
        return [
            JournalEntry(
                reference: "return:\(r.id)/dispose", store: store ?? r.store, date: at, memo: "disposition",
                lines: lines)
        ]
    }

    /// A finished repair: its cost is expensed (owed to the technician or parts supplier); an
    /// unrepairable unit is written off at cost.
    public static func repairCompleted(_ o: RepairOrder, outcome: RepairOutcome, totalCost: Money, at: Instant)
        -> [JournalEntry]
    {
        var lines: [JournalLine] = [.debit(.repairExpense, totalCost), .credit(.accountsPayable, totalCost)]
        if case .unrepairable = outcome {
            let cost = o.unitCost.times(o.quantity)
            lines += [.debit(.scrapWriteOff, cost), .credit(.inventory, cost)]
        }
        return [
            JournalEntry(
                reference: "repair:\(o.id)/complete", store: o.store, date: at, memo: "repair completed", lines: lines)
        ]
    }

    /// Goods bought in: inventory against accounts payable.
    public static func inventoryReceived(_ r: InventoryReceipt, reference: String) -> [JournalEntry] {
        let cost = r.unitCost.times(r.quantity)
        return [
            JournalEntry(
                reference: reference, store: r.store, date: r.receivedAt, memo: "goods received",
                lines: [.debit(.inventory, cost), .credit(.accountsPayable, cost)])
        ]
    }

    /// A stock adjustment at cost: a write-off or damage to the write-off account, an issue at no
    /// charge to samples and replacements, goods found against inventory variance.
    public static func stockAdjustment(_ a: StockAdjustment, reference: String) -> [JournalEntry] {
        let value = a.unitCost.times(a.quantity)
        let (other, memo): (Account, String) =
            switch a.reason {
            case .damaged: (.scrapWriteOff, "stock damaged")
            case .writeOff: (.scrapWriteOff, "stock written off")
            case .zeroValueIssue: (.samplesAndReplacements, "stock issued at no charge")
            case .found: (.inventoryVariance, "stock found")
            }
        let lines: [JournalLine] =
            a.isIncoming
            ? [.debit(.inventory, value), .credit(other, value)] : [.debit(other, value), .credit(.inventory, value)]
        return [JournalEntry(reference: reference, store: a.store, date: a.adjustedAt, memo: memo, lines: lines)]
    }

    /// A stock-take variance: gains and losses at cost against the variance account.
    public static func stockCount(_ c: StockCount, reference: String) -> [JournalEntry] {
        let value = c.unitCost.times(c.variance)
        return [
            JournalEntry(
                reference: reference, store: c.store, date: c.countedAt, memo: "stock-take variance",
                lines: [.debit(.inventory, value), .credit(.inventoryVariance, value)])
        ]
    }
}
