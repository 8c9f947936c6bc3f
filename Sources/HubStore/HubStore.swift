public import Replication
public import ReturnsDomain
public import ServiceLifecycle

/// The hub's storage: who may sync, the change sets nodes push, the feed they pull, and read
/// access to the company-wide state those events fold to.
///
/// Two backends implement it and pass the same behaviour suite (`Tests/HubStoreTests`): SQLite
/// for an embedded one-site hub and PostgreSQL for a chain. Servers see `any HubStore`, never a
/// driver. Authentication is the server's job: it turns a bearer secret into a `HubCredential`
/// with `credential(secretHash:)` and passes the authenticated node to `push` and `pull`.
///
/// Times (`now`) are wall-clock milliseconds passed in by the caller, so tests control them.
///
/// A store is a `Service`: `hub serve` runs it in its service group before the HTTP server, so on
/// SIGTERM the server stops taking requests first and the store (a PostgreSQL connection pool)
/// closes last.
public protocol HubStore: HubAccess, HubSyncLog, HubReadModel, HubOperations, HubFeedLog, Service {}

/// Who may sync: the hub database's identity (its epoch, its health) and the enrolled credentials.
public protocol HubAccess: Sendable {
    /// The random id minted when this hub database was created. A rebuilt hub has a new one,
    /// so nodes holding a checkpoint from the old database resync instead of skipping events.
    func epoch() async throws -> String

    /// The chain's default currency: what head office's imports are priced in unless they say.
    var currency: Currency { get }

    /// Gives this hub database a new random epoch and returns it: what an operator does after
    /// restoring the hub from an older backup (`returnsync hub rotate-epoch`), so that every node
    /// pulls again from checkpoint 0 and sends all its own events again, instead of resuming at a
    /// checkpoint the restored feed numbers differently. Hub processes read the epoch when they
    /// start: stop them all first (this store answers the new epoch at once).
    func rotateEpoch() async throws -> String

    /// Writes to the database once, durably, for health checks (a `probe` row of the hub's meta
    /// table, within 2 s): throws `hub.databaseUnavailable`, with no driver text, when it cannot
    /// (PostgreSQL down or unreachable, a full disk, the SQLite file closed or read-only).
    func checkDatabase() async throws

    /// Lets `node` sync with the credential whose secret hashes to `secretHash` (only the hash is
    /// ever stored). Node ids are never reused: a node restored from a backup enrols as a new
    /// incarnation. Refused: `auth.alreadyEnrolled`, `auth.duplicateSecret`, `auth.storeRequired`
    /// (store nodes and channels need a store), `auth.reservedNode`.
    func enroll(node: NodeID, store: StoreID?, role: HubRole, secretHash: String, now: Int64) async throws

    /// Revokes `node`'s credential for good: its pushes and pulls are refused (`auth.revoked`).
    /// Idempotent; `auth.unknownNode` when the node was never enrolled.
    func revoke(node: NodeID) async throws

    /// The credential whose secret hashes to `secretHash`, revoked or not; nil when none does.
    func credential(secretHash: String) async throws -> HubCredential?
}

/// The sync log: change sets nodes push, the feed they pull, the snapshot new nodes start from, and
/// what nodes refuse of it.
public protocol HubSyncLog: Sendable {

    /// Takes in a change set authored by the authenticated `node` (DESIGN §5), atomically and
    /// durably, before answering. See `PushPlan` for the rules every backend applies; a refused
    /// change set writes nothing of itself (a `sync.dotConflict` does record a `HubIncident`).
    func push(_ changeSet: ChangeSet, from node: NodeID, now: Int64) async throws -> PushReceipt

    /// The events relevant to `node` (see `FeedRelevance`) with a hub sequence number above
    /// `checkpoint`, in hub-sequence order, at most `limit` (capped at `PullPage.maxEvents`).
    /// Records the node's last pull (a backend may skip the record for the intermediate pages of a
    /// long catch-up, if it stays at most a second stale). Refused: `sync.checkpointAhead` for a checkpoint beyond
    /// anything this hub database has handed out, `sync.badLimit` for a limit under 1.
    func pull(for node: NodeID, after checkpoint: UInt64, limit: Int, now: Int64) async throws -> PullPage

    /// Rings once this store has committed events to the feed (a push, a channel return) and, with
    /// several hub processes over one database, when another process has. The hub holds pulls
    /// that ask to wait (`GET /sync/v1/pull?wait=`) on it. The first call may start listening to
    /// the database for the other processes' appends (PostgreSQL: `LISTEN`).
    func feedSignal() -> FeedSignal

    /// What a new node starts from instead of paging the feed from 0: the events relevant to
    /// `node` (the same `FeedRelevance` rule as `pull`) up to a checkpoint, handed out in batches,
    /// then the checkpoint. Consistent: pulling after that checkpoint misses nothing and repeats
    /// nothing. Refused like `pull` (`auth.unknownNode`, `auth.revoked`) before anything is handed
    /// out. Records the node's pull (`pulled_checkpoint`) when the end is reached.
    ///
    /// A default implementation pages `pull`; a backend that can read one consistent snapshot
    /// (one read transaction) overrides it and also knows `expectedEvents` up front.
    func snapshot(for node: NodeID, now: Int64) async throws -> HubSnapshot

    /// Records that `node` refused to take in event `dot` from the feed, for `code` (an
    /// `admission.*` rule) and `message`: an incident (`HubIncident.feedRefusedCode`) head office
    /// sees. The same refusal again is counted, not repeated. Refused: `auth.unknownNode`,
    /// `auth.revoked`.
    func recordRefusal(by node: NodeID, of dot: Dot, code: String, message: String, now: Int64) async throws
}

/// Head office's reads: sync health, incidents, the company-wide projections and their check.
public protocol HubReadModel: Sendable {

    /// Every enrolled node's sync health, sorted by node.
    func syncStatus() async throws -> [NodeSyncStatus]

    /// Refused pushes head office must look at (dot conflicts: clones and restored backups),
    /// newest first.
    func incidents() async throws -> [HubIncident]

    /// Read access to the company-wide projections, for the head-office API.
    func state() async throws -> any HubStateView

    /// Checks the hub's projections against a rebuild from its events, and its own bookkeeping
    /// (feed, acknowledgements) against the events it holds.
    func verify() async throws -> HubVerificationReport
}

/// The decisions the hub takes itself: resolving exceptions, channel returns, escrow claims.
public protocol HubOperations: Sendable {

    /// The resolutions recorded before they were events (`exception.resolved`), oldest first: the
    /// hub kept them in its own table, which it no longer writes.
    func exceptionResolutions() async throws -> [ExceptionResolution]

    /// Records a return submitted by an online channel (`channel` is its credential) on its behalf:
    /// checked against the company-wide returnable quantities and the channel's policy, written as
    /// the hub's own events (every node pulls them), approved at once when the policy allows.
    /// The same `idempotencyKey` with the same request answers the original receipt again
    /// (`replayed` true) and records nothing; with a different request it throws
    /// `idempotency.conflict`.
    func submitChannelReturn(
        _ request: ChannelReturnRequest, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (receipt: ChannelReturnReceipt, replayed: Bool)

    /// Records a sale the online `channel` made (its credential's store), as the hub's own event
    /// (`ChannelDesk.sale`): so that its returns can be checked against it and its stock and
    /// revenue are the channel's. Idempotent like `submitChannelReturn`. Refused:
    /// `auth.forbidden`, `sale.wrongStore`, `sale.duplicateReceipt`, the sale's validation.
    func recordChannelSale(
        _ sale: Sale, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (sale: Sale, replayed: Bool)

    /// Walks one of the `channel`'s own returns one step (`ChannelDesk.step`: approve, reject,
    /// receive at the channel's warehouse or at a named store, inspect, dispose, refund, exchange
    /// for goods from the channel's stock, close), as the hub's own events, and answers the return as it then stands. Idempotent like
    /// `submitChannelReturn`. Refused: `return.notFound`, `auth.forbidden` (another store's
    /// return), `input.missingStaff`, and the core's refusals of the step.
    func advanceChannelReturn(
        _ id: ReturnID, _ step: ReturnStepCommand, from channel: HubCredential, idempotencyKey: String,
        staff: StaffID, now: Int64
    ) async throws -> (state: ReturnOrderState, replayed: Bool)

    /// Defines (or redefines) a staff member as head office's word (`staff.defined`, authored by the
    /// hub, delivered to every node): their name, roles, store, PIN hash and whether they still
    /// work here. Checked by the same admission as any event.
    func defineStaff(_ member: StaffMember, by staff: StaffID, now: Int64) async throws -> StaffMember

    /// Head office's word as the hub's own events (node `hub`), each after its record's earlier
    /// events, admitted like any pushed event and delivered to every node, in one transaction:
    /// master data (stores and channels, the catalog). Answers the events.
    @discardableResult
    func authorAsHub(_ payloads: [(DomainEvent, RecordKey)], by staff: StaffID, now: Int64) async throws -> [Event]

    // MARK: Head-office users (hub-local: never in the feed, never on a node)

    /// Adds or replaces a head-office user; a user who has left loses their sessions.
    func defineUser(_ user: HeadOfficeUser) async throws

    /// The user `id`, with their wrong passwords since the last sign-in.
    func user(_ id: HeadOfficeUserID) async throws -> (user: HeadOfficeUser, failures: PINFailures?)?

    /// Every head-office user, by id.
    func users() async throws -> [HeadOfficeUser]

    /// Keeps the wrong-password count of `id` (`PINLockout`); nil clears it.
    func setSignInFailures(_ id: HeadOfficeUserID, _ failures: PINFailures?) async throws

    /// Keeps a new sign-in.
    func startSession(_ session: HeadOfficeSession) async throws

    /// The sign-in whose token hashes to `tokenHash`, with its user, when it has not expired at
    /// `now` and the user is still active.
    func session(tokenHash: String, now: Int64) async throws -> (session: HeadOfficeSession, user: HeadOfficeUser)?

    /// Ends a sign-in (signing out).
    func endSession(tokenHash: String) async throws

    /// Grants a store node (`credential`) returnable quantities of a sale, for the return named in
    /// the claim (another store's sale; or its own store's, which the holder claims while online) (DESIGN §4, `EscrowRules`): all lines or none, held until
    /// that return merges or the claim expires. A retry for the same return answers the same grant
    /// (`replayed` true).
    /// Refused: `auth.forbidden` (not a store node), `sale.notFound`,
    /// `escrow.invalidClaim`, `escrow.insufficient`, `escrow.claimConflict`. Claims are serialised
    /// per sale, so two claims racing for the last unit get one grant.
    func claimEscrow(_ claim: EscrowClaim, from credential: HubCredential, now: Int64) async throws -> (
        grant: EscrowGrant, replayed: Bool
    )

    /// The claims outstanding at `now` (not expired, return not merged yet), oldest first.
    func outstandingClaims(now: Int64) async throws -> [EscrowGrant]
}
