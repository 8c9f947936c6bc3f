// MARK: - Repairs opened by a disposition

extension ReturnDesk {
    /// The prefix of repair-order numbers (`RO-S01-000007`).
    public static let repairOrderPrefix = "RO"

    /// `dispositions` with each repair that names no order given the next number from `mint`
    /// (the replica's counter); every other disposition as given.
    public static func numberRepairs(
        _ dispositions: [LineDisposition], mint: () throws -> RepairOrderID
    ) rethrows -> [LineDisposition] {
        var numbered = dispositions
        for i in numbered.indices {
            if case .repair(let order, let technician) = numbered[i].disposition, order.rawValue.isEmpty {
                numbered[i].disposition = .repair(order: try mint(), technician: technician)
            }
        }
        return numbered
    }

    /// The repair orders that recording `dispositions` on `request` opens, one per repair
    /// disposition, each with the `repairOpened` event to record on it: the line's SKU and cost,
    /// the disposition's quantity and technician, at the store holding the goods (`store`, where
    /// they were received; the return's store when nil).
    public static func repairsOpened(
        by dispositions: [LineDisposition], of request: ReturnRequest, at: Instant, store: StoreID? = nil
    ) -> [(order: RepairOrderID, event: DomainEvent)] {
        dispositions.compactMap { d in
            guard case .repair(let order, let technician) = d.disposition, let line = request.line(d.line) else {
                return nil
            }
            let repair = RepairOrder(
                id: order, returnID: request.id, store: store ?? request.store, sku: line.sku, quantity: d.quantity,
                unitCost: line.unitCost, technician: technician, openedAt: at)
            return (order, .repairOpened(repair))
        }
    }
}

// MARK: - Goods handed out in an exchange

extension ExchangePlanner {
    /// The lines of goods handed out, priced from the catalog (`product`): price, cost and VAT
    /// rate as the catalog holds them now. Throws for a quantity under 1 or an unknown SKU.
    public static func outLines(
        _ items: [(sku: SKU, quantity: Int, serials: [String]?)], product: (SKU) throws -> Product?
    ) throws -> [ExchangeLine] {
        try items.map { item in
            guard item.quantity > 0 else { throw DomainError.invalidQuantity(item.quantity) }
            guard let p = try product(item.sku) else { throw DomainError.unknownSKU(item.sku) }
            return ExchangeLine(
                sku: p.sku, quantity: item.quantity, unitPrice: p.unitPrice, unitCost: p.unitCost, vatRate: p.vatRate,
                serials: item.serials ?? [])
        }
    }
}
