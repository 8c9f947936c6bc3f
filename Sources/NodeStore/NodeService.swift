import Foundation
public import GRDB
public import ReplicaStore
public import Replication
public import ReturnsDomain

/// The return desk of one store: every command is checked by the pure domain and, if accepted,
/// written with its events, projections and outbox entries in one durable transaction. A refused
/// command throws a `DomainError` (or `NodeStoreError`) and writes nothing.
public final class NodeService: Sendable {
    public let database: NodeDatabase
    /// This machine's wall-clock milliseconds; injected so tests and benchmarks control time.
    let wallClock: @Sendable () -> Int64
    /// The hub's clock minus this one, as last measured at a sync (`ClockSkew`).
    private let offset: LockedValue<Int64?>
    /// How far (ms) this machine's clock may be off the hub's before the node dates by the hub's.
    public let clockTolerance: Int64
    /// Why this replica may no longer author (it was found restored from an older backup), if so.
    private let restoredBox: LockedValue<String?>
    /// The background sync's rounds, for `/metrics` (the sync service records into it).
    public let syncStatistics = SyncStatistics()
    /// Raised after every command that committed, for the background sync to push at once.
    public let commits = CommitSignal()
    /// Failed PIN entries per staff member, for the lockout (`NodeStaff`).
    let pinFailures = LockedValue<[StaffID: PINFailures]>([:])

    public init(
        database: NodeDatabase, clock: @escaping @Sendable () -> Int64 = NodeService.systemMillis,
        clockTolerance: Int64 = ClockSkew.tolerance
    ) {
        self.database = database
        self.wallClock = clock
        self.clockTolerance = clockTolerance
        let stored = try? database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'clock.hubOffset'")
        }
        self.offset = LockedValue<Int64?>((stored ?? nil).flatMap { Int64($0) })
        let restored = try? database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'node.restored'")
        }
        self.restoredBox = LockedValue<String?>(restored ?? nil)
    }

    /// Why this node no longer issues documents, when the hub showed it holds more of this node's
    /// events than the replica does: the replica was restored from an older backup (or copied), and
    /// new events would reuse seqs and document numbers already given out.
    public var restoredFromBackup: String? { restoredBox.value }

    /// Stops this node from issuing documents (`node.restoredFromBackup`), for good: the store is
    /// set up again as a new node (`node init`, `hub enroll`), which takes its history back by pulling.
    public func markRestored(_ reason: String) async throws {
        restoredBox.value = reason
        try await database.transaction { db in
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('node.restored', ?) ON CONFLICT (key) DO NOTHING",
                arguments: [reason])
        }
    }

    /// The seq of this node's latest event in the replica (0 when it has authored none).
    public func ownLastSeq() async throws -> UInt64 {
        try await database.writer.read { db in
            UInt64(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'seq'") ?? "0") ?? 0
        }
    }

    func refuseIfRestored() throws {
        if let reason = restoredBox.value {
            throw DomainError.invalid(
                "node.restoredFromBackup",
                "this node's database is older than what the hub holds from it (\(reason)); it issues no documents: set the store up again as a new node (node init, hub enroll)"
            )
        }
    }

    /// The time documents are dated and events stamped by: this machine's clock, or the hub's when
    /// the two differ by more than `ClockSkew.tolerance`.
    func clock() -> Int64 { wallClock() + ClockSkew.correction(offset: offset.value, tolerance: clockTolerance) }

    /// Whether the last measured offset is past the tolerance (the node dates by the hub's clock).
    public var clockSkewed: Bool { ClockSkew.isFlagged(offset: offset.value, tolerance: clockTolerance) }

    /// The hub's clock minus this machine's, as last measured (nil before the first sync).
    public var hubClockOffset: Int64? { offset.value }

    /// Records the hub's clock minus this machine's, measured at a sync; kept in the replica so
    /// that every process on this node (the CLI too) dates by it.
    public func recordHubClock(offset measured: Int64) async throws {
        offset.value = measured
        try await database.transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO meta (key, value) VALUES ('clock.hubOffset', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, arguments: [String(measured)])
        }
    }

    public static let systemMillis: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    public var identity: NodeIdentity { database.identity }

    // MARK: - Catalog and set-up

    public func defineProduct(_ product: Product, staff: StaffID) async throws {
        try product.validate()
        let now = clock()
        try await transaction { db, log in
            try log.author(.productDefined(product), on: .product(product.sku), staff: staff, now: now)
        }
    }

    public func receiveInventory(sku: SKU, quantity: Int, unitCost: Money?, vendor: VendorID?, staff: StaffID)
        async throws
    {
        guard quantity > 0 else { throw DomainError.invalidQuantity(quantity) }
        let now = clock()
        try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            guard let product = try reader.product(sku) else { throw DomainError.unknownSKU(sku) }
            try product.requireStocked()
            let id = try log.mint("GR")
            let receipt = InventoryReceipt(
                store: self.identity.store, sku: sku, quantity: quantity, unitCost: unitCost ?? product.unitCost,
                vendor: vendor, receivedAt: Instant(millis: now))
            try log.author(.inventoryReceived(receipt), on: RecordKey(.inventoryReceipt, id), staff: staff, now: now)
        }
    }

    public func setReorderPoint(sku: SKU, minimum: Int, staff: StaffID) async throws {
        guard minimum >= 0 else { throw DomainError.invalidQuantity(minimum) }
        let now = clock()
        try await transaction { db, log in
            guard try NodeReader(db: db, identity: self.identity).product(sku) != nil else {
                throw DomainError.unknownSKU(sku)
            }
            let point = ReorderPoint(store: self.identity.store, sku: sku, minimum: minimum)
            try log.author(
                .reorderPointSet(point), on: RecordKey(.reorderPoint, "\(self.identity.store)/\(sku)"), staff: staff,
                now: now)
        }
    }

    /// This store's policy in force now: its document policy, and each category's with a rule.
    public func policyInForce() async throws -> EffectivePolicy {
        let now = Instant(millis: clock())
        return try await read { reader in
            try reader.policy(categories: Set(try reader.policyRules().compactMap(\.scope.category)), at: now)
        }
    }

    public func setPolicy(_ policy: ReturnPolicy, staff: StaffID) async throws {
        let now = clock()
        try await transaction { db, log in
            try log.author(
                .policySet(store: self.identity.store, policy: policy),
                on: RecordKey(.policy, self.identity.store.rawValue), staff: staff, now: now)
        }
    }

    public func registerCustomer(_ customer: Customer, staff: StaffID) async throws {
        guard !customer.id.rawValue.isEmpty else {
            throw DomainError.invalid("customer.missingID", "a customer needs an id")
        }
        let now = clock()
        try await transaction { db, log in
            try log.author(.customerRegistered(customer), on: .customer(customer.id), staff: staff, now: now)
        }
    }

    // MARK: - Sales

    /// Records a sale posted by the POS, so that returns can refer to it.
    public func recordSale(
        _ given: Sale, staff named: StaffID, authoriser: StaffMember? = nil, signedIn: Bool = false
    ) async throws -> SaleView {
        let now = clock()
        return try await transaction { db, log in
            try self.record(given, staff: named, authoriser: authoriser, signedIn: signedIn, now: now, db: db, log: log)
        }
    }

    /// Sells B-grade units out of refurbished stock at the desk, under a receipt number minted
    /// here (`BG…`), at `unitPrice` or else the value they were written down to
    /// (``Sale/bGradeResale(id:store:product:quantity:serials:unitPrice:writtenDown:tender:customer:at:)``).
    public func resell(
        _ resale: ResaleCommand, staff named: StaffID, authoriser: StaffMember? = nil, signedIn: Bool = false
    ) async throws -> SaleView {
        let now = clock()
        return try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            guard let product = try reader.product(resale.sku) else { throw DomainError.unknownSKU(resale.sku) }
            let store = self.identity.store
            let id = SaleID(try log.mint(Self.resalePrefix))
            let sale = try Sale.bGradeResale(
                id: id, store: store, product: product, quantity: resale.quantity, serials: resale.serials ?? [],
                unitPrice: resale.unitPrice,
                writtenDown: BGradeValue.latest(try reader.bGradeValues(sku: resale.sku, store: store)),
                tender: resale.tender, customer: resale.customer, at: Instant(millis: now))
            return try self.record(
                sale, staff: named, authoriser: authoriser, signedIn: signedIn, now: now, db: db, log: log)
        }
    }

    /// The receipt numbers of B-grade resales at the desk.
    static let resalePrefix = "BG"

    /// Records `given` as the core costs it (``Sale/costed(products:bGradeValue:)``): open-price
    /// lines above the store's limit need `openPrice` authority (``StaffAuthority``), from `named`
    /// signed in or an `authoriser`'s PIN; B-grade lines come out of refurbished stock.
    func record(
        _ given: Sale, staff named: StaffID, authoriser: StaffMember?, signedIn: Bool, now: Int64, db: Database,
        log: EventLog
    ) throws -> SaleView {
        let reader = NodeReader(db: db, identity: identity)
        let store = identity.store
        var products: [SKU: Product] = [:]
        for l in given.lines { products[l.sku] = try reader.product(l.sku) }
        let sale = try Sale.recording(
            given, at: store, alreadyRecorded: try reader.sale(given.id) != nil, products: { products[$0] },
            bGradeValue: { sku in (try? reader.bGradeValues(sku: sku, store: store)).flatMap(BGradeValue.latest) },
            storeCredit: { try reader.storeCredit($0, currency: $1) })
        let permission = StaffAuthority.required(
            forSale: sale, shelfPrice: { l in l.source == .refurbished ? l.unitCost : products[l.sku]?.unitPrice },
            approvalThreshold: try reader.policy(of: store, for: sale, at: sale.soldAt).document.approvalThreshold)
        // A till's everyday sale is its own; only open-price lines above the limit ask who.
        let staff =
            try permission.map {
                try StaffAuthority.actor(
                    named, for: $0, roster: try reader.staffRoster(), authoriser: authoriser, signedIn: signedIn,
                    at: store)
            } ?? named
        var warnings: [StockShortfall] = []
        for location in [StockLocation.sellable, .refurbished] {
            let needed = sale.lines.filter { $0.fromLocation == location }.reduce(into: [SKU: Int]()) {
                $0[$1.sku, default: 0] += $1.quantity
            }
            warnings += try Self.checkStock(needed, from: location, reader: reader, db: db)
        }
        try log.author(.saleRecorded(sale), on: .sale(sale.id), staff: staff, now: now)
        try log.flush()
        var view = try reader.saleView(sale.id)!
        view.stockWarnings = warnings.isEmpty ? nil : warnings
        return view
    }

    // MARK: - Returns

    /// Checks a prospective return against the policy without recording anything.
    public func evaluate(_ command: CreateReturnCommand) async throws -> PolicyVerdict {
        let now = clock()
        return try await database.writer.read { db in
            try self.plan(command, id: ReturnID("RT-PREVIEW"), db: db, now: now, refuseDenied: false).verdict
        }
    }

    /// `read` is the sale when the caller has read it already in this transaction.
    func plan(
        _ c: CreateReturnCommand, id: ReturnID, db: Database, now: Int64, refuseDenied: Bool = true, read: Sale? = nil
    ) throws -> ReturnIntake.Outcome {
        let reader = NodeReader(db: db, identity: identity)
        var sale: Sale?
        if let saleID = c.sale {
            guard let s = try read.flatMap({ $0.id == saleID ? $0 : nil }) ?? reader.sale(saleID) else {
                throw DomainError.invalid(
                    "sale.notFound",
                    "no sale with receipt \(saleID) on this node; look it up online or return without receipt",
                    ["receipt": "\(saleID)"])
            }
            sale = s
        }
        let at = try ReturnIntake.businessDate(of: c, sale: sale, now: Instant(millis: now))
        let receiptless =
            try ReturnIntake.receiptlessCount(of: c, sale: sale, at: at).map {
                try reader.receiptlessReturns(of: $0.customer, since: $0.since)
            } ?? 0
        let product = { (sku: SKU) in try? reader.product(sku) }
        let categories = ReturnIntake.categories(of: c, sale: sale, product: product)
        return try ReturnIntake.take(
            c, id: id, store: identity.store, sale: sale, defaultMethod: .counter,
            alreadyReturned: try reader.returnedQuantities(of: c.sale), product: product,
            policy: try reader.policy(for: sale, categories: categories, at: at),
            receiptlessReturnsLast90Days: receiptless, at: at, refuseDenied: refuseDenied)
    }

    /// Opens a return against a line this store holds (or without a receipt); one the policy
    /// allows outright is approved in the same transaction. `createReturn(_:staff:claimer:)`
    /// comes here unless the sale is another store's.
    func createHeldReturn(_ command: CreateReturnCommand, staff: StaffID) async throws -> ReturnView {
        let now = clock()
        return try await transaction { db, log in try self.createReturn(command, staff: staff, now: now, log: log) }
    }

    /// The body of `createReturn`, for callers that already hold a transaction.
    /// `id` is minted here unless the caller minted it already (a return claimed from the hub);
    /// `sale` is the command's sale when the caller has read it in this transaction.
    public func createReturn(
        _ command: CreateReturnCommand, staff: StaffID, now: Int64, log: EventLog, id: ReturnID? = nil,
        sale: Sale? = nil
    ) throws -> ReturnView {
        let id =
            try id
            ?? {
                let minted = ReturnID(try log.mint("RT"))
                log.declareNew(.returnOrder(minted))
                return minted
            }()
        let outcome = try plan(command, id: id, db: log.db, now: now, read: sale)
        for event in outcome.events { try log.author(event, on: .returnOrder(id), staff: staff, now: now) }
        guard let state = try log.currentState(of: .returnOrder(id)).returnOrder, state.request != nil else {
            throw NodeStoreError(code: "node.corrupt", message: "return \(id) vanished")
        }
        return ReturnView(state, verdict: outcome.verdict)
    }

    /// A step of the lifecycle (the core's, as every door asks for it).
    public typealias Step = ReturnStepCommand

    /// Advances a return by one step, recorded as `staff`'s; when the store signs staff in, a
    /// step that needs authority `staff` lacks is recorded as the `authoriser`'s, who gave their
    /// PIN for it (`StaffAuthority.actor`), or refused. The step is decided by the core
    /// (`ReturnDesk.plan`), as the hub's channel API decides it for an online shop.
    public func advance(
        _ id: ReturnID, _ step: Step, staff given: StaffID, authoriser: StaffMember? = nil, signedIn: Bool = false
    ) async throws -> ReturnView {
        let now = clock()
        let store = identity.store
        return try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            guard let state = try reader.returnState(id), let request = state.request else {
                throw DomainError.invalid("return.notFound", "no return \(id)", ["return": "\(id)"])
            }
            var context = ReturnDesk.StepContext(store: store, at: Instant(millis: now))
            if step.refunds {
                context.sale = try request.sale.flatMap { try reader.sale($0) }
                context.alreadyRefunded = try reader.refundedPerTender(sale: request.sale, excluding: id)
                context.approvalThreshold = try reader.policy(of: request.store, for: context.sale, at: context.at)
                    .document
                    .approvalThreshold
            }
            let plan = try ReturnDesk.plan(
                step, current: state.status, request: request, grades: state.grades, receivedAt: state.receivedAt,
                context: context, product: { try reader.product($0) }, mint: { try log.mint($0) })
            // Any step needs someone head office defined; the gated ones need that authority.
            let staff = try StaffAuthority.actor(
                given, for: plan.permission, roster: try reader.staffRoster(), authoriser: authoriser,
                signedIn: signedIn, at: store)
            try log.author(plan.event, on: .returnOrder(id), staff: staff, now: now)
            for (order, opened) in plan.repairs {
                try log.author(opened, on: .repairOrder(order), staff: staff, now: now)
            }
            var view = ReturnView(try log.currentState(of: .returnOrder(id)).returnOrder!)
            let warnings = try Self.checkStock(
                plan.handedOut.reduce(into: [:]) { $0[$1.sku, default: 0] += $1.quantity }, reader: reader, db: db)
            view.stockWarnings = warnings.isEmpty ? nil : warnings
            return view
        }
    }

    /// What the exchange of return `id` for `items`, settled on `settlement`, would be (its
    /// difference and lines), as `advance(.exchange)` would record it, without recording anything:
    /// the desk shows it before the clerk commits.
    public func previewExchange(_ id: ReturnID, items: [ExchangeItem], settlement: Tender) async throws -> Exchange {
        let now = clock()
        return try await read { reader in
            guard let state = try reader.returnState(id), let request = state.request else {
                throw DomainError.invalid("return.notFound", "no return \(id)", ["return": "\(id)"])
            }
            _ = try state.status.next(after: .exchange)
            let out = try ExchangePlanner.outLines(items.map { ($0.sku, $0.quantity, $0.serials) }) {
                try reader.product($0)
            }
            return try ExchangePlanner.plan(
                request: request, outLines: out, settlementTender: settlement, at: Instant(millis: now))
        }
    }

    // MARK: - Repairs and store credit

    /// The repair order `id` while it can still progress: known here and not finished.
    @discardableResult
    static func unfinishedRepair(_ id: RepairOrderID, _ reader: NodeReader) throws -> RepairState {
        guard let repair = try reader.repair(id), repair.order != nil else {
            throw DomainError.invalid("repair.notFound", "no repair order \(id)", ["repair": "\(id)"])
        }
        guard repair.outcome == nil else {
            throw DomainError.invalid("repair.finished", "repair \(id) is finished")
        }
        return repair
    }

    public func progressRepair(
        _ id: RepairOrderID, status: RepairStatus, parts: [RepairPart], laborCost: Money, staff: StaffID
    ) async throws -> RepairState {
        let now = clock()
        return try await transaction { db, log in
            try Self.unfinishedRepair(id, NodeReader(db: db, identity: self.identity))
            guard status == .open || status == .inProgress else {
                throw DomainError.invalid("repair.useComplete", "finish a repair with `complete`")
            }
            guard !laborCost.isNegative, parts.allSatisfy({ !$0.cost.isNegative }) else {
                throw DomainError.invalid("input.invalidAmount", "costs cannot be negative")
            }
            try log.author(
                .repairProgressed(at: Instant(millis: now), status: status, parts: parts, laborCost: laborCost),
                on: .repairOrder(id), staff: staff, now: now)
            return try log.currentState(of: .repairOrder(id)).repair!
        }
    }

    public func completeRepair(_ id: RepairOrderID, outcome: RepairOutcome, totalCost: Money, staff: StaffID)
        async throws -> RepairState
    {
        let now = clock()
        return try await transaction { db, log in
            try Self.unfinishedRepair(id, NodeReader(db: db, identity: self.identity))
            guard !totalCost.isNegative else {
                throw DomainError.invalid("input.invalidAmount", "costs cannot be negative")
            }
            try log.author(
                .repairCompleted(at: Instant(millis: now), outcome: outcome, totalCost: totalCost),
                on: .repairOrder(id), staff: staff, now: now)
            return try log.currentState(of: .repairOrder(id)).repair!
        }
    }

    public func adjustStoreCredit(customer: CustomerID, amount: Money, memo: String, staff: StaffID) async throws
        -> Money
    {
        let now = clock()
        return try await transaction { db, log in
            let reader = NodeReader(db: db, identity: self.identity)
            _ = try StoreCreditLedger.adjusted(try reader.storeCredit(customer, currency: amount.currency), by: amount)
            try log.author(
                .storeCreditAdjusted(
                    customer: customer, store: self.identity.store, amount: amount, memo: memo, at: Instant(millis: now)
                ), on: .storeCredit(customer), staff: staff, now: now)
            try log.flush()
            return try reader.storeCredit(customer, currency: amount.currency)
        }
    }

    // MARK: - Health

    /// A durable write to the replica (a `health.probe` row of its meta table), within 2 s, for
    /// `/healthz`: throws when the database cannot be written (a full disk, a read-only file).
    public func probeWrite() async throws {
        let database = self.database
        let now = clock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await database.transaction { db in
                    try db.execute(
                        sql: """
                            INSERT INTO meta (key, value) VALUES ('health.probe', ?)
                            ON CONFLICT (key) DO UPDATE SET value = excluded.value
                            """, arguments: [String(now)])
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(2))
                throw NodeStoreError(code: "node.storageUnavailable", message: "the probe write took over 2 s")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    // MARK: - Reads

    public func read<T: Sendable>(_ body: @Sendable (NodeReader) throws -> T) async throws -> T {
        do {
            return try await database.writer.read { db in try body(NodeReader(db: db, identity: self.identity)) }
        } catch {
            throw NodeStoreError.storage(error)
        }
    }

    /// One durable transaction with an event log that projects what it wrote before committing.
    /// A request carrying an `Idempotency-Key` (`RequestIdempotency.claim`) is claimed in it, so
    /// that what it did and its key commit together.
    func transaction<T: Sendable>(_ body: @Sendable (Database, EventLog) throws -> T) async throws -> T {
        try refuseIfRestored()
        let identity = self.identity
        let claim = RequestIdempotency.claim
        let now = clock()
        let result: T
        do {
            result = try await database.transaction { db in
                let log = EventLog(db, identity: identity)
                let result = try body(db, log)
                try log.flush()
                if let claim { try claim.record(db, now: now) }
                return result
            }
        } catch {
            throw NodeStoreError.storage(error)
        }
        commits.signal()
        return result
    }

    /// The synchronous variant, for the CLI and the benchmark.
    public func transactionSync<T>(_ body: (Database, EventLog) throws -> T) throws -> T {
        try refuseIfRestored()
        let identity = self.identity
        return try database.transactionSync { db in
            let log = EventLog(db, identity: identity)
            let result = try body(db, log)
            try log.flush()
            return result
        }
    }
}

/// A value shared by the threads a node serves requests on (and by the copies of a hub client).
public final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    public init(_ value: Value) { stored = value }
    public var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    /// Reads and changes the value in one step.
    public func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
}
