/// What a store prints at the head of the documents it hands customers (the return slip): its
/// name, address and tax id; and how it treats sales below zero stock. Kept by the store's node;
/// absent parts are left off the slip.
public struct StoreProfile: Hashable, Sendable, Codable {
    public var name: String?
    public var address: String?
    public var taxID: String?
    /// What a sale or exchange below zero stock does here; nil: `warn`.
    public var negativeStock: NegativeStockRule?

    public init(
        name: String? = nil, address: String? = nil, taxID: String? = nil, negativeStock: NegativeStockRule? = nil
    ) {
        self.name = name
        self.address = address
        self.taxID = taxID
        self.negativeStock = negativeStock
    }
}
