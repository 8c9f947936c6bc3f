/// Where a return stands. The only way forward is `ReturnStatus.next(after:)`.
///
///     requested ─┬─ approve ─▶ approved ─ receive ─▶ received ─ inspect ─▶ inspected ─ dispose ─▶ disposed
///                └─ reject ──▶ rejected ─ close ─▶ closed                                           │
///     disposed ─┬─ refund ───▶ refunded ──┬─ close ─▶ closed                                        │
///               └─ exchange ─▶ exchanged ─┘                                                          ┘
public enum ReturnStatus: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case requested, approved, rejected, received, inspected, disposed, refunded, exchanged, closed

    public static func < (a: ReturnStatus, b: ReturnStatus) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The steps that move a return forward.
public enum ReturnAction: String, Hashable, Sendable, Codable, CaseIterable {
    case approve, reject, receive, inspect, dispose, refund, exchange, close

    /// The status a return must be in for this action to be legal.
    public var allowedFrom: Set<ReturnStatus> {
        switch self {
        case .approve, .reject: [.requested]
        case .receive: [.approved]
        case .inspect: [.received]
        case .dispose: [.inspected]
        case .refund, .exchange: [.disposed]
        case .close: [.refunded, .exchanged, .rejected]
        }
    }

    /// The status after the action.
    public var resultingStatus: ReturnStatus {
        switch self {
        case .approve: .approved
        case .reject: .rejected
        case .receive: .received
        case .inspect: .inspected
        case .dispose: .disposed
        case .refund: .refunded
        case .exchange: .exchanged
        case .close: .closed
        }
    }

    /// Past tense for messages ("cannot be approved").
    public var pastTense: String {
        switch self {
        case .approve: "approved"
        case .reject: "rejected"
        case .receive: "received"
        case .inspect: "inspected"
        case .dispose: "disposed of"
        case .refund: "refunded"
        case .exchange: "exchanged"
        case .close: "closed"
        }
    }
}

extension ReturnStatus {
    /// The status after `action`, or `return.illegalTransition`.
    public func next(after action: ReturnAction) throws(DomainError) -> ReturnStatus {
        guard action.allowedFrom.contains(self) else { throw .illegalTransition(from: self, action: action.pastTense) }
        return action.resultingStatus
    }
}
