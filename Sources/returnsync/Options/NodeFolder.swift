import ArgumentParser
import Foundation
import NodeStore

/// `--data DIR`: the folder that holds the node's database (`node.sqlite` and its WAL files).
struct NodeFolder: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The node's data folder (default: $RETURNSYNC_DATA).", valueName: "dir"))
    var data: String?

    func validate() throws {
        guard path != nil else {
            throw ValidationError("input.missingData: give the node's data folder with --data DIR or $RETURNSYNC_DATA")
        }
    }

    /// The folder from the flag or the environment.
    var path: String? {
        if let data, !data.isEmpty { return data }
        if let env = ProcessInfo.processInfo.environment["RETURNSYNC_DATA"], !env.isEmpty { return env }
        return nil
    }

    var url: URL { URL(fileURLWithPath: path ?? ".", isDirectory: true) }

    /// Opens the node's database (it must have been created with `node init`).
    func open() throws -> NodeDatabase { try NodeDatabase.open(in: url) }

    /// Opens the node and its return desk.
    func service() throws -> NodeService { NodeService(database: try open()) }
}
