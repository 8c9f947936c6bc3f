import ReturnsDomain
import Testing

/// A small store: a serial-tracked phone, a cable, a toothbrush (hygiene), and one receipt for them.
private enum L {
    static let cny = Currency("CNY")
    static func cny(_ minor: Int64) -> Money { Money(minor, cny) }
    static let vat = VATRate(basisPoints: 1300)
    static let soldAt = Instant.date(2025, 3, 1)
    static func day(_ n: Int) -> Instant { soldAt.adding(days: n) }

    static let catalog: [SKU: Product] = [
        "PH-1": Product(
            sku: "PH-1", name: "Phone", category: "phones", unitPrice: cny(200_000), unitCost: cny(120_000),
            vatRate: vat, serialTracked: true),
        "CB-1": Product(
            sku: "CB-1", name: "Cable", category: "accessories", unitPrice: cny(2_000), unitCost: cny(800),
            vatRate: vat),
        "TB-1": Product(
            sku: "TB-1", name: "Toothbrush", category: "hygiene", unitPrice: cny(1_500), unitCost: cny(500),
            vatRate: vat),
    ]

    /// Line 1: two phones; line 2: three cables sold at a discount; line 3: a toothbrush; line 4: a
    /// product since removed from the catalog.
    static let sale = Sale(
        id: "S-01-0042", store: "S-01", customer: "C-7", soldAt: soldAt, currency: cny,
        lines: [
            SaleLine(
                line: 1, sku: "PH-1", quantity: 2, unitPrice: cny(199_000), unitCost: cny(118_000), vatRate: vat,
                lot: "L-9", serials: ["SN1", "SN2"]),
            SaleLine(line: 2, sku: "CB-1", quantity: 3, unitPrice: cny(1_800), unitCost: cny(750), vatRate: vat),
            SaleLine(line: 3, sku: "TB-1", quantity: 1, unitPrice: cny(1_500), unitCost: cny(500), vatRate: vat),
            SaleLine(line: 4, sku: "OLD-1", quantity: 1, unitPrice: cny(900), unitCost: cny(300), vatRate: vat),
        ],
        tenders: [TenderPayment(tender: .cash, amount: cny(403_800))])

    static let policy: ReturnPolicy = {
        var p = ReturnPolicy.standard(currency: cny)
        p.nonReturnableCategories = ["hygiene"]
        p.restockingFee = .percent(basisPoints: 1_000)
        return p
    }()

    static func request(
        receipt: Bool = true, lines: [RequestedLine], alreadyReturned: [Int: Int] = [:], at: Instant = day(2),
        receiptlessBefore: Int = 0, policy: ReturnPolicy = policy
    ) throws(DomainError) -> (DomainEvent, PolicyVerdict) {
        try ReturnDesk.requestReturn(
            id: "R-02-0001", store: "S-02", sale: receipt ? sale : nil, customer: nil, type: .refund,
            method: .counter, lines: lines, alreadyReturned: alreadyReturned, product: { catalog[$0] },
            policy: EffectivePolicy(document: policy), receiptlessReturnsLast90Days: receiptlessBefore, at: at,
            trackingNumber: "TRK-1")
    }

    /// Two phones and three cables, as a recorded request.
    static let opened: ReturnRequest = {
        let lines = [
            RequestedLine(saleLine: 1, quantity: 2, reason: .defective, condition: .used, serials: ["SN1", "SN2"]),
            RequestedLine(saleLine: 2, quantity: 3, reason: .defective, condition: .used),
        ]
        guard case .returnRequested(let r) = try! request(lines: lines).0 else { fatalError("not a request") }
        return r
    }()

    /// A requested line in a few words, for the tables.
    static func ask(
        _ saleLine: Int?, _ quantity: Int = 1, sku: SKU? = nil, reason: ReasonCode = .changedMind,
        serials: [String] = [], refund: Int64? = nil, currency: Currency = cny
    ) -> RequestedLine {
        RequestedLine(
            saleLine: saleLine, sku: sku, quantity: quantity, reason: reason, condition: .unopened, serials: serials,
            unitRefund: refund.map { Money($0, currency) })
    }

    /// The code of the error `body` throws, or nil when it succeeds.
    static func errorCode<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as DomainError {
            return error.code
        } catch {
            return "unexpected: \(error)"
        }
    }
}

@Suite struct ReturnLifecycleTests {
    // MARK: Opening a return

    @Test("a return against a receipt copies price, cost, VAT and lot from the sale line")
    func receipted() throws {
        let (event, verdict) = try L.request(lines: [
            RequestedLine(
                saleLine: 1, sku: "PH-1", quantity: 1, reason: .changedMind, condition: .unopened, serials: ["SN2"]),
            RequestedLine(saleLine: 2, quantity: 2, reason: .defective, condition: .damaged),
        ])
        guard case .returnRequested(let r) = event else { Issue.record("expected a request, got \(event)"); return }
        #expect(verdict.decision == .needsApproval)
        #expect(r.policyNotes == ["policy.approvalThreshold"])
        #expect(r.restockingFee == L.cny(19_900))  // 10 % of the phone; the faulty cables pay none
        #expect(r.sale == "S-01-0042" && r.saleStore == "S-01" && r.store == "S-02" && r.customer == "C-7")
        #expect(r.requestedAt == L.day(2) && r.trackingNumber == "TRK-1" && r.currency == L.cny)
        #expect(
            r.lines == [
                ReturnLine(
                    line: 1, saleLine: 1, sku: "PH-1", quantity: 1, unitRefund: L.cny(199_000),
                    unitCost: L.cny(118_000), vatRate: L.vat, reason: .changedMind, condition: .unopened, lot: "L-9",
                    serials: ["SN2"]),
                ReturnLine(
                    line: 2, saleLine: 2, sku: "CB-1", quantity: 2, unitRefund: L.cny(1_800), unitCost: L.cny(750),
                    vatRate: L.vat, reason: .defective, condition: .damaged),
            ])
    }

    @Test("a receipt-less return refunds the given price and carries catalog cost")
    func receiptless() throws {
        let (event, verdict) = try L.request(
            receipt: false,
            lines: [
                RequestedLine(
                    sku: "CB-1", quantity: 2, reason: .changedMind, condition: .unopened, unitRefund: L.cny(1_500))
            ])
        guard case .returnRequested(let r) = event else { Issue.record("expected a request"); return }
        #expect(verdict.isAllowed)
        #expect(r.isReceiptless && r.saleStore == nil && r.customer == nil)
        #expect(r.restockingFee == L.cny(300))
        #expect(r.lines.map(\.unitRefund) == [L.cny(1_500)] && r.lines.map(\.unitCost) == [L.cny(800)])
    }

    @Test("what is left after earlier returns can still come back")
    func partialAfterEarlierReturns() throws {
        let line = RequestedLine(saleLine: 2, quantity: 2, reason: .changedMind, condition: .unopened)
        #expect(L.errorCode { try L.request(lines: [line], alreadyReturned: [2: 1]) } == nil)
    }

    @Test("too many receipt-less returns are recorded, pending approval")
    func receiptlessFrequency() throws {
        let line = RequestedLine(
            sku: "CB-1", quantity: 1, reason: .changedMind, condition: .unopened, unitRefund: L.cny(900))
        let (_, verdict) = try L.request(receipt: false, lines: [line], receiptlessBefore: 2)
        #expect(verdict.needsApproval && verdict.codes == ["policy.receiptlessFrequency"])
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        var name: String
        var lines: [RequestedLine]
        var code: String
        var alreadyReturned: [Int: Int] = [:]
        var days = 2
        var testDescription: String { name }
        init(_ name: String, _ lines: [RequestedLine], _ code: String, already: [Int: Int] = [:], days: Int = 2) {
            (self.name, self.lines, self.code, self.alreadyReturned, self.days) = (name, lines, code, already, days)
        }
    }

    @Test(
        "bad input against a receipt is refused with a stable code",
        arguments: [
            BadRequest("no lines", [], "return.noLines"),
            BadRequest("zero quantity", [L.ask(2, 0)], "input.invalidQuantity"),
            BadRequest("negative quantity", [L.ask(2, -1)], "input.invalidQuantity"),
            BadRequest("a sale line the receipt lacks", [L.ask(9)], "return.unknownSaleLine"),
            BadRequest("no sale line", [L.ask(nil, sku: "CB-1")], "return.unknownSaleLine"),
            BadRequest("an SKU the sale line did not sell", [L.ask(2, sku: "PH-1")], "return.skuMismatch"),
            BadRequest("a product gone from the catalog", [L.ask(4)], "catalog.unknownSKU"),
            BadRequest("more than sold", [L.ask(2, 4)], "return.overReturn"),
            BadRequest("more than left after earlier returns", [L.ask(2, 2)], "return.overReturn", already: [2: 2]),
            BadRequest("one sale line over-returned by two lines", [L.ask(2, 2), L.ask(2, 2)], "return.overReturn"),
            BadRequest("a serial not sold on that line", [L.ask(1, serials: ["SN9"])], "return.serialMismatch"),
            BadRequest(
                "a serial given twice", [L.ask(1, serials: ["SN1"]), L.ask(1, serials: ["SN1"])],
                "return.serialMismatch"),
            BadRequest("fewer serials than units", [L.ask(1, 2, serials: ["SN1"])], "return.serialMismatch"),
            BadRequest("a serial-tracked product without serials", [L.ask(1)], "return.serialsRequired"),
            BadRequest("a unit refund against a receipt", [L.ask(2, refund: 100)], "return.unitRefundNotAllowed"),
            BadRequest("after the no-reason window", [L.ask(2)], "policy.windowExpired", days: 10),
            BadRequest("a hygiene product", [L.ask(3)], "policy.nonReturnableCategory"),
        ])
    func badReceipted(_ c: BadRequest) {
        let code = L.errorCode {
            try L.request(lines: c.lines, alreadyReturned: c.alreadyReturned, at: L.day(c.days))
        }
        #expect(code == c.code)
    }

    @Test(
        "bad input without a receipt is refused with a stable code",
        arguments: [
            BadRequest("a sale line", [L.ask(2, sku: "CB-1", refund: 100)], "return.unknownSaleLine"),
            BadRequest("no SKU", [L.ask(nil, refund: 100)], "input.missingSKU"),
            BadRequest("an unknown SKU", [L.ask(nil, sku: "XX-1", refund: 100)], "catalog.unknownSKU"),
            BadRequest("no unit refund", [L.ask(nil, sku: "CB-1")], "input.missingUnitRefund"),
            BadRequest(
                "no unit refund on a later line", [L.ask(nil, sku: "CB-1", refund: 100), L.ask(nil, sku: "CB-1")],
                "input.missingUnitRefund"),
            BadRequest("above the catalog price", [L.ask(nil, sku: "CB-1", refund: 2_001)], "return.refundAbovePrice"),
            BadRequest("a negative refund", [L.ask(nil, sku: "CB-1", refund: -1)], "input.invalidAmount"),
            BadRequest(
                "mixed currencies",
                [
                    L.ask(nil, sku: "CB-1", refund: 100),
                    L.ask(nil, sku: "CB-1", refund: 100, currency: Currency("EUR")),
                ],
                "money.currencyMismatch"),
            BadRequest(
                "a serial-tracked product without serials", [L.ask(nil, sku: "PH-1", reason: .defective, refund: 100)],
                "return.serialsRequired"),
            BadRequest(
                "above the value limit", [L.ask(nil, 3, sku: "CB-1", refund: 2_000)],
                "policy.receiptlessValueExceeded"),
        ])
    func badReceiptless(_ c: BadRequest) {
        #expect(L.errorCode { try L.request(receipt: false, lines: c.lines) } == c.code)
    }

    @Test("without a receipt nothing comes back where the policy requires one")
    func receiptRequired() {
        var policy = L.policy
        policy.receiptRequired = true
        let line = L.ask(nil, sku: "CB-1", reason: .defective, refund: 100)
        #expect(
            L.errorCode { try L.request(receipt: false, lines: [line], policy: policy) } == "policy.receiptRequired")
    }

    @Test("a denial names every denying reason in its message")
    func denialMessage() {
        do {
            _ = try L.request(lines: [L.ask(3)], at: L.day(10))
            Issue.record("expected a denial")
        } catch {
            #expect(error.code == "policy.nonReturnableCategory")
            #expect(error.message.contains("hygiene") && error.message.contains("10 day(s)"))
        }
    }

    // MARK: The status machine

    /// The only legal steps, written out independently of `ReturnAction.allowedFrom`.
    static let legal: [ReturnStatus: [ReturnAction: ReturnStatus]] = [
        .requested: [.approve: .approved, .reject: .rejected],
        .approved: [.receive: .received],
        .received: [.inspect: .inspected],
        .inspected: [.dispose: .disposed],
        .disposed: [.refund: .refunded, .exchange: .exchanged],
        .refunded: [.close: .closed],
        .exchanged: [.close: .closed],
        .rejected: [.close: .closed],
        .closed: [:],
    ]

    @Test(
        "every status × action: legal steps lead on, all others are return.illegalTransition",
        arguments: ReturnStatus.allCases, ReturnAction.allCases)
    func statusMachine(status: ReturnStatus, action: ReturnAction) {
        let next = Result { () throws(DomainError) in try status.next(after: action) }
        if let expected = Self.legal[status]?[action] {
            #expect(next == .success(expected))
        } else {
            #expect(next == .failure(DomainError.illegalTransition(from: status, action: action.pastTense)))
            #expect((try? next.get()) == nil)
        }
    }

    static let grades = [
        LineGrade(line: 1, grade: .a, quantity: 1), LineGrade(line: 1, grade: .b, quantity: 1),
        LineGrade(line: 2, grade: .d, quantity: 3),
    ]
    static let dispositions = [
        LineDisposition(line: 1, quantity: 1, disposition: .restock),
        LineDisposition(
            line: 1, quantity: 1, disposition: .refurbish(unitValue: L.cny(90_000), disclosure: "scratched")),
        LineDisposition(line: 2, quantity: 3, disposition: .scrap(reason: "crushed in transit")),
    ]

    /// Runs one desk command with a valid payload.
    static func perform(_ action: ReturnAction, from status: ReturnStatus) throws(DomainError) -> DomainEvent {
        let r = L.opened
        switch action {
        case .approve: return try ReturnDesk.approve(current: status, request: r, at: L.day(3))
        case .reject: return try ReturnDesk.reject(current: status, request: r, at: L.day(3), reason: "worn")
        case .receive: return try ReturnDesk.receive(current: status, request: r, at: L.day(4))
        case .inspect: return try ReturnDesk.inspect(current: status, request: r, at: L.day(5), grades: grades)
        case .dispose:
            return try ReturnDesk.dispose(
                current: status, request: r, grades: grades, dispositions: dispositions, at: L.day(6))
        case .close: return try ReturnDesk.close(current: status, request: r, at: L.day(9))
        case .refund, .exchange: throw DomainError.invalid("test.unsupported", "planned elsewhere")
        }
    }

    @Test(
        "the desk's commands follow the status machine from every status",
        arguments: ReturnStatus.allCases, [ReturnAction.approve, .reject, .receive, .inspect, .dispose, .close])
    func deskTransitions(status: ReturnStatus, action: ReturnAction) {
        let result = Result { () throws(DomainError) in try Self.perform(action, from: status) }
        switch result {
        case .success(let event):
            #expect(Self.legal[status]?[action] != nil)
            #expect(event.returnAction == action)
        case .failure(let error):
            #expect(Self.legal[status]?[action] == nil)
            #expect(error.code == "return.illegalTransition")
        }
    }

    @Test("the state is checked before the payload")
    func stateBeforePayload() {
        let code = L.errorCode {
            try ReturnDesk.inspect(current: .requested, request: L.opened, at: L.day(5), grades: [])
        }
        #expect(code == "return.illegalTransition")
    }

    @Test("a rejection needs a reason; receiving keeps the request's tracking number unless given one")
    func rejectAndReceive() throws {
        #expect(
            L.errorCode { try ReturnDesk.reject(current: .requested, request: L.opened, at: L.day(3), reason: " ") }
                == "return.reasonRequired")
        let kept = try ReturnDesk.receive(current: .approved, request: L.opened, at: L.day(4))
        #expect(kept == .returnReceived(at: L.day(4), trackingNumber: "TRK-1"))
        let given = try ReturnDesk.receive(current: .approved, request: L.opened, at: L.day(4), trackingNumber: "SF-2")
        #expect(given == .returnReceived(at: L.day(4), trackingNumber: "SF-2"))
    }

    // MARK: Inspection and disposition

    struct GradeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var grades: [LineGrade]
        var code: String?
        var testDescription: String { name }
        init(_ name: String, _ grades: [LineGrade], _ code: String?) {
            (self.name, self.grades, self.code) = (name, grades, code)
        }
    }

    private static func g(_ line: Int, _ grade: Grade, _ quantity: Int) -> LineGrade {
        LineGrade(line: line, grade: grade, quantity: quantity)
    }

    @Test(
        "inspection grades every unit of every line exactly once",
        arguments: [
            GradeCase("all graded, split across grades", grades, nil),
            GradeCase("nothing graded", [], "return.gradesIncomplete"),
            GradeCase("a unit short", [g(1, .a, 2), g(2, .a, 2)], "return.gradesIncomplete"),
            GradeCase("a unit too many", [g(1, .a, 2), g(2, .a, 4)], "return.gradesIncomplete"),
            GradeCase("a line the return lacks", grades + [g(3, .a, 1)], "return.unknownLine"),
            GradeCase("a zero quantity", grades + [g(2, .c, 0)], "input.invalidQuantity"),
        ])
    func inspect(_ c: GradeCase) {
        let code = L.errorCode {
            try ReturnDesk.inspect(current: .received, request: L.opened, at: L.day(5), grades: c.grades)
        }
        #expect(code == c.code)
    }

    struct DisposeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var dispositions: [LineDisposition]
        var code: String?
        var grades: [LineGrade]
        var testDescription: String { name }
        init(
            _ name: String, _ dispositions: [LineDisposition], _ code: String?,
            grades: [LineGrade] = ReturnLifecycleTests.grades
        ) {
            (self.name, self.dispositions, self.code, self.grades) = (name, dispositions, code, grades)
        }
    }

    private static func d(_ line: Int, _ quantity: Int, _ disposition: Disposition) -> LineDisposition {
        LineDisposition(line: line, quantity: quantity, disposition: disposition)
    }
    private static func refurbish(_ value: Int64, _ disclosure: String = "scratched", currency: Currency = L.cny)
        -> LineDisposition
    {
        d(1, 1, .refurbish(unitValue: Money(value, currency), disclosure: disclosure))
    }
    private static let restock = d(1, 1, .restock)
    private static let scrap = d(2, 3, .scrap(reason: "crushed in transit"))

    @Test(
        "dispositions match the grades and carry what each needs",
        arguments: [
            DisposeCase("as graded", dispositions, nil),
            DisposeCase("B-grade at full cost", [restock, refurbish(118_000), scrap], nil),
            DisposeCase("B-grade at zero", [restock, refurbish(0), scrap], nil),
            DisposeCase("a graded unit left over", [restock, refurbish(1)], "return.dispositionMismatch"),
            DisposeCase("a disposition of another grade", [d(1, 2, .restock), scrap], "return.dispositionMismatch"),
            DisposeCase("a line the return lacks", dispositions + [d(3, 1, .restock)], "return.dispositionMismatch"),
            DisposeCase("a zero quantity", dispositions + [d(1, 0, .restock)], "input.invalidQuantity"),
            DisposeCase("B-grade above cost", [restock, refurbish(118_001), scrap], "return.invalidRefurbishValue"),
            DisposeCase("B-grade below zero", [restock, refurbish(-1), scrap], "return.invalidRefurbishValue"),
            DisposeCase(
                "B-grade in another currency", [restock, refurbish(10, currency: Currency("EUR")), scrap],
                "money.currencyMismatch"),
            DisposeCase(
                "B-grade without disclosure", [restock, refurbish(10, ""), scrap], "return.disclosureRequired"),
            DisposeCase(
                "scrap without a reason", [restock, refurbish(10), d(2, 3, .scrap(reason: "  "))],
                "return.scrapReasonRequired"),
            DisposeCase(
                "repair and vendor return",
                [
                    d(1, 2, .repair(order: "RO-1", technician: "Wang")),
                    d(2, 3, .returnToVendor(vendor: "V-1", rma: nil)),
                ],
                nil, grades: [g(1, .c, 2), g(2, .vendorDefect, 3)]),
            DisposeCase(
                "repair without a technician", [d(1, 2, .repair(order: "RO-1", technician: ""))],
                "return.technicianRequired", grades: [g(1, .c, 2)]),
            DisposeCase(
                "vendor return without a vendor", [d(2, 3, .returnToVendor(vendor: "", rma: nil))],
                "return.vendorRequired", grades: [g(2, .vendorDefect, 3)]),
        ])
    func dispose(_ c: DisposeCase) {
        let code = L.errorCode {
            try ReturnDesk.dispose(
                current: .inspected, request: L.opened, grades: c.grades, dispositions: c.dispositions, at: L.day(6))
        }
        #expect(code == c.code)
    }

    @Test("a whole return from request to close, each step from the status the last one left")
    func walkthrough() throws {
        var status = ReturnStatus.requested
        for action in [ReturnAction.approve, .receive, .inspect, .dispose] {
            let event = try Self.perform(action, from: status)
            #expect(event.returnAction == action)
            status = try status.next(after: action)
        }
        #expect(status == .disposed)
        #expect(try Self.perform(.close, from: .refunded) == .returnClosed(at: L.day(9)))
    }
}
