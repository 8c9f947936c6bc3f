import Admission
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// The rules checked against the ownership table of Protocol/sync.md (`OwnershipTable`, written
/// out independently of the code): every event kind, about its author's own store and another's, from
/// every role — and random events from random authors.
@Suite struct AuthorityTests {
    static let now = EventValuesTests.now
    static let eur = EventValuesTests.eur

    typealias About = OwnershipTable.About

    static func allowed(_ kind: String, role: AuthorRole, about: About) -> Bool {
        OwnershipTable.allows(kind, role: role, about: about)
    }

    static func author(_ role: AuthorRole) -> EventAuthor {
        switch role {
        case .store: EventAuthor(node: "S-A-1", role: .store, store: "S-A")
        case .channel: EventAuthor(node: "WEB-1", role: .channel, store: "WEB")
        case .headOffice: EventAuthor(node: "HQ-1", role: .headOffice, store: nil)
        case .hub: EventAuthor(node: EventAuthor.hubNode, role: .hub, store: nil)
        case .reader: EventAuthor(node: "VIEW-1", role: .reader, store: nil)
        }
    }

    /// An event of every kind, by `author`, about a record of `store`; and the owners the records
    /// already have (return RT-HELD and repair order RO-HELD, held by `store`).
    static func samples(by author: EventAuthor, about store: StoreID) -> (events: [Event], owners: RecordOwners) {
        let payloads = EventSamples.payloads(
            about: store, tag: "NEW", heldReturn: "RT-HELD", heldRepair: "RO-HELD", now: now)
        let events = payloads.enumerated().map { i, p in
            Event(
                dot: Dot(node: author.node, seq: UInt64(i + 1)), record: p.1, context: VersionVector(),
                hlc: HLCTimestamp(wall: now),
                staff: "王丽", payload: p.0)
        }
        var owners = RecordOwners()
        let holder = EventAuthor(node: "X-1", role: .store, store: store)
        let request = EventSamples.request("RT-HELD", store: store, sale: nil, now: now)
        let repair = EventSamples.repair("RO-HELD", of: "RT-HELD", store: store, now: now)
        try! AdmissionRules.admit(
            [
                Event(
                    dot: Dot(node: "X-1", seq: 1), record: .returnOrder("RT-HELD"), context: VersionVector(),
                    hlc: HLCTimestamp(wall: now), staff: "s", payload: .returnRequested(request)),
                Event(
                    dot: Dot(node: "X-1", seq: 2), record: .repairOrder("RO-HELD"), context: VersionVector(),
                    hlc: HLCTimestamp(wall: now), staff: "s", payload: .repairOpened(repair)),
            ], by: holder, owners: &owners, now: now)
        return (events, owners)
    }

    @Test(
        "every event kind, about its author's store and another's, from every role, as the table says",
        arguments: AuthorRole.allCases)
    func table(role: AuthorRole) {
        let author = Self.author(role)
        for about in About.allCases {
            let store: StoreID = about == .own ? (author.store ?? "S-A") : "S-B"
            let (events, owners) = Self.samples(by: author, about: store)
            #expect(Set(events.map(\.payload.kind)) == Set(OwnershipTable.rows.keys), "the samples cover every kind")
            for event in events {
                var o = owners
                let admitted: Bool
                var code: AdmissionError.Code?
                do {
                    try AdmissionRules.admit([event], by: author, owners: &o, now: Self.now)
                    admitted = true
                } catch {
                    admitted = false
                    code = error.code
                }
                // Head office and the hub have no store of their own: their "own" is any store.
                let expected = Self.allowed(event.payload.kind, role: role, about: author.store == nil ? .other : about)
                #expect(
                    admitted == expected,
                    "\(role) \(event.payload.kind) about \(about): \(code.map(\.rawValue) ?? "admitted")")
                if !admitted { #expect(code.map { [.notOwner, .roleMayNotAuthor].contains($0) } == true) }
            }
        }
    }

    @Test("a return opened by the hub for a channel may be walked by any store, not by head office")
    func channelReturns() throws {
        var owners = RecordOwners()
        let (samples, _) = Self.samples(
            by: EventAuthor(node: EventAuthor.hubNode, role: .hub, store: nil), about: "WEB")
        var request = samples.first { $0.payload.kind == "return.requested" }!
        request.record = .returnOrder("RT-HELD")
        if case .returnRequested(var r) = request.payload {
            r.id = "RT-HELD"
            request.payload = .returnRequested(r)
        }
        try AdmissionRules.admit(
            [request], by: EventAuthor(node: EventAuthor.hubNode, role: .hub, store: nil), owners: &owners,
            now: Self.now)
        let step = Event(
            dot: Dot(node: "S-B-1", seq: 1), record: .returnOrder("RT-HELD"), context: VersionVector(),
            hlc: HLCTimestamp(wall: Self.now),
            staff: "王丽", payload: .returnReceived(at: Instant(millis: Self.now), trackingNumber: nil))
        var o = owners
        try AdmissionRules.admit(
            [step], by: EventAuthor(node: "S-B-1", role: .store, store: "S-B"), owners: &o, now: Self.now)
        o = owners
        #expect(throws: AdmissionError.self) {
            try AdmissionRules.admit(
                [step], by: EventAuthor(node: "HQ-1", role: .headOffice, store: nil), owners: &o, now: Self.now)
        }
    }

    @Test("a step on a return nobody requested is refused; a batch may request and then step")
    func unknownRecords() throws {
        let author = EventAuthor(node: "S-A-1", role: .store, store: "S-A")
        let (events, _) = Self.samples(by: author, about: "S-A")
        let step = events.first { $0.payload.kind == "return.closed" }!
        var empty = RecordOwners()
        #expect(
            throws: AdmissionError(
                .unknownRecord, "event S-A-1#18 (return.closed): no return RT-HELD has been requested", dot: step.dot)
        ) {
            try AdmissionRules.admit([step], by: author, owners: &empty, now: Self.now)
        }
        var request = events.first { $0.payload.kind == "return.requested" }!
        request.record = .returnOrder("RT-HELD")
        if case .returnRequested(var r) = request.payload {
            r.id = "RT-HELD"
            request.payload = .returnRequested(r)
        }
        var owners = RecordOwners()
        try AdmissionRules.admit([request, step], by: author, owners: &owners, now: Self.now)
        #expect(owners.returns["RT-HELD"]?.store == "S-A")
    }

    @Test("random events from random authors are admitted exactly when the table says so", arguments: [1, 2, 3, 4, 5])
    func random(seed: UInt64) {
        var rng = SeededRNG(state: seed)
        let stores: [StoreID] = ["S-A", "S-B", "WEB"]
        for _ in 0..<400 {
            let role = AuthorRole.allCases.randomElement(using: &rng)!
            var author = Self.author(role)
            if role == .store || role == .channel { author.store = stores.randomElement(using: &rng) }
            let target = stores.randomElement(using: &rng)!
            let (events, owners) = Self.samples(by: author, about: target)
            let event = events.randomElement(using: &rng)!
            var o = owners
            let admitted = (try? AdmissionRules.admit([event], by: author, owners: &o, now: Self.now)) != nil
            let about: About = author.store == nil ? .other : (author.store == target ? .own : .other)
            #expect(
                admitted == Self.allowed(event.payload.kind, role: role, about: about),
                "\(author) \(event.payload.kind) about \(target)")
        }
    }
}
