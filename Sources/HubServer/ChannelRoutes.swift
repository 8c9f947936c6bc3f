import Foundation
import HTTPSupport
import HubStore
import Hummingbird
import Replication
import ReturnsDomain

/// `POST /channel/returns/{id}/receive` at the hub: the goods arrived at the channel's own
/// warehouse, or at the store `store` names (an online order handed in at a branch), whose stock
/// they join.
struct ChannelReceiveBody: Hashable, Sendable, Codable {
    var trackingNumber: String?
    var store: StoreID?
}

extension HubRoutes {
    /// The online shop without a node: its sales, and every step of its own returns, each under an
    /// `Idempotency-Key` (a retry answers the first answer again), decided by the same core as a
    /// store's desk (`ChannelDesk`).
    func addChannelRoutes(to api: Group) {
        api.post("channel/sales") { request, context in
            let caller = try context.caller(in: [.onlineChannel])
            let key = try Self.idempotencyKey(request, for: "the sale")
            let sale = try await JSONCoding.decode(Sale.self, from: request)
            let (recorded, replayed) = try await store.recordChannelSale(
                sale, from: caller, idempotencyKey: key, staff: request.staff, now: clock())
            let view = HubSaleView(
                sale: recorded, returned: try await store.state().returnableQuantities(of: recorded.id))
            return Self.replayed(
                try JSONCoding.response(view, status: .created, location: "/api/v1/sales/\(recorded.id)"), replayed)
        }
        step(api, "approve") {
            .approve(note: try await JSONCoding.decode(ApproveBody.self, from: $0, emptyAllowed: true).note)
        }
        step(api, "reject") { .reject(reason: try await JSONCoding.decode(RejectBody.self, from: $0).reason) }
        step(api, "receive") {
            let body = try await JSONCoding.decode(ChannelReceiveBody.self, from: $0, emptyAllowed: true)
            return .receive(trackingNumber: body.trackingNumber, store: body.store)
        }
        step(api, "inspect") { .inspect(grades: try await JSONCoding.decode(InspectBody.self, from: $0).grades) }
        step(api, "dispose") {
            .dispose(dispositions: try await JSONCoding.decode(DisposeBody.self, from: $0).dispositions)
        }
        step(api, "refund") { .refund(method: try await JSONCoding.decode(RefundBody.self, from: $0).method) }
        step(api, "exchange") {
            let body = try await JSONCoding.decode(ExchangeBody.self, from: $0)
            return .exchange(items: body.items, settlement: body.settlement)
        }
        step(api, "close") { _ in .close }
    }

    /// `POST /channel/returns/{id}/<action>`: the step from the body, on the channel's own return.
    private func step(
        _ api: Group, _ action: String, _ makeStep: @escaping @Sendable (Request) async throws -> ReturnStepCommand
    ) {
        api.post(RouterPath("channel/returns/:id/\(action)")) { request, context in
            let caller = try context.caller(in: [.onlineChannel])
            let id = ReturnID(try context.pathID())
            let key = try Self.idempotencyKey(request, for: "the step")
            let step = try await makeStep(request)
            let (state, replayed) = try await store.advanceChannelReturn(
                id, step, from: caller, idempotencyKey: key, staff: request.staff, now: clock())
            return Self.replayed(try JSONCoding.response(state), replayed)
        }
    }

    /// The request's `Idempotency-Key`, or `input.missingIdempotencyKey`.
    static func idempotencyKey(_ request: Request, for what: String) throws -> String {
        guard let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty else {
            throw Problem(
                code: "input.missingIdempotencyKey",
                detail: "send an Idempotency-Key header so a retry cannot record \(what) twice")
        }
        return key
    }

    /// `response`, marked `Idempotent-Replayed: true` when it answers a replay.
    static func replayed(_ response: Response, _ replayed: Bool) -> Response {
        var response = response
        if replayed { response.headers[.init("Idempotent-Replayed")!] = "true" }
        return response
    }
}
