import GRDB
public import ReplicaStore
import Replication
public import ReturnsDomain

/// The credit notes of refunds (``CreditNote``): read from the return and its refunds as the
/// replica holds them, with this store's profile at the head. Nothing is stored for them but the
/// number in the refund's event; the content is the core's.
extension NodeService {
    /// The credit notes of return `id`'s refunds, oldest first (`return.notFound` when unknown).
    public func creditNotes(of id: ReturnID) async throws -> [CreditNote] {
        let profile = try await storeProfile()
        return try await read { reader in
            guard let state = try reader.returnState(id), let request = state.request else {
                throw DomainError.invalid("return.notFound", "no return \(id)", ["return": "\(id)"])
            }
            return CreditNote.all(
                of: request, refunds: state.refunds, issuer: self.issuer(of: request, profile),
                customer: try request.customer.flatMap { try reader.customer($0) },
                product: try Self.products(of: request, reader))
        }
    }

    /// The credit note numbered `number` (`creditNote.notFound` when this replica holds no refund
    /// under that number).
    public func creditNote(_ number: String) async throws -> CreditNote {
        let notFound = DomainError.invalid(
            "creditNote.notFound", "no credit note \(number) on this node", ["number": number])
        guard CreditNote.isNumber(number) else { throw notFound }
        let profile = try await storeProfile()
        let found = try await read { reader -> CreditNote? in
            // The refund's journal entry names its credit note (`Postings.refundReference`).
            guard let record = try reader.recordOfCreditNote(number), let key = RecordKey(record),
                key.kind == .returnOrder, let state = try reader.returnState(ReturnID(key.id)),
                let request = state.request,
                let refund = state.refunds.first(where: { $0.creditNote == number })
            else { return nil }
            return CreditNote.of(
                request, refund: refund, issuer: self.issuer(of: request, profile),
                customer: try request.customer.flatMap { try reader.customer($0) },
                product: try Self.products(of: request, reader))
        }
        guard let found else { throw notFound }
        return found
    }

    /// The products of `request`'s lines, as the catalog holds them, to name the lines.
    static func products(of request: ReturnRequest, _ reader: NodeReader) throws -> (SKU) -> Product? {
        var found: [SKU: Product] = [:]
        for l in request.lines where found[l.sku] == nil { found[l.sku] = try reader.product(l.sku) }
        return { found[$0] }
    }

    /// The return's store as its documents name it: this store's profile, or the bare id for a
    /// return another store took (whose profile this node does not keep).
    func issuer(of request: ReturnRequest, _ profile: StoreProfile) -> CreditNote.Issuer {
        guard request.store == identity.store else { return CreditNote.Issuer(store: request.store) }
        return CreditNote.Issuer(
            store: request.store, name: profile.name, address: profile.address, taxID: profile.taxID)
    }
}

extension NodeReader {
    /// The record whose refund posted under credit note `number`, if the replica holds it.
    func recordOfCreditNote(_ number: String) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT record FROM journal
                WHERE record LIKE 'return:%' AND substr(reference, -(length(?1) + 8)) = '/refund/' || ?1
                LIMIT 1
                """, arguments: [number])
    }
}
