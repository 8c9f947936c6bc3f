public import Foundation
import GRDB
public import ReplicaStore

/// The node's replica database (`ReplicaDatabase`), in the node's folder.
public typealias NodeDatabase = ReplicaDatabase

/// Errors of the node store, with stable codes.
public typealias NodeStoreError = ReplicaStoreError

extension ReplicaDatabase {
    public static func databasePath(in directory: URL) -> String {
        directory.appendingPathComponent("node.sqlite").path
    }

    /// Creates a new node database in `directory` (which must not hold one yet), with pages of
    /// `nodePageSize` bytes.
    public static func create(in directory: URL, identity: NodeIdentity) throws -> NodeDatabase {
        try create(atPath: databasePath(in: directory), identity: identity, pageSize: nodePageSize)
    }

    /// The page size of a new node database: 1 KB instead of SQLite's default 4 KB. Every commit
    /// appends each page it changed to the WAL and fsyncs it, and fsync's time here grows with
    /// those bytes: a return changes about seventeen pages, so small pages make its commit
    /// shorter. Every row a node writes, an event body included, fits on a 1 KB page. A database
    /// keeps the page size it was created with.
    public static let nodePageSize = 1024

    /// Opens the node database in `directory`.
    public static func open(in directory: URL) throws -> NodeDatabase {
        let path = databasePath(in: directory)
        guard FileManager.default.fileExists(atPath: path) else {
            throw NodeStoreError(
                code: "node.notInitialised", message: "no node database at \(path); run `returnsync node init` first")
        }
        return try open(atPath: path)
    }
}

extension NodeStoreError {
    /// `error` in the node's words when it is the database failing (a full disk, an unwritable or
    /// vanished file, an I/O error): `node.storageUnavailable`, with SQLite's result code but not
    /// its message. Other errors come back as they are.
    public static func storage(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_NOMEM, .SQLITE_CORRUPT,
            .SQLITE_NOTADB, .SQLITE_BUSY, .SQLITE_LOCKED:
            return NodeStoreError(
                code: "node.storageUnavailable",
                message:
                    "the node's database cannot be written to right now (storage error \(error.extendedResultCode.rawValue)): nothing was recorded; check the disk"
            )
        default:
            return NodeStoreError(
                code: "node.databaseError",
                message:
                    "the node's database refused the change (storage error \(error.extendedResultCode.rawValue)): nothing was recorded"
            )
        }
    }
}
