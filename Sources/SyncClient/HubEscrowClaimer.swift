import Foundation
public import NodeStore
public import ReturnsDomain
import SyncProtocol

/// Claims escrow from the hub over HTTP (`POST /sync/v1/escrow/claims`) for the return desk.
///
/// A customer is waiting at the desk, so the claim gets a short timeout (3 s by default): when the
/// hub does not answer in time the node goes on with its risk budget. The hub's refusals
/// (`escrow.insufficient`, …) become `EscrowRefusal`, which the desk must not override.
public struct HubEscrowClaimer: EscrowClaimer {
    let client: HubClient

    public init(baseURL: String, token: String, timeoutSeconds: Int64 = 3) {
        client = HubClient(baseURL: baseURL, token: token, timeoutSeconds: timeoutSeconds)
    }

    public func claimEscrow(_ claim: EscrowClaim) async throws -> EscrowGrant {
        do {
            let data = try await client.exchange("POST", SyncRoutes.escrowClaims, body: try JSONEncoder().encode(claim))
            return try JSONDecoder().decode(EscrowGrant.self, from: data)
        } catch let problem as ProblemDetails where EscrowRefusal.refusingCodes.contains(problem.code) {
            throw EscrowRefusal(code: problem.code, message: problem.detail)
        }
    }
}
