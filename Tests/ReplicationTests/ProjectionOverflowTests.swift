import ReturnsDomain
import Testing

@testable import Replication

/// The projection's running sums are checked: a sum that would leave the 64-bit range refuses the
/// change (`projection.overflow`) instead of trapping the process that applies it.
@Suite struct ProjectionOverflowTests {
    @Test("a sum past Int64's range throws projection.overflow; at the edge it does not")
    func checkedSums() throws {
        var total = Int64.max - 1
        try ProjectionDelta.sum(&total, 1, "an account")
        #expect(total == .max)
        #expect(throws: ProjectionDelta.overflow("an account")) { try ProjectionDelta.sum(&total, 1, "an account") }
        var low = Int.min + 1
        try ProjectionDelta.sum(&low, 1, subtract: true, "stock")
        #expect(low == .min)
        #expect(throws: ProjectionDelta.overflow("stock")) { try ProjectionDelta.sum(&low, 1, subtract: true, "stock") }
        var undo = Int.min
        #expect(throws: ProjectionDelta.overflow("stock")) {
            try ProjectionDelta.sum(&undo, Int.min, subtract: false, "stock")
        }
    }

    @Test("an ordinary change folds into the delta unchanged by the checks")
    func ordinary() throws {
        var s = ScenarioBuilder()
        let sale = s.author("N1", .sale("R-A-1"), .saleRecorded(ScenarioBuilder.sale()))
        var delta = ProjectionDelta()
        try delta.add(old: RecordState(key: sale.record), new: RecordFold.fold(key: sale.record, events: [sale]))
        #expect(delta.stock.values.reduce(0, +) == -2, "two units left the shelf: \(delta.stock)")
    }
}
