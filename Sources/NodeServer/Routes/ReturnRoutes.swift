import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// The return workflow: evaluate, open, list, look up, and one route per lifecycle step.
    func addReturnRoutes(to api: Group) {
        api.post("policy/evaluate") { request, _ in
            let command = try await JSONCoding.decode(CreateReturnCommand.self, from: request)
            // "No, because …" is an answer (a verdict with every reason), not a failed request;
            // bad input (unknown sale, over-return) is still a problem.
            return try JSONCoding.response(try await service.evaluate(command))
        }
        api.post("returns") { request, _ in
            let command = try await JSONCoding.decode(CreateReturnCommand.self, from: request)
            let view = try await service.createReturn(command, staff: request.staff, claimer: escrowClaimer)
            return try JSONCoding.response(view, status: .created, location: "\(NodeAPI.prefix)/returns/\(view.id)")
        }
        api.get("returns") { request, _ in
            let status = try request.queryCase("status", as: ReturnStatus.self)
            let limit = try request.queryInteger("limit", in: 1...1000, default: 100)
            // Head office's filters are the hub's; a value the hub would refuse is refused here
            // too, so one client talks to both alike.
            _ = try AnalyticsFilter.parse { request.queryValue($0) }
            // This store's returns unless another store is asked for (those the replica holds:
            // returns of this store's sales elsewhere, and what the feed brought).
            let store = request.query("store").map(StoreID.init) ?? service.identity.store
            let (filter, count) = (status, limit)
            return try JSONCoding.response(
                try await service.read { try $0.returns(store: store, status: filter, limit: count) })
        }
        api.get("returns/:id") { _, context in
            let id = ReturnID(try context.pathID())
            guard let view = try await service.read({ try $0.returnView(id) }) else {
                throw DomainError.invalid("return.notFound", "no return \(id)", ["return": "\(id)"])
            }
            return try JSONCoding.response(view)
        }

        step(api, "approve") {
            .approve(note: try await JSONCoding.decode(ApproveBody.self, from: $0, emptyAllowed: true).note)
        }
        step(api, "reject") { .reject(reason: try await JSONCoding.decode(RejectBody.self, from: $0).reason) }
        step(api, "receive") {
            .receive(
                trackingNumber: try await JSONCoding.decode(ReceiveBody.self, from: $0, emptyAllowed: true)
                    .trackingNumber)
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
        // The exchange's difference before it is done; nothing is recorded.
        api.post("returns/:id/exchange/preview") { request, context in
            let id = ReturnID(try context.pathID())
            let body = try await JSONCoding.decode(ExchangeBody.self, from: request)
            return try JSONCoding.response(
                try await service.previewExchange(id, items: body.items, settlement: body.settlement))
        }
    }

    /// `POST /returns/{id}/<action>`: decodes the step from the body and advances the return.
    private func step(
        _ api: Group, _ action: String, _ makeStep: @escaping @Sendable (Request) async throws -> NodeService.Step
    ) {
        api.post(RouterPath("returns/:id/\(action)")) { request, context in
            let id = ReturnID(try context.pathID())
            let step = try await makeStep(request)
            return try JSONCoding.response(
                try await service.advance(
                    id, step, staff: request.staff, authoriser: try await request.authoriser(service),
                    signedIn: AuthenticatedStaff.id != nil))
        }
    }
}
