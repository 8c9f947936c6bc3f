/// One vendor's after-sales record: how much of what it supplied came back, how much of that was
/// a fault of the goods, and what was shipped back to it.
public struct SupplierQualityRow: Hashable, Sendable, Codable {
    /// The vendor id, or `(unknown)` for products with no vendor in the catalog.
    public var vendor: String
    public var soldUnits: Int
    /// Units returned (rejected returns left out), whatever the reason.
    public var returnedUnits: Int
    public var returnRateBasisPoints: Int?
    /// Units returned for a fault of the goods (`ReasonCode.isFault`: defective, damaged in
    /// transit, wrong item, not as described).
    public var defectUnits: Int
    /// `defect × 10_000 / sold`, rounded down; nil when nothing was sold.
    public var defectRateBasisPoints: Int?
    /// Units disposed of as return-to-vendor to this vendor.
    public var returnedToVendorUnits: Int
    /// Their value at the return's unit cost, one amount per currency, sorted by currency: what
    /// the chain can claim back.
    public var returnedToVendorValue: [Money]

    public init(
        vendor: String, soldUnits: Int, returnedUnits: Int, returnRateBasisPoints: Int?, defectUnits: Int,
        defectRateBasisPoints: Int?, returnedToVendorUnits: Int, returnedToVendorValue: [Money]
    ) {
        self.vendor = vendor
        self.soldUnits = soldUnits
        self.returnedUnits = returnedUnits
        self.returnRateBasisPoints = returnRateBasisPoints
        self.defectUnits = defectUnits
        self.defectRateBasisPoints = defectRateBasisPoints
        self.returnedToVendorUnits = returnedToVendorUnits
        self.returnedToVendorValue = returnedToVendorValue
    }
}

extension ReturnAnalytics {
    /// Every vendor that sold, took back or was sent back a unit, worst defect rate first (no
    /// rate last), then by vendor. The vendor of a line is its product's; a return-to-vendor
    /// disposition counts for the vendor it names.
    public func supplierQuality() -> [SupplierQualityRow] {
        let rates = tally(.vendor)
        var defects: [String: Int] = [:]
        var rtvUnits: [String: Int] = [:]
        var rtvValue: [String: [Currency: Int64]] = [:]
        for facts in input.returns where !facts.rejected {
            let lines = Dictionary(facts.request.lines.map { ($0.line, $0) }, uniquingKeysWith: { a, _ in a })
            for line in facts.request.lines where line.reason.isFault {
                defects[vendor(of: line.sku), default: 0] += line.quantity
            }
            for d in facts.dispositions {
                guard case .returnToVendor(let to, _) = d.disposition else { continue }
                rtvUnits[to.rawValue, default: 0] += d.quantity
                if let line = lines[d.line] {
                    rtvValue[to.rawValue, default: [:]][line.unitCost.currency, default: 0] +=
                        Int64(d.quantity) * line.unitCost.minor
                }
            }
        }
        let vendors = Set(rates.keys).union(defects.keys).union(rtvUnits.keys)
        let rows = vendors.map { v in
            let sold = rates.soldUnits(v)
            let defect = defects[v, default: 0]
            return SupplierQualityRow(
                vendor: v, soldUnits: sold, returnedUnits: rates.returnedUnits(v),
                returnRateBasisPoints: AnalyticsMath.basisPoints(rates.returnedUnits(v), of: sold),
                defectUnits: defect, defectRateBasisPoints: AnalyticsMath.basisPoints(defect, of: sold),
                returnedToVendorUnits: rtvUnits[v, default: 0],
                returnedToVendorValue: rtvValue[v, default: [:]].sorted { $0.key.rawValue < $1.key.rawValue }.map {
                    Money($0.value, $0.key)
                })
        }
        return rows.sorted {
            let a = $0.defectRateBasisPoints ?? -1
            let b = $1.defectRateBasisPoints ?? -1
            return a != b ? a > b : $0.vendor < $1.vendor
        }
    }
}
