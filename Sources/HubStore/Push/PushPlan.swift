public import Admission
public import Replication

/// How the hub takes in one change set, decided before anything is written; every backend uses
/// it so that they refuse exactly the same change sets (DESIGN §5).
///
/// 1. The author comes from the credential: a change set whose `node`, or any of whose events'
///    `dot.node`, differs from the authenticated node is refused (`sync.forgedAuthor`).
/// 2. `ChangeSet.validate(maxEvents:)`: not empty, at most `maxEvents` (`sync.changeSetTooLarge`),
///    consecutive seqs, events on the right kind of record, sane contexts and schema versions.
/// 3. Events with seq ≤ `acked` are already held (`held`): the backend compares each with what
///    it holds — identical is a duplicate (a no-op, counted); different refuses the whole change
///    set (`sync.dotConflict`) and is recorded as a `HubIncident`.
/// 4. The first event above `acked` must be `acked + 1`, else `sync.gap` with `expectedSeq`.
/// 5. The `new` events pass `admit(by:owners:now:)` (see there).
/// 6. The `new` events are applied in one durable transaction, each getting the next hub
///    sequence number, and `acked` becomes `ackedAfter`.
public struct PushPlan: Hashable, Sendable {
    /// The largest change set a node may push.
    public static let maxEvents = 1_000

    /// Events the hub should already hold (seq ≤ acked), in seq order.
    public var held: [Event]
    /// Events to apply (seq > acked, starting at acked + 1), in seq order.
    public var new: [Event]
    /// The node's acknowledged seq once `new` is applied.
    public var ackedAfter: UInt64

    /// Plans `changeSet` from the authenticated `node`, of which the hub holds seqs 1…`acked`.
    public init(_ changeSet: ChangeSet, from node: NodeID, acked: UInt64, maxEvents: Int = PushPlan.maxEvents)
        throws(HubError)
    {
        guard changeSet.node == node else {
            throw HubError(
                code: HubError.Code.forgedAuthor,
                message: "node \(node) cannot push a change set of node \(changeSet.node)")
        }
        do {
            try changeSet.validate(maxEvents: maxEvents)
        } catch {
            throw HubError(error)
        }
        held = changeSet.events.filter { $0.dot.seq <= acked }
        new = changeSet.events.filter { $0.dot.seq > acked }
        if let first = new.first, first.dot.seq != acked + 1 {
            throw HubError(
                code: HubError.Code.gap,
                message: "the hub holds seqs of \(node) up to \(acked); the change set starts at \(first.dot.seq)",
                expectedSeq: acked + 1)
        }
        ackedAfter = new.last?.dot.seq ?? acked
    }

    /// The records whose state `admit(by:owners:now:)` needs: the backend loads them into a
    /// `RecordOwners` (`RecordOwners.learn(_:)` for each state it holds).
    public var ownedRecords: Set<RecordKey> { AdmissionRules.ownedRecords(of: new) }

    /// 5. The `new` events pass `Admission` (values, and whether `author` may write each about its
    ///    record), else the whole change set is refused under the rule's code (`admission.*`) and
    ///    nothing is stored.
    public func admit(by author: EventAuthor, owners: RecordOwners, now: Int64) throws(HubError) {
        var owners = owners
        do {
            try AdmissionRules.admit(new, by: author, owners: &owners, now: now)
        } catch {
            throw HubError(error)
        }
    }
}

extension HubError {
    /// A refusal of `Admission`, under the rule's code (`admission.notOwner`).
    public init(_ error: AdmissionError) {
        self.init(code: error.code.rawValue, message: error.message)
    }
}
