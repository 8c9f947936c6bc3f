public import Replication
public import ReturnsDomain

/// The one gate every door calls before an event is stored: a node's commands, the hub's push and
/// channel API, and a node taking in a pulled page or a snapshot (Protocol/sync.md, "Admission").
///
/// Two kinds of rule:
/// - **values** (`checkValues`): ids from the documented alphabet, texts bounded and free of
///   control characters, quantities and money within `Limits` (so no sum the core computes can
///   overflow), currencies consistent, seqs and clocks in range, the payload naming its own record;
/// - **authority** (`admit`): whether the author may write that event about that record, by the
///   ownership table (`Authority`).
///
/// Pure: the caller passes its clock (`now`, milliseconds) and what it holds of the records
/// (`RecordOwners`).
public enum AdmissionRules {
    /// Checks one event's values. `now` is the checking side's clock.
    public static func checkValues(_ event: Event, now: Int64) throws(AdmissionError) {
        try EventValues(event: event, now: now).check()
    }

    /// Checks `events` (in the order they would be stored) by values and by authority; learns each
    /// admitted creating event into `owners`, so a batch may open a return and step it. Throws on
    /// the first event refused: the caller stores none of the batch.
    public static func admit(
        _ events: some Sequence<Event>, by author: EventAuthor, owners: inout RecordOwners, now: Int64
    )
        throws(AdmissionError)
    {
        for event in events {
            try checkValues(event, now: now)
            try Authority.check(event, by: author, owners: owners)
            owners.learn(event)
        }
    }

    /// The records of `events` whose owners `admit` needs to know: the caller loads their state
    /// into a `RecordOwners` first.
    public static func ownedRecords(of events: some Sequence<Event>) -> Set<RecordKey> {
        Set(events.lazy.map(\.record).filter { RecordOwners.ownedKinds.contains($0.kind) })
    }
}
