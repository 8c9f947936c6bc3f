/// How a replica's wall clock is kept honest against the hub's (Protocol/sync.md §7): at every
/// sync the node measures the hub's clock minus its own (`offset`, ms). Within `tolerance` its own
/// clock stands; beyond it the node dates documents and stamps events by the hub's clock instead,
/// so a fast till neither dates sales days ahead nor wins every concurrent edit, and it says so
/// (`isFlagged`) in its status, health and metrics.
public enum ClockSkew {
    /// Five minutes.
    public static let tolerance: Int64 = 300_000

    /// What to add to the replica's own clock.
    public static func correction(offset: Int64?, tolerance: Int64 = ClockSkew.tolerance) -> Int64 {
        guard let offset, offset.magnitude > UInt64(tolerance) else { return 0 }
        return offset
    }

    /// Whether the replica's own clock is off by more than the tolerance.
    public static func isFlagged(offset: Int64?, tolerance: Int64 = ClockSkew.tolerance) -> Bool {
        correction(offset: offset, tolerance: tolerance) != 0
    }
}
