import HTTPSupport
import HubStore
import Hummingbird
import Replication
import ReturnsDomain

/// Head office's exceptions queue as the API and the dashboard show it, and its resolutions.
enum HeadOfficeQueue {
    /// The queue now (`ExceptionQueue.items`): the records' exceptions and invariants, customers'
    /// abuse signals above head office's thresholds, and stock below zero.
    static func current(_ store: any HubStore, now: Instant) async throws -> [ReplicationException] {
        let state = try await store.state()
        let abuse = ReturnAnalytics(try await state.analyticsInput()).customerSignals(
            asOf: now, thresholds: try await thresholds(store)
        ).filter { !$0.signals.isEmpty }
        return ExceptionQueue.items(
            records: try await state.exceptions(), abuse: abuse, stock: try await state.stock(sku: nil, store: nil))
    }

    /// Head office's note on exception `id` of the queue, published as the hub's event
    /// (`exception.resolved`) so that the store concerned sees it; a later note replaces it.
    static func resolve(_ id: String, note: String, by user: String, on store: any HubStore, now: Int64) async throws
        -> ExceptionResolution
    {
        let found = try await current(store, now: Instant(millis: now)).first { $0.id == id }
        let resolved = try ExceptionNote.resolve(
            id, code: found?.code, subject: found?.record.description, note: note, by: user, at: Instant(millis: now))
        try await store.authorAsHub(
            [(.exceptionResolved(resolved), .resolution(ofException: id))], by: StaffID(user), now: now)
        return ExceptionResolution(resolved)
    }

    /// The abuse thresholds head office set (`abuseThresholds.set`), else the standard ones in
    /// the hub's currency.
    static func thresholds(_ store: any HubStore) async throws -> AbuseThresholds {
        if case .abuseThresholds(let set) = try await store.state().record(.abuseThresholds)?.body { return set }
        return .standard(currency: store.currency)
    }

    /// Every resolution: head office's notes, and those the hub kept before they were events.
    static func resolutions(_ store: any HubStore) async throws -> [ExceptionResolution] {
        let notes = try await store.state().exceptionNotes().map(ExceptionResolution.init)
        let published = Set(notes.map(\.id))
        return (try await store.exceptionResolutions().filter { !published.contains($0.id) } + notes).sorted {
            ($0.resolvedAt, $0.id) < ($1.resolvedAt, $1.id)
        }
    }
}

extension HubRoutes {
    /// The abuse thresholds: read by anyone with reports, set by loss prevention and operators
    /// (the exceptions permission), published as the hub's event.
    func addSettingsRoutes(to api: Group) {
        api.get("settings/abuse-thresholds") { _, context in
            _ = try context.headOffice(.reports)
            return try JSONCoding.response(try await HeadOfficeQueue.thresholds(store))
        }
        api.put("settings/abuse-thresholds") { request, context in
            let by = try context.headOffice(.exceptions)
            let thresholds = try await JSONCoding.decode(AbuseThresholds.self, from: request)
            try thresholds.validate(currency: store.currency)
            try await store.authorAsHub(
                [(.abuseThresholdsSet(thresholds), .abuseThresholds)], by: StaffID(by), now: clock())
            return try JSONCoding.response(thresholds)
        }
    }
}

extension ExceptionResolution {
    init(_ note: ExceptionNote) {
        self.init(
            id: note.exception, note: note.note, resolvedBy: NodeID(note.resolvedBy), resolvedAt: note.resolvedAt.millis
        )
    }
}
