public import Foundation
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
