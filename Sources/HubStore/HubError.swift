public import Replication

/// Errors of the hub's storage, with a stable code a server maps to HTTP and a node acts on.
public struct HubError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable code: `sync.gap`, `sync.dotConflict`, `auth.revoked`, … (see `HubError.Code`).
    public var code: String
    /// What happened, in words a person can act on.
    public var message: String
    /// With `sync.gap`: the seq the hub expects next from the node.
    public var expectedSeq: UInt64?
    /// The figures and names of this occurrence, for the catalogs' `detail.<code>` templates
    /// (as `DomainError.values`); nil when the refusal carries none.
    public var values: [String: String]?

    public init(code: String, message: String, expectedSeq: UInt64? = nil, values: [String: String]? = nil) {
        self.code = code
        self.message = message
        self.expectedSeq = expectedSeq
        self.values = values
    }

    /// A refusal of the replication core's change-set check, under the same code.
    public init(_ error: ReplicationError) {
        self.init(code: error.code.rawValue, message: error.message)
    }

    public var description: String { "\(code): \(message)" }

    /// The codes the hub's storage uses. The `sync.*` codes of `ChangeSet.validate` pass through
    /// unchanged (`ReplicationError.Code`).
    public enum Code {
        public static let gap = ReplicationError.Code.gap.rawValue
        public static let dotConflict = ReplicationError.Code.dotConflict.rawValue
        public static let forgedAuthor = ReplicationError.Code.forgedAuthor.rawValue
        public static let changeSetTooLarge = ReplicationError.Code.changeSetTooLarge.rawValue
        public static let checkpointAhead = "sync.checkpointAhead"
        public static let badLimit = "sync.badLimit"
        public static let unknownNode = "auth.unknownNode"
        public static let revoked = "auth.revoked"
        public static let forbidden = "auth.forbidden"
        public static let alreadyEnrolled = "auth.alreadyEnrolled"
        public static let duplicateSecret = "auth.duplicateSecret"
        public static let storeRequired = "auth.storeRequired"
        public static let reservedNode = "auth.reservedNode"
        public static let invalidSecret = "auth.invalidSecret"
        public static let notAHub = "hub.notAHub"
        /// The same idempotency key was sent with a different request.
        public static let idempotencyConflict = "idempotency.conflict"
        public static let corrupt = "hub.corrupt"
        /// The hub's database cannot be read right now (health check).
        public static let databaseUnavailable = "hub.databaseUnavailable"
    }
}

/// Refusals every backend words the same way.
extension HubError {
    public static func unknownNode(_ node: NodeID) -> HubError {
        HubError(code: Code.unknownNode, message: "node \(node) is not enrolled with this hub")
    }

    /// A change set offered an event under `dot` that differs from the one the hub holds.
    public static func dotConflict(at dot: Dot, node: NodeID) -> HubError {
        HubError(
            code: Code.dotConflict,
            message:
                "the hub holds a different event under \(dot): node \(node) may be a restored backup or a cloned database; nothing of the change set was stored"
        )
    }

    /// The health check could not write: what a probe answers, without the driver's words.
    public static let databaseUnavailable = HubError(
        code: Code.databaseUnavailable, message: "the hub's database cannot be written to right now")

    /// Runs `probe`, refused as `databaseUnavailable` when it fails or takes longer than 2 s.
    public static func probing(_ probe: @escaping @Sendable () async throws -> Void) async throws(HubError) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await probe() }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    throw databaseUnavailable
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw databaseUnavailable
        }
    }

    public static func revoked(_ node: NodeID) -> HubError {
        HubError(
            code: Code.revoked,
            message: "the credential of node \(node) is revoked; enrol the node again under a new id")
    }
}
