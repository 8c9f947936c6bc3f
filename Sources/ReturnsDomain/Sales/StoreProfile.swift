/// What a store prints at the head of the documents it hands customers (the return slip): its
/// name, address and tax id. Kept by the store's node; absent parts are left off the slip.
public struct StoreProfile: Hashable, Sendable, Codable {
    public var name: String?
    public var address: String?
    public var taxID: String?

    public init(name: String? = nil, address: String? = nil, taxID: String? = nil) {
        self.name = name
        self.address = address
        self.taxID = taxID
    }
}
