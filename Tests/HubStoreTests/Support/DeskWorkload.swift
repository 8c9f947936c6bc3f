import HubStore
import HubTesting
import NodeStore
import Replication
import ReturnsDomain

/// Random desk work at the simulated nodes: sales, returns (also against other stores' sales the
/// node has pulled), every lifecycle step (mostly on returns its store holds; now and then on
/// another store's, which admission refuses), repairs. Refusals by the domain and by admission are
/// part of the game.
struct DeskWorkload {
    static let customers: [CustomerID] = ["C-1", "C-2", "C-3", "C-4"]
    var rng: SeededRNG
    var sales: [SaleID] = []
    var returns: [ReturnID] = []
    /// The store holding each return.
    var holders: [ReturnID: StoreID] = [:]
    var repairs: [RepairOrderID] = []
    var refused = 0
    var done = 0
    private var counter = 0
    let staff: StaffID = "desk"

    init(seed: Int) { rng = SeededRNG(state: UInt64(seed)) }

    mutating func sale(at node: SimulatedNode, quantity: Int? = nil) async throws -> SaleID {
        counter += 1
        let sku: SKU = rng.chance(2) ? "SKU-1" : "SKU-2"
        let line = SaleLine(
            line: 1, sku: sku, quantity: quantity ?? rng.int(1...3), unitPrice: Money(5_000, Fixtures.eur),
            unitCost: Money(3_000, Fixtures.eur), vatRate: VATRate(basisPoints: 2000))
        let customer = Self.customers[rng.int(0...3)]
        let sale = Sale(
            id: SaleID("R-\(node.store)-\(counter)"), store: node.store, customer: customer,
            soldAt: Instant(millis: Fixtures.t0), currency: Fixtures.eur, lines: [line],
            tenders: [TenderPayment(tender: .card, amount: line.gross)])
        _ = try await node.service.recordSale(sale, staff: staff)
        sales.append(sale.id)
        return sale.id
    }

    mutating func openReturn(at node: SimulatedNode, sale: SaleID, quantity: Int) async throws -> ReturnID {
        let reason: ReasonCode = rng.chance(2) ? .defective : .changedMind
        let view = try await node.service.createReturn(
            CreateReturnCommand(
                sale: sale,
                lines: [RequestedLine(saleLine: 1, quantity: quantity, reason: reason, condition: .unopened)]),
            staff: staff)
        returns.append(view.id)
        holders[view.id] = node.store
        return view.id
    }

    /// One random desk action at `node`.
    mutating func step(at node: SimulatedNode) async throws {
        do {
            switch rng.int(0...9) {
            case 0...2:
                _ = try await sale(at: node)
            case 3...4:
                guard let sale = sales.randomElement(using: &rng) else { return }
                _ = try await openReturn(at: node, sale: sale, quantity: rng.int(1...2))
            case 5:
                guard let id = repairs.randomElement(using: &rng) else { return }
                _ = try await node.service.progressRepair(
                    id, status: .inProgress, parts: [RepairPart(name: "fuse", cost: Money(200, Fixtures.eur))],
                    laborCost: Money(500, Fixtures.eur), staff: staff)
            default:
                let own = returns.filter { holders[$0] == node.store }
                guard let id = (rng.chance(5) || own.isEmpty ? returns : own).randomElement(using: &rng),
                    let view = try await node.service.read({ try $0.returnView(id) })
                else { return }
                let result = try await node.service.advance(id, nextStep(view), staff: staff)
                for d in result.dispositions {
                    if case .repair(let order, _) = d.disposition, !repairs.contains(order) { repairs.append(order) }
                }
            }
            done += 1
        } catch is DomainError {
            refused += 1
        }
    }

    private mutating func nextStep(_ view: ReturnView) -> NodeService.Step {
        switch view.status {
        case .requested: return rng.chance(4) ? .reject(reason: "worn") : .approve(note: nil)
        case .approved: return .receive(trackingNumber: nil)
        case .received:
            let grade: Grade = [.a, .b, .c, .d][rng.int(0...3)]
            return .inspect(
                grades: view.request.lines.map { LineGrade(line: $0.line, grade: grade, quantity: $0.quantity) })
        case .inspected:
            return .dispose(
                dispositions: view.grades.map { g in
                    let d: Disposition =
                        switch g.grade {
                        case .a: .restock
                        case .b: .refurbish(unitValue: Money(1_000, Fixtures.eur), disclosure: "scratched")
                        case .c: .repair(order: "", technician: "T-1")
                        default: .scrap(reason: "broken")
                        }
                    return LineDisposition(line: g.line, quantity: g.quantity, disposition: d)
                })
        case .disposed:
            return rng.chance(3)
                ? .exchange(items: [ExchangeItem(sku: "SKU-2", quantity: 1)], settlement: .cash)
                : .refund(method: [.originalTender, .cash, .storeCredit(customer: nil)][rng.int(0...2)])
        case .refunded, .exchanged, .rejected: return .close
        case .closed: return .approve(note: "illegal on purpose")
        }
    }
}
