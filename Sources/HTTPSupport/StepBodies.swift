public import ReturnsDomain

// The bodies of a return's steps that the node's API (`/returns/{id}/…`) and the hub's channel
// API (`/channel/returns/{id}/…`) share: one shape of each step for every door. Receiving differs
// (the hub's names the store that took the goods in), so each server has its own.

/// `POST /returns/{id}/approve`.
public struct ApproveBody: Hashable, Sendable, Codable {
    public var note: String?
    public init(note: String? = nil) { self.note = note }
}

/// `POST /returns/{id}/reject`; the customer is told the reason, so it is required.
public struct RejectBody: Hashable, Sendable, Codable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `POST /returns/{id}/inspect`.
public struct InspectBody: Hashable, Sendable, Codable {
    public var grades: [LineGrade]
    public init(grades: [LineGrade]) { self.grades = grades }
}

/// `POST /returns/{id}/dispose`.
public struct DisposeBody: Hashable, Sendable, Codable {
    public var dispositions: [LineDisposition]
    public init(dispositions: [LineDisposition]) { self.dispositions = dispositions }
}

/// `POST /returns/{id}/refund`.
///
/// `method` is the domain's `RefundMethod` (`{"bankTransfer":{"reference":"…"}}`); the methods
/// without a payload may also be written as a bare string: `"originalTender"`, `"cash"`,
/// `"storeCredit"` (to the return's customer).
///
/// The bare string is read and written back in another form (`"cash"` as `{"cash":{}}`); the
/// unknown-member check (`JSONCoding.decode`) looks into a member only where the body and the
/// value written back have the same shape, so the bare form needs no exception there.
public struct RefundBody: Hashable, Sendable, Codable {
    public var method: RefundMethod
    public init(method: RefundMethod) { self.method = method }

    private enum CodingKeys: String, CodingKey { case method }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try? c.decode(String.self, forKey: .method) {
            switch name {
            case "originalTender": method = .originalTender
            case "cash": method = .cash
            case "storeCredit": method = .storeCredit(customer: nil)
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .method, in: c,
                    debugDescription:
                        "unknown refund method \"\(name)\"; use originalTender, cash, storeCredit or bankTransfer")
            }
        } else {
            method = try c.decode(RefundMethod.self, forKey: .method)
        }
    }
}

/// `POST /returns/{id}/exchange`: the goods handed out and the tender that settles the difference.
public struct ExchangeBody: Hashable, Sendable, Codable {
    public var items: [ExchangeItem]
    public var settlement: Tender
    public init(items: [ExchangeItem], settlement: Tender) {
        self.items = items
        self.settlement = settlement
    }
}
