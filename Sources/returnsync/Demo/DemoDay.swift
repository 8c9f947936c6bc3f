import Foundation
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain

/// The scripted day of `returnsync demo`: one store, its desk, its warehouse and its manager.
struct DemoDay {
    let folder: URL
    let currency = Currency("EUR")
    let desk = StaffID("ana.desk")
    let manager = StaffID("marc.manager")
    let warehouse = StaffID("li.warehouse")

    func eur(_ minor: Int64) -> Money { Money(minor, currency) }

    func say(_ text: String) { Output.print("· " + text) }

    func heading(_ text: String) { Output.print("\n== \(text) ==\n") }

    /// Runs the day and prints the results; returns the verification report.
    func run() async throws -> VerificationReport {
        let identity = NodeIdentity(
            node: NodeID(Identifiers.mintNodeID(store: "DEMO-01")), store: StoreID("DEMO-01"), currency: currency)
        let database = try NodeDatabase.create(in: folder, identity: identity)
        let node = NodeService(database: database)
        heading("A day at store \(identity.store) (node \(identity.node))")

        try await setUp(node)
        try await sell(node)
        try await takeReturns(node)
        try await report(node)

        heading("node verify")
        let verification = try database.verify()
        var fields = Fields()
        fields.add("integrity_check", verification.integrity)
        fields.add("events", String(verification.events))
        fields.add("outbox", "\(verification.outbox) (waiting for the hub)")
        fields.add("mismatches", String(verification.mismatches.count))
        Output.print(fields.render())
        for m in verification.mismatches { Output.print("  " + m) }
        Output.print(verification.isOK ? "OK" : "NOT OK")
        return verification
    }

    func setUp(_ node: NodeService) async throws {
        let vat = VATRate(basisPoints: 2000)
        let products = [
            ReturnsDomain.Product(
                sku: "HP-100", name: "Wireless headphones", category: "audio", unitPrice: eur(7990),
                unitCost: eur(4100), vatRate: vat),
            ReturnsDomain.Product(
                sku: "LAP-14", name: "Laptop 14 inch", category: "computers", unitPrice: eur(129_900),
                unitCost: eur(95_000), vatRate: vat, serialTracked: true),
            ReturnsDomain.Product(
                sku: "KET-17", name: "Kettle 1.7 l", category: "kitchen", unitPrice: eur(3990), unitCost: eur(1850),
                vatRate: vat),
        ]
        for p in products { try await node.defineProduct(p, staff: manager) }
        say("catalog: \(products.map { "\($0.sku) \($0.name) \($0.unitPrice)" }.joined(separator: "; "))")
        for (sku, quantity) in [("HP-100", 20), ("LAP-14", 5), ("KET-17", 12)] {
            try await node.receiveInventory(
                sku: SKU(sku), quantity: quantity, unitCost: nil, vendor: "ACME", staff: warehouse)
        }
        try await node.setReorderPoint(sku: "KET-17", minimum: 12, staff: manager)
        say("goods in: 20 × HP-100, 5 × LAP-14, 12 × KET-17; reorder point of KET-17 is 12")
        try await node.registerCustomer(
            ReturnsDomain.Customer(id: "C-0001", name: "Ana Lima", phone: "+33612345678"), staff: desk)
        try await node.registerCustomer(
            ReturnsDomain.Customer(id: "C-0002", name: "Tom Berg", phone: "+33698765432"), staff: desk)
    }

    func line(_ n: Int, _ sku: SKU, _ quantity: Int, _ price: Int64, _ cost: Int64, serials: [String] = []) -> SaleLine
    {
        SaleLine(
            line: n, sku: sku, quantity: quantity, unitPrice: eur(price), unitCost: eur(cost),
            vatRate: VATRate(basisPoints: 2000), serials: serials)
    }

    func sell(_ node: NodeService) async throws {
        let now = Instant(millis: TimeText.nowMillis())
        func sale(_ id: String, _ customer: CustomerID?, _ lines: [SaleLine], _ tenders: [TenderPayment])
            -> ReturnsDomain.Sale
        {
            ReturnsDomain.Sale(
                id: SaleID(id), store: "DEMO-01", customer: customer, soldAt: now, currency: currency, lines: lines,
                tenders: tenders)
        }
        let sales = [
            sale(
                "S-DEMO-0001", "C-0001", [line(1, "HP-100", 2, 7990, 4100)],
                [TenderPayment(tender: .card, amount: eur(15_980))]),
            sale(
                "S-DEMO-0002", "C-0002", [line(1, "LAP-14", 1, 129_900, 95_000, serials: ["SN-LAP-0001"])],
                [TenderPayment(tender: .card, amount: eur(129_900))]),
            sale(
                "S-DEMO-0003", nil, [line(1, "KET-17", 2, 3990, 1850)],
                [TenderPayment(tender: .cash, amount: eur(7980))]),
            sale(
                "S-DEMO-0004", nil, [line(1, "KET-17", 1, 3990, 1850), line(2, "HP-100", 1, 7990, 4100)],
                [TenderPayment(tender: .cash, amount: eur(5000)), TenderPayment(tender: .card, amount: eur(6980))]),
            sale(
                "S-DEMO-0005", "C-0001", [line(1, "HP-100", 1, 7990, 4100)],
                [TenderPayment(tender: .cash, amount: eur(7990))]),
        ]
        for s in sales {
            _ = try await node.recordSale(s, staff: desk)
            say("sale \(s.id): \(s.lines.map { "\($0.quantity) × \($0.sku)" }.joined(separator: ", ")), \(s.total)")
        }
    }

    /// Approves when the policy asked for a manager, then receives and inspects.
    func bringIn(_ node: NodeService, _ view: ReturnView, grade: Grade) async throws {
        if view.status == .requested {
            say(
                "\(view.id) needs approval (\(view.verdict?.codes.joined(separator: ", ") ?? "")): the manager approves"
            )
            _ = try await node.advance(view.id, .approve(note: "checked with the customer"), staff: manager)
        }
        _ = try await node.advance(view.id, .receive(trackingNumber: nil), staff: desk)
        _ = try await node.advance(
            view.id, .inspect(grades: [LineGrade(line: 1, grade: grade, quantity: 1)]), staff: warehouse)
    }

    func takeReturns(_ node: NodeService) async throws {
        func open(
            _ sale: SaleID, line: Int, _ reason: ReasonCode, _ condition: ItemCondition, type: ReturnType = .refund,
            serials: [String] = []
        ) async throws -> ReturnView {
            try await node.createReturn(
                CreateReturnCommand(
                    sale: sale, type: type,
                    lines: [
                        RequestedLine(
                            saleLine: line, quantity: 1, reason: reason, condition: condition, serials: serials)
                    ]),
                staff: desk)
        }

        let r1 = try await open("S-DEMO-0001", line: 1, .changedMind, .unopened)
        try await bringIn(node, r1, grade: .a)
        _ = try await node.advance(
            r1.id, .dispose(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
            staff: warehouse)
        let paid1 = try await node.advance(r1.id, .refund(method: .originalTender), staff: desk)
        _ = try await node.advance(r1.id, .close, staff: desk)
        say(
            "\(r1.id): headphones, changed mind, unopened → grade A, back to sellable, "
                + "\(paid1.refunds.last!.paidOut) to the card"
        )

        let r2 = try await open("S-DEMO-0002", line: 1, .defective, .openedComplete, serials: ["SN-LAP-0001"])
        try await bringIn(node, r2, grade: .c)
        _ = try await node.advance(
            r2.id,
            .dispose(dispositions: [
                LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "Lee"))
            ]), staff: warehouse)
        let paid2 = try await node.advance(r2.id, .refund(method: .originalTender), staff: desk)
        _ = try await node.advance(r2.id, .close, staff: desk)
        say(
            "\(r2.id): laptop SN-LAP-0001, defective → grade C, repair order opened, "
                + "\(paid2.refunds.last!.paidOut) to the card"
        )

        let r3 = try await open("S-DEMO-0004", line: 1, .changedMind, .openedComplete)
        try await bringIn(node, r3, grade: .b)
        _ = try await node.advance(
            r3.id,
            .dispose(dispositions: [
                LineDisposition(
                    line: 1, quantity: 1,
                    disposition: .refurbish(unitValue: eur(1500), disclosure: "box opened, unused"))
            ]), staff: warehouse)
        let paid3 = try await node.advance(r3.id, .refund(method: .originalTender), staff: desk)
        _ = try await node.advance(r3.id, .close, staff: desk)
        let split = paid3.refunds.last!.allocations.map { "\($0.amount) \($0.tender.rawValue)" }.joined(
            separator: " + ")
        say(
            "\(r3.id): kettle, opened → grade B, refurbished at 15.00 with disclosure, "
                + "refunded \(split) (split tender)"
        )

        let x = try await open("S-DEMO-0003", line: 1, .changedMind, .unopened, type: .exchange)
        try await bringIn(node, x, grade: .a)
        _ = try await node.advance(
            x.id, .dispose(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
            staff: warehouse)
        let swapped = try await node.advance(
            x.id, .exchange(items: [ExchangeItem(sku: "HP-100", quantity: 1)], settlement: .card), staff: desk)
        _ = try await node.advance(x.id, .close, staff: desk)
        say("\(x.id): kettle exchanged for headphones, customer pays \(swapped.exchanges.last!.difference) by card")
    }

    func report(_ node: NodeService) async throws {
        let (stock, returns, ledger, alerts) = try await node.read { reader in
            (try reader.stock(), try reader.returns(), try reader.ledger(), try reader.lowStockAlerts())
        }
        heading("Stock per location")
        Output.print(Render.stock(stock))
        heading("Returns")
        Output.print(Render.returnList(returns))
        heading("Low-stock alerts")
        var table = Table("SKU", "SELLABLE>", "MINIMUM>")
        for a in alerts { table.add(a.sku.rawValue, String(a.sellable), String(a.minimum)) }
        Output.print(table.render(empty: "none"))
        heading("Trial balance")
        Output.print(Render.trialBalance(TrialBalanceRow.rows(ledger)))
    }
}
