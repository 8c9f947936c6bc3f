import Foundation
import Replication
import ReturnsDomain

/// Writes an `Event` as JSON by hand: the same bytes `StreamingJSONEncoder` writes through Codable
/// (keys in declaration order, absent optionals left out, enums as Swift's synthesized Codable
/// shapes them), about ten times faster, because there are no containers, boxes or witness calls.
/// Encoding was the largest cost of storing an event (a third of a hub's merge, of a node's
/// return); the bytes are what replicas store and send, and `JSONDecoder` reads them back.
///
/// Two differences from Codable, both harmless: a context's entries are written sorted by node
/// (Codable writes a dictionary in hash order, which differs between processes), and the two rare
/// payloads with hand-written `Codable` (`policySet`, `storeDefined`) and head office's rare
/// `staffDefined` go through
/// `StreamingJSONEncoder`.
///
/// Guard: the writer names every stored property of every type it writes. `isCurrent` checks, once,
/// with `Mirror`, that those types still have exactly the properties it knows; if a property was
/// added, every event goes through `StreamingJSONEncoder` instead (nothing is lost) and the tests
/// (`EventJSONTests`) fail until the writer is brought up to date. A new `DomainEvent` case does not
/// compile until it is handled here.
enum EventJSON {
    /// The event's JSON.
    static func encode(_ e: Event) throws -> Data {
        guard isCurrent else { return try StreamingJSONEncoder.encode(e) }
        switch e.payload {
        case .policySet, .storeDefined, .staffDefined, .stockAdjusted, .policyPublished, .exceptionResolved,
            .abuseThresholdsSet:
            return try StreamingJSONEncoder.encode(e)
        default: break
        }
        var w = JSONBytes()
        w.event(e)
        return Data(w.bytes)
    }

    /// Whether the hand-written shapes still match the types (see the type's documentation).
    static let isCurrent: Bool = Shapes.check()
}

/// The stored properties the writer knows, per type, checked against `Mirror` of a sample value.
enum Shapes {
    static func check() -> Bool {
        let c = Currency("EUR")
        let m = Money(1, c)
        let at = Instant(millis: 1)
        let samples: [(Any, Int)] = [
            (
                Event(
                    dot: Dot(node: "n", seq: 1), record: RecordKey(.sale, "s"), context: VersionVector(),
                    hlc: HLCTimestamp(wall: 1), staff: "s", payload: .returnClosed(at: at)), 7
            ),
            (Dot(node: "n", seq: 1), 2),
            (HLCTimestamp(wall: 1), 2),
            (m, 2),
            (at, 1),
            (Sale(id: "s", store: "s", customer: nil, soldAt: at, currency: c, lines: [], tenders: []), 7),
            (SaleLine(line: 1, sku: "k", quantity: 1, unitPrice: m, unitCost: m, vatRate: VATRate(basisPoints: 1)), 9),
            (TenderPayment(tender: .cash, amount: m), 3),
            (Customer(id: "c"), 4),
            (InventoryReceipt(store: "s", sku: "k", quantity: 1, unitCost: m, receivedAt: at), 6),
            (
                StockCount(
                    store: "s", location: .sellable, sku: "k", expected: 1, counted: 1, unitCost: m, countedAt: at), 7
            ),
            (
                ReturnRequest(
                    id: "r", store: "s", sale: nil, saleStore: nil, customer: nil, type: .refund, method: .counter,
                    currency: c, lines: [], requestedAt: at, restockingFee: m), 14
            ),
            (
                ReturnLine(
                    line: 1, saleLine: nil, sku: "k", quantity: 1, unitRefund: m, unitCost: m,
                    vatRate: VATRate(basisPoints: 1), reason: .other, condition: .used), 12
            ),
            (LineGrade(line: 1, grade: .a, quantity: 1), 4),
            (LineDisposition(line: 1, quantity: 1, disposition: .restock), 3),
            (Refund(gross: m, restockingFee: m, allocations: [], refundedAt: at), 6),
            (RefundAllocation(tender: .cash, amount: m), 3),
            (
                Exchange(
                    returnedValue: m, restockingFee: m, outLines: [], difference: m, settlementTender: .cash,
                    exchangedAt: at), 6
            ),
            (ExchangeLine(sku: "k", quantity: 1, unitPrice: m, unitCost: m, vatRate: VATRate(basisPoints: 1)), 6),
            (
                RepairOrder(
                    id: "o", returnID: "r", store: "s", sku: "k", quantity: 1, unitCost: m, technician: "t",
                    openedAt: at), 8
            ),
            (RepairPart(name: "p", cost: m), 2),
            (
                Product(
                    sku: "k", name: "n", category: "c", unitPrice: m, unitCost: m, vatRate: VATRate(basisPoints: 1)), 12
            ),
            (ReorderPoint(store: "s", sku: "k", minimum: 1), 3),
        ]
        return samples.allSatisfy { Mirror(reflecting: $0.0).children.count == $0.1 }
    }
}

/// The writer. Keys are written as literals, in the order Swift's synthesized `Codable` uses (the
/// order the properties are declared in).
struct JSONBytes {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(768) }

    @inline(__always) mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `"key":`, after a comma unless it is the object's first key.
    @inline(__always) mutating func key(_ s: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        let clean = s.withUTF8 { buffer in
            !buffer.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        if clean {
            s.withUTF8 { bytes.append(contentsOf: $0) }
        } else {
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes += [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)],
                        hex[Int(b & 0xF)],
                    ]
                default: bytes.append(b)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func id<T: StringIdentifier>(_ v: T) { string(v.rawValue) }

    mutating func int<T: BinaryInteger>(_ value: T) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = UInt64(value.magnitude)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while magnitude > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }

    @inline(__always) mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    mutating func strings(_ list: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func array<T>(_ list: [T], _ element: (inout JSONBytes, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, x) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, x)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    // MARK: - Values

    mutating func money(_ m: Money) {
        raw("{\"minor\":")
        int(m.minor)
        raw(",\"currency\":")
        string(m.currency.rawValue)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func instant(_ i: Instant) {
        raw("{\"millis\":")
        int(i.millis)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func event(_ e: Event) {
        raw("{\"dot\":{\"node\":")
        id(e.dot.node)
        raw(",\"seq\":")
        int(e.dot.seq)
        raw("},\"record\":")
        string(e.record.description)
        raw(",\"context\":{")
        for (i, dot) in e.context.dots.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            id(dot.node)
            bytes.append(UInt8(ascii: ":"))
            int(dot.seq)
        }
        raw("},\"hlc\":{\"wall\":")
        int(e.hlc.wall)
        raw(",\"logical\":")
        int(e.hlc.logical)
        raw("},\"staff\":")
        id(e.staff)
        raw(",\"schemaVersion\":")
        int(e.schemaVersion)
        raw(",\"payload\":")
        payload(e.payload)
        bytes.append(UInt8(ascii: "}"))
    }

    /// `{"case":{…}}` as synthesized `Codable` writes an enum case; `_0` names an unlabelled value.
    mutating func payload(_ p: DomainEvent) {
        switch p {
        case .productDefined(let x):
            raw("{\"productDefined\":{\"_0\":")
            product(x)
            raw("}}")
        case .storeDefined, .policySet, .staffDefined, .stockAdjusted, .policyPublished, .exceptionResolved,
            .abuseThresholdsSet:
            // Written by StreamingJSONEncoder (see EventJSON.encode); never reached.
            raw("{}")
        case .reorderPointSet(let r):
            raw("{\"reorderPointSet\":{\"_0\":{\"store\":")
            id(r.store)
            raw(",\"sku\":")
            id(r.sku)
            raw(",\"minimum\":")
            int(r.minimum)
            raw("}}}")
        case .customerRegistered(let c):
            raw("{\"customerRegistered\":{\"_0\":{\"id\":")
            id(c.id)
            if let v = c.name { key("name"); string(v) }
            if let v = c.phone { key("phone"); string(v) }
            if let v = c.email { key("email"); string(v) }
            raw("}}}")
        case .customerFieldChanged(let customer, let field, let value):
            raw("{\"customerFieldChanged\":{\"customer\":")
            id(customer)
            raw(",\"field\":")
            string(field.rawValue)
            if let value { key("value"); string(value) }
            raw("}}")
        case .inventoryReceived(let r):
            raw("{\"inventoryReceived\":{\"_0\":{\"store\":")
            id(r.store)
            raw(",\"sku\":")
            id(r.sku)
            raw(",\"quantity\":")
            int(r.quantity)
            raw(",\"unitCost\":")
            money(r.unitCost)
            if let v = r.vendor { key("vendor"); id(v) }
            raw(",\"receivedAt\":")
            instant(r.receivedAt)
            raw("}}}")
        case .stockCounted(let s):
            raw("{\"stockCounted\":{\"_0\":{\"store\":")
            id(s.store)
            raw(",\"location\":")
            string(s.location.rawValue)
            raw(",\"sku\":")
            id(s.sku)
            raw(",\"expected\":")
            int(s.expected)
            raw(",\"counted\":")
            int(s.counted)
            raw(",\"unitCost\":")
            money(s.unitCost)
            raw(",\"countedAt\":")
            instant(s.countedAt)
            raw("}}}")
        case .saleRecorded(let s):
            raw("{\"saleRecorded\":{\"_0\":")
            sale(s)
            raw("}}")
        case .returnRequested(let r):
            raw("{\"returnRequested\":{\"_0\":")
            request(r)
            raw("}}")
        case .returnApproved(let at, let note):
            raw("{\"returnApproved\":{\"at\":")
            instant(at)
            if let note { key("note"); string(note) }
            raw("}}")
        case .returnRejected(let at, let reason):
            raw("{\"returnRejected\":{\"at\":")
            instant(at)
            raw(",\"reason\":")
            string(reason)
            raw("}}")
        case .returnReceived(let at, let tracking, let store):
            raw("{\"returnReceived\":{\"at\":")
            instant(at)
            if let tracking { key("trackingNumber"); string(tracking) }
            if let store { key("store"); id(store) }
            raw("}}")
        case .returnInspected(let at, let grades):
            raw("{\"returnInspected\":{\"at\":")
            instant(at)
            raw(",\"grades\":")
            array(grades) { w, g in
                w.raw("{\"line\":")
                w.int(g.line)
                w.raw(",\"grade\":")
                w.string(g.grade.rawValue)
                w.raw(",\"quantity\":")
                w.int(g.quantity)
                if let n = g.notes { w.key("notes"); w.string(n) }
                w.bytes.append(UInt8(ascii: "}"))
            }
            raw("}}")
        case .returnDisposed(let at, let dispositions):
            raw("{\"returnDisposed\":{\"at\":")
            instant(at)
            raw(",\"dispositions\":")
            array(dispositions) { w, d in
                w.raw("{\"line\":")
                w.int(d.line)
                w.raw(",\"quantity\":")
                w.int(d.quantity)
                w.raw(",\"disposition\":")
                w.disposition(d.disposition)
                w.bytes.append(UInt8(ascii: "}"))
            }
            raw("}}")
        case .refundIssued(let r):
            raw("{\"refundIssued\":{\"_0\":{\"gross\":")
            money(r.gross)
            raw(",\"restockingFee\":")
            money(r.restockingFee)
            raw(",\"allocations\":")
            array(r.allocations) { w, a in
                w.raw("{\"tender\":")
                w.string(a.tender.rawValue)
                w.raw(",\"amount\":")
                w.money(a.amount)
                if let ref = a.reference { w.key("reference"); w.string(ref) }
                w.bytes.append(UInt8(ascii: "}"))
            }
            raw(",\"refundedAt\":")
            instant(r.refundedAt)
            if let n = r.creditNote { key("creditNote"); string(n) }
            if let s = r.store { key("store"); id(s) }
            raw("}}}")
        case .exchangeCompleted(let x):
            raw("{\"exchangeCompleted\":{\"_0\":{\"returnedValue\":")
            money(x.returnedValue)
            raw(",\"restockingFee\":")
            money(x.restockingFee)
            raw(",\"outLines\":")
            array(x.outLines) { w, l in
                w.raw("{\"sku\":")
                w.id(l.sku)
                w.raw(",\"quantity\":")
                w.int(l.quantity)
                w.raw(",\"unitPrice\":")
                w.money(l.unitPrice)
                w.raw(",\"unitCost\":")
                w.money(l.unitCost)
                w.raw(",\"vatRate\":")
                w.int(l.vatRate.basisPoints)
                w.raw(",\"serials\":")
                w.strings(l.serials)
                w.bytes.append(UInt8(ascii: "}"))
            }
            raw(",\"difference\":")
            money(x.difference)
            raw(",\"settlementTender\":")
            string(x.settlementTender.rawValue)
            raw(",\"exchangedAt\":")
            instant(x.exchangedAt)
            raw("}}}")
        case .returnClosed(let at):
            raw("{\"returnClosed\":{\"at\":")
            instant(at)
            raw("}}")
        case .repairOpened(let o):
            raw("{\"repairOpened\":{\"_0\":{\"id\":")
            id(o.id)
            raw(",\"returnID\":")
            id(o.returnID)
            raw(",\"store\":")
            id(o.store)
            raw(",\"sku\":")
            id(o.sku)
            raw(",\"quantity\":")
            int(o.quantity)
            raw(",\"unitCost\":")
            money(o.unitCost)
            raw(",\"technician\":")
            string(o.technician)
            raw(",\"openedAt\":")
            instant(o.openedAt)
            raw("}}}")
        case .repairProgressed(let at, let status, let parts, let labor):
            raw("{\"repairProgressed\":{\"at\":")
            instant(at)
            raw(",\"status\":")
            string(status.rawValue)
            raw(",\"parts\":")
            array(parts) { w, p in
                w.raw("{\"name\":")
                w.string(p.name)
                w.raw(",\"cost\":")
                w.money(p.cost)
                w.bytes.append(UInt8(ascii: "}"))
            }
            raw(",\"laborCost\":")
            money(labor)
            raw("}}")
        case .repairCompleted(let at, let outcome, let total):
            raw("{\"repairCompleted\":{\"at\":")
            instant(at)
            raw(",\"outcome\":")
            switch outcome {
            case .repaired(let price):
                raw("{\"repaired\":{\"resalePrice\":")
                money(price)
                raw("}}")
            case .unrepairable(let reason):
                raw("{\"unrepairable\":{\"reason\":")
                string(reason)
                raw("}}")
            }
            raw(",\"totalCost\":")
            money(total)
            raw("}}")
        case .storeCreditAdjusted(let customer, let store, let amount, let memo, let at):
            raw("{\"storeCreditAdjusted\":{\"customer\":")
            id(customer)
            raw(",\"store\":")
            id(store)
            raw(",\"amount\":")
            money(amount)
            raw(",\"memo\":")
            string(memo)
            raw(",\"at\":")
            instant(at)
            raw("}}")
        }
    }

    mutating func product(_ p: Product) {
        raw("{\"sku\":")
        id(p.sku)
        raw(",\"name\":")
        string(p.name)
        raw(",\"model\":")
        string(p.model)
        raw(",\"category\":")
        string(p.category)
        raw(",\"unitPrice\":")
        money(p.unitPrice)
        raw(",\"unitCost\":")
        money(p.unitCost)
        raw(",\"vatRate\":")
        int(p.vatRate.basisPoints)
        raw(",\"serialTracked\":")
        bool(p.serialTracked)
        raw(",\"lotTracked\":")
        bool(p.lotTracked)
        raw(",\"returnable\":")
        bool(p.returnable)
        if let v = p.vendor { key("vendor"); id(v) }
        if let v = p.kind { key("kind"); string(v.rawValue) }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func sale(_ s: Sale) {
        raw("{\"id\":")
        id(s.id)
        raw(",\"store\":")
        id(s.store)
        if let c = s.customer { key("customer"); id(c) }
        raw(",\"soldAt\":")
        instant(s.soldAt)
        raw(",\"currency\":")
        string(s.currency.rawValue)
        raw(",\"lines\":")
        array(s.lines) { w, l in
            w.raw("{\"line\":")
            w.int(l.line)
            w.raw(",\"sku\":")
            w.id(l.sku)
            w.raw(",\"quantity\":")
            w.int(l.quantity)
            w.raw(",\"unitPrice\":")
            w.money(l.unitPrice)
            w.raw(",\"unitCost\":")
            w.money(l.unitCost)
            w.raw(",\"vatRate\":")
            w.int(l.vatRate.basisPoints)
            if let lot = l.lot { w.key("lot"); w.string(lot) }
            w.raw(",\"serials\":")
            w.strings(l.serials)
            if let v = l.source { w.key("source"); w.string(v.rawValue) }
            w.bytes.append(UInt8(ascii: "}"))
        }
        raw(",\"tenders\":")
        array(s.tenders) { w, t in
            w.raw("{\"tender\":")
            w.string(t.tender.rawValue)
            w.raw(",\"amount\":")
            w.money(t.amount)
            if let ref = t.reference { w.key("reference"); w.string(ref) }
            w.bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func request(_ r: ReturnRequest) {
        raw("{\"id\":")
        id(r.id)
        raw(",\"store\":")
        id(r.store)
        if let v = r.sale { key("sale"); id(v) }
        if let v = r.saleStore { key("saleStore"); id(v) }
        if let v = r.customer { key("customer"); id(v) }
        raw(",\"type\":")
        string(r.type.rawValue)
        raw(",\"method\":")
        string(r.method.rawValue)
        raw(",\"currency\":")
        string(r.currency.rawValue)
        raw(",\"lines\":")
        array(r.lines) { w, l in
            w.raw("{\"line\":")
            w.int(l.line)
            if let v = l.saleLine { w.key("saleLine"); w.int(v) }
            w.raw(",\"sku\":")
            w.id(l.sku)
            w.raw(",\"quantity\":")
            w.int(l.quantity)
            w.raw(",\"unitRefund\":")
            w.money(l.unitRefund)
            w.raw(",\"unitCost\":")
            w.money(l.unitCost)
            w.raw(",\"vatRate\":")
            w.int(l.vatRate.basisPoints)
            w.raw(",\"reason\":")
            w.string(l.reason.rawValue)
            w.raw(",\"condition\":")
            w.string(l.condition.rawValue)
            if let lot = l.lot { w.key("lot"); w.string(lot) }
            w.raw(",\"serials\":")
            w.strings(l.serials)
            if let v = l.source { w.key("source"); w.string(v.rawValue) }
            w.bytes.append(UInt8(ascii: "}"))
        }
        raw(",\"requestedAt\":")
        instant(r.requestedAt)
        raw(",\"restockingFee\":")
        money(r.restockingFee)
        if let v = r.trackingNumber { key("trackingNumber"); string(v) }
        raw(",\"policyNotes\":")
        strings(r.policyNotes)
        if let v = r.policyRules { raw(",\"policyRules\":"); strings(v) }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func disposition(_ d: Disposition) {
        switch d {
        case .restock:
            raw("{\"restock\":{}}")
        case .refurbish(let unitValue, let disclosure):
            raw("{\"refurbish\":{\"unitValue\":")
            money(unitValue)
            raw(",\"disclosure\":")
            string(disclosure)
            raw("}}")
        case .repair(let order, let technician):
            raw("{\"repair\":{\"order\":")
            id(order)
            raw(",\"technician\":")
            string(technician)
            raw("}}")
        case .scrap(let reason):
            raw("{\"scrap\":{\"reason\":")
            string(reason)
            raw("}}")
        case .returnToVendor(let vendor, let rma):
            raw("{\"returnToVendor\":{\"vendor\":")
            id(vendor)
            if let rma { key("rma"); string(rma) }
            raw("}}")
        }
    }
}
