import Hummingbird
import NodeStore
import Replication
import ReturnsDomain

extension NodeRoutes {
    /// Stock, alerts, the exceptions queue, escrow and the store's profile.
    func addOperationsRoutes(to api: Group) {
        // The store's name, address and tax id, as the desk prints them on the slip.
        api.get("store") { _, _ in
            var view = StoreProfileView(store: service.identity.store, try await service.storeProfile())
            view.signIn = try await service.signInRequired()
            return try JSONCoding.response(view)
        }
        api.put("store") { request, _ in
            let body = try await JSONCoding.decode(StoreProfile.self, from: request)
            var view = StoreProfileView(store: service.identity.store, try await service.setStoreProfile(body))
            view.signIn = try await service.signInRequired()
            return try JSONCoding.response(view)
        }
        api.get("stock") { request, _ in
            let sku = request.query("sku").map(SKU.init)
            let store = try StockScope.store(
                asked: request.query("store").map(StoreID.init), at: service.identity.store)
            return try JSONCoding.response(try await service.read { try $0.stock(sku: sku, store: store) })
        }
        // A stock-take of one location: the variance moves stock and posts to the journal.
        api.post("stock/counts") { request, _ in
            let body = try await JSONCoding.decode(StockCountBody.self, from: request)
            let view = try await service.countStock(
                sku: body.sku, location: body.location, counted: body.counted, staff: request.staff,
                authoriser: try await request.authoriser(service), signedIn: AuthenticatedStaff.id != nil)
            return try JSONCoding.response(view, status: .created)
        }
        // Stock out (damaged, written off, issued at no charge) or found, with why.
        api.post("stock/adjustments") { request, _ in
            let body = try await JSONCoding.decode(StockAdjustmentBody.self, from: request)
            let view = try await service.adjustStock(
                sku: body.sku, location: body.location, quantity: body.quantity, reason: body.reason, note: body.note,
                staff: request.staff, authoriser: try await request.authoriser(service),
                signedIn: AuthenticatedStaff.id != nil)
            return try JSONCoding.response(view, status: .created)
        }
        api.get("alerts/low-stock") { _, _ in
            try JSONCoding.response(try await service.read { try $0.lowStockAlerts() })
        }
        api.get("exceptions") { _, _ in
            try JSONCoding.response(try await service.read { try $0.storeExceptions() })
        }
        // Escrow (DESIGN §4): the risk budget for offline returns against other stores' sales,
        // what of it is in use, and the latest such returns.
        api.get("escrow") { _, _ in
            try JSONCoding.response(try await service.escrowStatus())
        }
        api.put("escrow/risk-budget") { request, _ in
            let body = try await JSONCoding.decode(RiskBudgetBody.self, from: request)
            try await service.setRiskBudget(body.amount)
            return try JSONCoding.response(try await service.escrowStatus())
        }
    }

    /// `GET healthz` and `GET metrics` (Prometheus text format); registered both under `/api/v1`
    /// and at the root, where load balancers and scrapers look by default.
    func addProbeRoutes<Routes: RouterMethods<BasicRequestContext>>(to routes: Routes) {
        routes.get("healthz") { _, _ in
            do {
                try await service.probeWrite()
            } catch {
                throw Problem(
                    code: "node.storageUnavailable", status: .serviceUnavailable,
                    detail: "the node's database cannot be written to right now: returns cannot be recorded")
            }
            let outbox = try await service.read { try $0.outboxCount() }
            let identity = service.identity
            var sync: SyncHealth?
            if try await service.hubConnection() != nil {
                let rounds = service.syncStatistics.snapshot
                sync = SyncHealth(
                    online: rounds.lastSuccessMillis != nil && rounds.consecutiveFailures == 0,
                    lastSuccess: rounds.lastSuccessMillis.map(Instant.init(millis:)),
                    failedRounds: rounds.consecutiveFailures)
            }
            return try JSONCoding.response(
                HealthStatus(status: "ok", node: identity.node, store: identity.store, outbox: outbox, sync: sync))
        }
        routes.get("metrics") { _, _ in
            let identity = service.identity
            var figures = try await service.read { reader in
                NodeMetrics.ReplicaFigures(
                    node: identity.node.rawValue, store: identity.store.rawValue, events: try reader.eventCount(),
                    outbox: try reader.outboxCount(), exceptions: try reader.exceptions().count,
                    lowStockAlerts: try reader.lowStockAlerts().count)
            }
            let escrow = try await service.escrowStatus()
            figures.riskBudgetMinor = Int(escrow.riskBudget.minor)
            figures.riskBudgetUsedMinor = Int(escrow.used.minor)
            let offset = service.hubClockOffset
            figures.clockOffsetMillis = Int(offset ?? 0)
            figures.clockSkewed = service.clockSkewed
            figures.sync = service.syncStatistics.snapshot
            return metrics.scrape(figures)
        }
    }
}

/// `GET /api/v1/store`: the store's id with its profile.
struct StoreProfileView: Encodable, Sendable {
    var store: StoreID
    var name: String?
    var address: String?
    var taxID: String?
    var negativeStock: NegativeStockRule
    /// Whether the desk signs staff in (head office has defined staff for this store).
    var signIn = false

    init(store: StoreID, _ profile: StoreProfile) {
        self.store = store
        self.name = profile.name
        self.address = profile.address
        self.taxID = profile.taxID
        self.negativeStock = profile.negativeStock ?? .default
    }
}

/// `POST /api/v1/stock/counts`.
struct StockCountBody: Codable, Sendable {
    var sku: SKU
    var location: StockLocation
    var counted: Int
}

/// `POST /api/v1/stock/adjustments`.
struct StockAdjustmentBody: Codable, Sendable {
    var sku: SKU
    var location: StockLocation
    var quantity: Int
    var reason: AdjustmentReason
    var note: String?
}

/// `PUT /api/v1/escrow/risk-budget`.
struct RiskBudgetBody: Codable, Sendable {
    var amount: Money
}
