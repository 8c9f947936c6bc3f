public import Replication
public import ReturnsDomain

/// The checks on an enrolment that need no database; every backend runs them first.
public enum Enrollment {
    /// Node ids no party may take: the embedded hub replicates under `hub` itself.
    public static let reservedNodes: Set<NodeID> = ["hub"]

    /// Refuses an empty or reserved node id (`auth.reservedNode`), a store node or channel
    /// without a store (`auth.storeRequired`) and an empty secret hash (`auth.invalidSecret`).
    public static func check(node: NodeID, store: StoreID?, role: HubRole, secretHash: String) throws(HubError) {
        guard !node.rawValue.isEmpty, !reservedNodes.contains(node) else {
            throw HubError(code: HubError.Code.reservedNode, message: "node id \"\(node)\" cannot be enrolled")
        }
        guard !role.needsStore || store != nil else {
            throw HubError(
                code: HubError.Code.storeRequired, message: "a \(role.rawValue) must belong to a store or channel")
        }
        guard !secretHash.isEmpty else {
            throw HubError(code: HubError.Code.invalidSecret, message: "the credential's secret hash is empty")
        }
    }
}
