import Admission
import GRDB
import Replication
public import ReturnsDomain

extension NodeService {
    static let profileKeys = (
        name: "store.name", address: "store.address", taxID: "store.taxID", negativeStock: "store.negativeStock"
    )

    /// What this store does with sales and exchanges below zero stock (`warn` unless set).
    static func negativeStockRule(_ db: Database) throws -> NegativeStockRule {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [profileKeys.negativeStock])
            .flatMap(NegativeStockRule.init(rawValue:)) ?? .default
    }

    /// The shortfalls of taking `needed` out of this store's `location`, as the store's rule
    /// makes of them (`StockCheck`): refused, warned of, or nothing.
    static func checkStock(
        _ needed: [SKU: Int], from location: StockLocation = .sellable, reader: NodeReader, db: Database
    ) throws -> [StockShortfall] {
        guard !needed.isEmpty else { return [] }
        let store = reader.identity.store
        let shortfalls = try StockCheck.shortfalls(needed: needed) { sku in
            try reader.stock(sku: sku, store: store).first { $0.location == location }?.quantity ?? 0
        }
        return try StockCheck.apply(try negativeStockRule(db), to: shortfalls, from: location)
    }

    /// The store's name, address and tax id as its documents print them (``StoreProfile``): what
    /// the store set itself, else what head office defined for it (`store.defined`).
    public func storeProfile() async throws -> StoreProfile {
        let identity = self.identity
        return try await database.writer.read { db in
            func value(_ key: String) throws -> String? {
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
            }
            var defined: Store?
            if case .store(let s)? = try NodeReader(db: db, identity: identity).body(
                RecordKey(.store, identity.store.rawValue))
            {
                defined = s
            }
            return StoreProfile(
                name: try value(Self.profileKeys.name) ?? defined?.name,
                address: try value(Self.profileKeys.address) ?? defined?.address,
                taxID: try value(Self.profileKeys.taxID) ?? defined?.taxID,
                negativeStock: try value(Self.profileKeys.negativeStock).flatMap(NegativeStockRule.init(rawValue:)))
        }
    }

    /// Replaces the store's profile with `profile` as the core checks it (absent parts are
    /// removed); answers what is kept.
    public func setStoreProfile(_ profile: StoreProfile) async throws -> StoreProfile {
        let checked = try profile.checked()
        try await transaction { db, _ in
            let parts = [
                (Self.profileKeys.name, checked.name), (Self.profileKeys.address, checked.address),
                (Self.profileKeys.taxID, checked.taxID),
                (Self.profileKeys.negativeStock, checked.negativeStock?.rawValue),
            ]
            for (key, value) in parts {
                if let value {
                    try db.execute(
                        sql:
                            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        arguments: [key, value])
                } else {
                    try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
                }
            }
        }
        return checked
    }
}
