import Replication
import ReturnsDomain
import Testing

@Suite struct EventAuthoringTests {
    static func fresh(seq: UInt64 = 0, clock: HLCTimestamp = HLCTimestamp(wall: 0)) -> EventAuthoring {
        EventAuthoring(node: "hub", store: "HQ", seq: seq, clock: HybridLogicalClock(last: clock))
    }

    @Test("each event takes the next seq and a clock tick, with the context it is given")
    func nextEvent() {
        var authoring = Self.fresh(seq: 41, clock: HLCTimestamp(wall: 5_000, logical: 2))
        var context = VersionVector()
        context.record(Dot(node: "S-01", seq: 3))
        let first = authoring.author(
            .returnClosed(at: Instant(millis: 4_000)), on: .returnOrder("R-1"), context: context, staff: "ana",
            now: 4_000)
        let second = authoring.author(
            .returnClosed(at: Instant(millis: 9_000)), on: .returnOrder("R-1"), context: context, staff: "ana",
            now: 9_000)
        #expect(first.dot == Dot(node: "hub", seq: 42))
        #expect(first.hlc == HLCTimestamp(wall: 5_000, logical: 3))
        #expect(first.context == context)
        #expect(first.record == .returnOrder("R-1"))
        #expect(second.dot.seq == 43)
        #expect(second.hlc == HLCTimestamp(wall: 9_000, logical: 0))
        #expect(authoring.seq == 43)
        #expect(authoring.clock.last == second.hlc)
    }

    @Test(
        "document numbers count per prefix and keep their text form",
        arguments: [
            (0, "RT-WEB-HQ-000001"), (41, "RT-WEB-HQ-000042"), (999_999, "RT-WEB-HQ-1000000"),
        ])
    func documentNumbers(last: Int, expected: String) {
        var authoring = Self.fresh()
        authoring.counters["RT-WEB"] = last
        #expect(authoring.mint("RT-WEB") == expected)
        #expect(authoring.counters["RT-WEB"] == last + 1)
        #expect(authoring.mint("RO") == "RO-HQ-000001")
        #expect(EventAuthoring.documentNumber("RT", store: "S-01", number: 17) == "RT-S-01-000017")
    }

    @Test(
        "the clock's text form is wall.logical and reads back",
        arguments: [
            (HLCTimestamp(wall: 0, logical: 0), "0.0"),
            (HLCTimestamp(wall: 1_741_000_000_123, logical: 7), "1741000000123.7"),
        ])
    func clockText(hlc: HLCTimestamp, text: String) {
        #expect(EventAuthoring.clockText(hlc) == text)
        #expect(EventAuthoring.parseClock(text) == hlc)
    }

    @Test("a clock text reads as far as it is digits")
    func clockTextTolerance() {
        #expect(EventAuthoring.parseClock("12") == HLCTimestamp(wall: 12, logical: 0))
        #expect(EventAuthoring.parseClock("12.3.4") == HLCTimestamp(wall: 12, logical: 3))
        #expect(EventAuthoring.parseClock("") == HLCTimestamp(wall: 0, logical: 0))
    }
}
