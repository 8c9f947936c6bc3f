public import SyncProtocol

/// What the hub answers a push with; the wire type of the sync protocol itself.
public typealias PushReceipt = PushResponse
