import Foundation

/// A hub process's epoch: read from the database at start-up, replaced by `rotateEpoch`; read by
/// every push and pull to stamp its answer.
public final class EpochCell: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String

    public init(_ value: String) { stored = value }

    public var value: String {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
