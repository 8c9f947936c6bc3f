import Replication
import ReturnsDomain
import Testing

/// Each conflict rule of the fold, on a small hand-written history.
@Suite struct ConflictRuleTests {
    let a = NodeID("node-A")
    let b = NodeID("node-B")
    let ret = RecordKey.returnOrder("RT-1")
    let at = ScenarioBuilder.at

    @Test("concurrent approve and reject: the earlier by HLC wins and a conflict is raised")
    func approveVersusReject() {
        var s = ScenarioBuilder()
        let req = s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A")))
        let approve = s.author(a, ret, .returnApproved(at: at, note: nil), seen: [req])
        let reject = s.author(b, ret, .returnRejected(at: at, reason: "no receipt"), seen: [req])
        for order in [s.events, s.events.reversed()] {
            let state = ReplicaState.fold(order)
            #expect(state.returnOrder("RT-1")?.status == .approved)
            #expect(state.returnOrder("RT-1")?.rejected == false)
            let conflict = state.exceptions.first { $0.code == "conflict.concurrentTransition" }
            #expect(conflict?.dots == [approve.dot, reject.dot])
        }
    }

    @Test("a reject that happened after seeing the approval is a plain illegal step, not a conflict")
    func causalIllegalStep() {
        var s = ScenarioBuilder()
        let req = s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A")))
        let approve = s.author(a, ret, .returnApproved(at: at, note: nil), seen: [req])
        s.author(b, ret, .returnRejected(at: at, reason: "late"), seen: [req, approve])
        let state = ReplicaState.fold(s.events)
        #expect(state.exceptions.map(\.code) == ["event.illegalTransition"])
    }

    @Test("two concurrent refunds of one return: both payouts are booked and flagged")
    func duplicateRefund() throws {
        var s = ScenarioBuilder()
        var seen: [Event] = []
        seen.append(s.author(b, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale())))
        seen.append(s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A"))))
        for p: DomainEvent in [
            .returnApproved(at: at, note: nil), .returnReceived(at: at, trackingNumber: nil),
            .returnInspected(at: at, grades: [LineGrade(line: 1, grade: .a, quantity: 1)]),
            .returnDisposed(at: at, dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
        ] {
            seen.append(s.author(a, ret, p, seen: seen))
        }
        let first = s.author(a, ret, .refundIssued(ScenarioBuilder.refund(5_000)), seen: seen)
        let second = s.author(b, ret, .refundIssued(ScenarioBuilder.refund(5_000)), seen: seen)
        let state = ReplicaState.fold(s.events.shuffled())
        let r = try #require(state.returnOrder("RT-1"))
        #expect(r.status == .refunded)
        #expect(r.refunds.count == 2)
        #expect(
            (state.ledger[LedgerKey(account: .cardClearing, currency: ScenarioBuilder.eur)] ?? 0) == 0,
            "card: +100.00 sale, -50.00 twice")
        let conflict = try #require(state.exceptions.first { $0.code == "conflict.duplicateRefund" })
        #expect(conflict.dots == [first.dot, second.dot])
    }

    @Test("two concurrent dispositions of one unit: only the winner moves stock")
    func duplicateDisposition() {
        var s = ScenarioBuilder()
        var seen: [Event] = [
            s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A", sale: nil)))
        ]
        for p: DomainEvent in [
            .returnApproved(at: at, note: nil), .returnReceived(at: at, trackingNumber: nil),
            .returnInspected(at: at, grades: [LineGrade(line: 1, grade: .a, quantity: 1)]),
        ] {
            seen.append(s.author(a, ret, p, seen: seen))
        }
        s.author(
            a, ret,
            .returnDisposed(at: at, dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
            seen: seen)
        s.author(
            b, ret,
            .returnDisposed(
                at: at, dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .scrap(reason: "cracked"))]),
            seen: seen)
        let state = ReplicaState.fold(s.events.reversed())
        #expect(state.stock(store: "S-A", location: .sellable, sku: "SKU-1") == 1)
        #expect(state.stock(store: "S-A", location: .scrap, sku: "SKU-1") == 0)
        #expect(state.stock(store: "S-A", location: .pendingInspection, sku: "SKU-1") == 0)
        #expect(state.exceptions.map(\.code) == ["conflict.duplicateDisposition"])
    }

    @Test("two stores offline both take back the last unit: an over-return exception, nothing dropped")
    func overReturnAcrossStores() {
        var s = ScenarioBuilder()
        let sale = s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 1)))
        s.author(a, .returnOrder("RT-A"), .returnRequested(ScenarioBuilder.request("RT-A", store: "S-A")), seen: [sale])
        s.author(b, .returnOrder("RT-B"), .returnRequested(ScenarioBuilder.request("RT-B", store: "S-B")), seen: [sale])
        let state = ReplicaState.fold(s.events)
        #expect(state.returned[SaleLineKey(sale: "R-A-1", line: 1)] == 2)
        #expect(state.returnableQuantity(sale: "R-A-1", line: 1) == 0)
        #expect(state.exceptions.map(\.code) == ["return.overReturn"])
        #expect(state.returnHistory(of: "C-1").count == 2)
    }

    @Test("a rejected return frees its quantity again")
    func rejectFreesQuantity() {
        var s = ScenarioBuilder()
        s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 2)))
        let req = s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A", quantity: 2)))
        var state = ReplicaState.fold(s.events)
        #expect(state.returnableQuantity(sale: "R-A-1", line: 1) == 0)
        state.apply(s.author(a, ret, .returnRejected(at: at, reason: "worn"), seen: [req]))
        #expect(state.returnableQuantity(sale: "R-A-1", line: 1) == 2)
    }

    @Test("the same serial returned at two stores is flagged")
    func serialReturnedTwice() {
        var s = ScenarioBuilder()
        s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 2, serials: ["SN1", "SN2"])))
        s.author(
            a, .returnOrder("RT-A"), .returnRequested(ScenarioBuilder.request("RT-A", store: "S-A", serials: ["SN1"])))
        s.author(
            b, .returnOrder("RT-B"), .returnRequested(ScenarioBuilder.request("RT-B", store: "S-B", serials: ["SN1"])))
        #expect(ReplicaState.fold(s.events).exceptions.map(\.code) == ["return.serialReturnedTwice"])
    }

    @Test("an event whose predecessor has not arrived waits, then applies")
    func pendingUntilPredecessorArrives() {
        var s = ScenarioBuilder()
        let req = s.author(a, ret, .returnRequested(ScenarioBuilder.request("RT-1", store: "S-A", sale: nil)))
        let approve = s.author(b, ret, .returnApproved(at: at, note: nil), seen: [req])
        var state = ReplicaState()
        state.apply(approve)
        #expect(state.pendingDots == [approve.dot])
        #expect(state.exceptions.isEmpty)
        state.apply(req)
        #expect(state.pendingDots.isEmpty)
        #expect(state.returnOrder("RT-1")?.status == .approved)
    }

    @Test("the same dot with different content is refused; the same event twice is a no-op")
    func dotConflict() {
        var s = ScenarioBuilder()
        let e = s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale()))
        var forged = e
        forged.payload = .saleRecorded(ScenarioBuilder.sale(quantity: 5))
        var state = ReplicaState()
        #expect(state.apply(e) == .applied)
        let before = state
        #expect(state.apply(e) == .duplicate)
        #expect(state.apply(forged) == .conflictingDot)
        #expect(state == before)
    }

    @Test("one receipt number minted twice keeps the first sale and raises a review exception")
    func duplicateReceipt() {
        var s = ScenarioBuilder()
        s.author(a, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 1)))
        s.author(b, .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale(quantity: 3)))
        let state = ReplicaState.fold(s.events.reversed())
        #expect(state.sale("R-A-1")?.lines[0].quantity == 1)
        #expect(state.exceptions.map(\.code) == ["conflict.duplicateRecord"])
    }

    @Test("customer fields: per-field last writer wins; a concurrent edit is recorded")
    func customerFieldLWW() throws {
        var s = ScenarioBuilder()
        let c = RecordKey.customer("C-1")
        let reg = s.author(a, c, .customerRegistered(Customer(id: "C-1", name: "Li", phone: "111")))
        s.author(a, c, .customerFieldChanged(customer: "C-1", field: .phone, value: "222"), seen: [reg])
        s.author(
            b, c, .customerFieldChanged(customer: "C-1", field: .phone, value: "333"), seen: [reg], wallOffset: 5_000)
        s.author(b, c, .customerFieldChanged(customer: "C-1", field: .email, value: "li@example.com"), seen: [reg])
        let state = ReplicaState.fold(s.events)
        let customer = try #require(state.records[c]?.customer)
        #expect(customer.name == "Li")
        #expect(customer.phone == "333")
        #expect(customer.email == "li@example.com")
        #expect(state.exceptions.map(\.code) == ["conflict.concurrentEdit"])
        #expect(state.exceptions.allSatisfy { $0.severity == .info })
    }

    @Test("store credit spent twice offline shows as overdrawn")
    func storeCreditOverdrawn() {
        var s = ScenarioBuilder()
        let eur = ScenarioBuilder.eur
        s.author(
            a, .storeCredit("C-1"),
            .storeCreditAdjusted(customer: "C-1", store: "S-A", amount: Money(1_000, eur), memo: "goodwill", at: at))
        for (node, id) in [(a, "R-A-9"), (b, "R-B-9")] {
            let line = SaleLine(
                line: 1, sku: "SKU-1", quantity: 1, unitPrice: Money(1_000, eur), unitCost: Money(500, eur),
                vatRate: VATRate(basisPoints: 2000))
            let sale = Sale(
                id: SaleID(id), store: "S-A", customer: "C-1", soldAt: at, currency: eur, lines: [line],
                tenders: [TenderPayment(tender: .storeCredit, amount: Money(1_000, eur))])
            s.author(node, .sale(SaleID(id)), .saleRecorded(sale))
        }
        let state = ReplicaState.fold(s.events)
        #expect(state.storeCreditBalance(of: "C-1", currency: eur) == Money(-1_000, eur))
        #expect(state.exceptions.map(\.code) == ["storeCredit.overdrawn"])
    }

    @Test("a failed repair moves the unit to scrap and writes it off")
    func repairUnrepairable() {
        var s = ScenarioBuilder()
        let key = RecordKey.repairOrder("RO-1")
        let eur = ScenarioBuilder.eur
        let order = RepairOrder(
            id: "RO-1", returnID: "RT-1", store: "S-A", sku: "SKU-1", quantity: 1, unitCost: Money(3_000, eur),
            technician: "Wang", openedAt: at)
        let open = s.author(a, key, .repairOpened(order))
        s.author(
            a, key, .repairCompleted(at: at, outcome: .unrepairable(reason: "board"), totalCost: Money(400, eur)),
            seen: [open])
        let state = ReplicaState.fold(s.events)
        #expect(state.stock(store: "S-A", location: .repair, sku: "SKU-1") == -1)
        #expect(state.stock(store: "S-A", location: .scrap, sku: "SKU-1") == 1)
        #expect(state.ledger[LedgerKey(account: .scrapWriteOff, currency: eur)] == 3_000)
        #expect(state.ledger[LedgerKey(account: .repairExpense, currency: eur)] == 400)
    }
}
