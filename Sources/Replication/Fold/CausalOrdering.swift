/// Orders the events of one record the same way on every replica.
enum CausalOrdering {
    /// Splits `events` (one record's, distinct dots) into those whose causal predecessors on the
    /// record are all present, in a deterministic causal order, and those still waiting.
    ///
    /// Order: a topological order of the "happened after" relation, choosing among the events that
    /// are ready the smallest by (HLC, dot). With well-behaved clocks this is simply (HLC, dot) order.
    static func order(_ events: [Event]) -> (ordered: [Event], pending: [Event]) {
        // Most records have one event (a sale, a goods receipt): the same answer without the sets.
        if events.count == 1 {
            let e = events[0]
            let ready = e.context.entries.allSatisfy { Dot(node: $0.key, seq: $0.value) == e.dot }
            return ready ? (events, []) : ([], events)
        }
        // A record has a handful of events: looking a dot up in the list is cheaper than hashing
        // it into a set, and a context's entries are read as they are (`dots` sorts a copy).
        let present: Set<Dot>? = events.count > 16 ? Set(events.map(\.dot)) : nil
        func isPresent(_ dot: Dot) -> Bool { present?.contains(dot) ?? events.contains { $0.dot == dot } }
        // An event is ready only when every dot its context names on this record is present.
        // (A context entry (n, s) names n's latest event on the record that the author had seen.)
        var complete: [Event] = []
        var waiting: [Event] = []
        for e in events {
            if e.context.entries.allSatisfy({ isPresent(Dot(node: $0.key, seq: $0.value)) }) {
                complete.append(e)
            } else {
                waiting.append(e)
            }
        }
        // Anything depending on a waiting event waits too.
        var changed = true
        while changed && !waiting.isEmpty {
            changed = false
            let waitingDots = Set(waiting.map(\.dot))
            complete.removeAll { e in
                let blocked = e.context.entries.contains { waitingDots.contains(Dot(node: $0.key, seq: $0.value)) }
                if blocked {
                    waiting.append(e)
                    changed = true
                }
                return blocked
            }
        }
        var remaining = complete.sorted(by: Event.tieBreak)
        // Fast path: with well-behaved clocks the tie-break order is already causal: every event's
        // context names only events before it.
        var causal = true
        var emitted = Set<Dot>()
        for (i, e) in remaining.enumerated() {
            let before = remaining[..<i]
            let seen: (Dot) -> Bool =
                present == nil ? { d in before.contains { $0.dot == d } } : { emitted.contains($0) }
            if e.context.entries.contains(where: { !seen(Dot(node: $0.key, seq: $0.value)) }) {
                causal = false
                break
            }
            if present != nil { emitted.insert(e.dot) }
        }
        if causal { return (remaining, waiting.sorted { $0.dot < $1.dot }) }
        var ordered: [Event] = []
        ordered.reserveCapacity(remaining.count)
        while !remaining.isEmpty {
            // The first (by tie-break) event none of whose predecessors are still remaining.
            let index =
                remaining.firstIndex { e in
                    !remaining.contains { other in other.dot != e.dot && e.context.contains(other.dot) }
                } ?? 0
            ordered.append(remaining.remove(at: index))
        }
        return (ordered, waiting.sorted { $0.dot < $1.dot })
    }

    /// The events no other event in `events` happened after.
    static func maximal(_ events: [Event]) -> [Event] {
        events.filter { e in !events.contains { $0.dot != e.dot && $0.context.contains(e.dot) } }
    }

    /// Last writer wins: the maximal event with the greatest (HLC, dot); the other maximal ones are
    /// concurrent losers, reported so nothing is silently dropped.
    static func lastWriter(_ events: [Event]) -> (winner: Event, losers: [Event])? {
        let heads = maximal(events).sorted(by: Event.tieBreak)
        guard let winner = heads.last else { return nil }
        return (winner, Array(heads.dropLast()))
    }
}
