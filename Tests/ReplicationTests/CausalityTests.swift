import Replication
import ReturnsDomain
import Testing

@Suite struct VersionVectorTests {
    static let table: [([String: UInt64], [String: UInt64], CausalOrder)] = [
        ([:], [:], .equal),
        (["a": 1], ["a": 1], .equal),
        (["a": 1], ["a": 2], .before),
        (["a": 2], ["a": 1], .after),
        ([:], ["b": 1], .before),
        (["a": 1], ["b": 1], .concurrent),
        (["a": 2, "b": 1], ["a": 1, "b": 2], .concurrent),
        (["a": 1, "b": 0], ["a": 1], .equal),
        (["a": 1], ["a": 1, "c": 4], .before),
    ]

    @Test("compare gives equal, before, after or concurrent", arguments: table)
    func compare(a: [String: UInt64], b: [String: UInt64], expected: CausalOrder) {
        let va = VersionVector(Dictionary(uniqueKeysWithValues: a.map { (NodeID($0.key), $0.value) }))
        let vb = VersionVector(Dictionary(uniqueKeysWithValues: b.map { (NodeID($0.key), $0.value) }))
        #expect(va.compare(vb) == expected)
        let mirrored: CausalOrder =
            switch expected {
            case .before: .after;
            case .after: .before;
            default: expected
            }
        #expect(vb.compare(va) == mirrored)
        let m = va.merged(with: vb)
        #expect(va.isCovered(by: m) && vb.isCovered(by: m))
    }

    @Test("a vector stays sparse: zero entries are not stored and it round-trips through JSON")
    func sparseAndCodable() throws {
        var v = VersionVector([NodeID("x"): 0])
        #expect(v.isEmpty)
        v.record(Dot(node: "s-17", seq: 4))
        v.record(Dot(node: "s-17", seq: 2))
        #expect(v["s-17"] == 4 && v.contains(Dot(node: "s-17", seq: 3)) && !v.contains(Dot(node: "s-17", seq: 5)))
        let data = try JSONEncoderForTests.encode(v)
        #expect(String(decoding: data, as: UTF8.self) == #"{"s-17":4}"#)
    }
}

@Suite struct HybridLogicalClockTests {
    @Test("local ticks are strictly increasing even when the wall clock stalls or goes back")
    func monotonic() {
        var c = HybridLogicalClock()
        var last = c.tick(now: 1_000)
        for now: Int64 in [1_000, 999, 500, 1_001, 1_001] {
            let t = c.tick(now: now)
            #expect(t > last)
            last = t
        }
    }

    @Test("observing a remote stamp moves past it")
    func observe() {
        var c = HybridLogicalClock()
        _ = c.tick(now: 1_000)
        let (t, clamped) = c.observe(HLCTimestamp(wall: 2_000, logical: 3), now: 1_500)
        #expect(!clamped)
        #expect(t == HLCTimestamp(wall: 2_000, logical: 4))
        #expect(c.tick(now: 1_600) > t)
    }

    @Test("a far-future stamp is clamped to now plus the allowed drift")
    func clampFarFuture() {
        var c = HybridLogicalClock(maxDriftMillis: 60_000)
        let (t, clamped) = c.observe(HLCTimestamp(wall: 10_000_000), now: 1_000)
        #expect(clamped)
        #expect(t.wall == 61_000)
    }
}

@Suite struct ChangeSetTests {
    func event(_ node: String, _ seq: UInt64, record: RecordKey = .sale("R-A-1"), payload: DomainEvent? = nil) -> Event
    {
        Event(
            dot: Dot(node: NodeID(node), seq: seq), record: record, context: VersionVector(),
            hlc: HLCTimestamp(wall: 1), staff: "s", payload: payload ?? .saleRecorded(ScenarioBuilder.sale()))
    }

    @Test(
        "bad change sets are refused with a stable code",
        arguments: [
            ("empty", "sync.emptyChangeSet"), ("tooLarge", "sync.changeSetTooLarge"), ("gap", "sync.badSequence"),
            ("forged", "sync.forgedAuthor"), ("wrongRecord", "sync.recordMismatch"), ("selfContext", "sync.badContext"),
        ])
    func refused(kind: String, code: String) {
        var events = [event("A", 1), event("A", 2)]
        switch kind {
        case "empty": events = []
        case "tooLarge": events = (1...5).map { event("A", UInt64($0)) }
        case "gap": events[1].dot.seq = 3
        case "forged": events[1].dot.node = "B"
        case "wrongRecord": events[1].record = .product("SKU-1")
        default: events[1].context = VersionVector([NodeID("A"): 2])
        }
        #expect(throws: ReplicationError.self) { try ChangeSet(node: "A", events: events).validate(maxEvents: 4) }
        do {
            try ChangeSet(node: "A", events: events).validate(maxEvents: 4)
        } catch {
            #expect(error.code.rawValue == code)
        }
    }

    @Test("a well-formed change set passes")
    func accepted() throws {
        try ChangeSet(node: "A", events: [event("A", 7), event("A", 8)]).validate(maxEvents: 10)
    }
}
