public import Replication
public import ReturnsDomain

/// The online shop's desk at the hub: what every backend decides, the same way, when a channel
/// without a node records a sale or walks one of its returns. The decisions are the core's
/// (`Sale.recording`, `ReturnDesk.plan`), exactly as a node's desk takes them; a backend reads
/// their inputs and records what comes back as the hub's own events (`HubOperations`).
public enum ChannelDesk {
    /// The staff id a request that names no one carries (`X-Staff` left out).
    public static let unnamed: StaffID = "unknown"

    /// The `sale.recorded` event of a sale the channel `store` made (`Sale.recording`). Stock
    /// warnings are the node's desk's; the shop's own system keeps its stock.
    public static func sale(
        _ given: Sale, channel store: StoreID, alreadyRecorded: Bool, products: [SKU: Product],
        storeCredit: (CustomerID, Currency) throws -> Money
    ) throws -> (DomainEvent, RecordKey) {
        let sale = try Sale.recording(
            given, at: store, alreadyRecorded: alreadyRecorded, products: { products[$0] }, bGradeValue: { _ in nil },
            storeCredit: storeCredit)
        return (.saleRecorded(sale), .sale(sale.id))
    }

    /// The return `id` when the channel `store` holds it (it was opened for the channel), else
    /// `return.notFound` or `auth.forbidden` (another store's return: that store walks it).
    public static func held(_ state: ReturnOrderState?, id: ReturnID, by store: StoreID) throws -> (
        ReturnOrderState, ReturnRequest
    ) {
        guard let state, let request = state.request else {
            throw HubError(
                code: "return.notFound", message: "the hub holds no return \(id)", values: ["return": "\(id)"])
        }
        guard request.store == store else {
            throw HubError(
                code: HubError.Code.forbidden,
                message: "return \(id) is held by \(request.store); a channel walks its own returns")
        }
        return (state, request)
    }

    /// The events of `step` on the channel's return (`ReturnDesk.plan`): the step, and the repair
    /// orders a disposition opens. Document numbers (`CN-WEB-HQ-000001`) come from the hub's
    /// counter under the channel's prefix (`mint`). A step that needs a person's authority
    /// (approve, reject, scrap, a refund above the approval threshold) must name who
    /// (`staff`, the shop's own person; `input.missingStaff` otherwise): the shop signs its
    /// people in, the hub records who.
    /// `product` is head office's catalog, for the goods an exchange hands out (from the channel's
    /// own stock).
    public static func step(
        _ step: ReturnStepCommand, on state: ReturnOrderState, _ request: ReturnRequest,
        context: ReturnDesk.StepContext, staff: StaffID, product: (SKU) throws -> Product? = { _ in nil },
        mint: (String) throws -> String
    ) throws -> [(DomainEvent, RecordKey)] {
        let plan = try ReturnDesk.plan(
            step, current: state.status, request: request, grades: state.grades, receivedAt: state.receivedAt,
            context: context, product: product, mint: { try mint("\($0)-\(context.store)") })
        if let permission = plan.permission, staff == unnamed {
            throw HubError(
                code: "input.missingStaff",
                message: "say who does this (X-Staff): it needs the \(permission.rawValue) authority")
        }
        return [(plan.event, .returnOrder(request.id))] + plan.repairs.map { ($0.event, .repairOrder($0.order)) }
    }

    /// The SKUs of the goods `step` hands out (an exchange's), for the backend to read first.
    public static func handedOut(by step: ReturnStepCommand) -> [SKU] {
        guard case .exchange(let items, _) = step else { return [] }
        return Set(items.map(\.sku)).sorted()
    }
}
