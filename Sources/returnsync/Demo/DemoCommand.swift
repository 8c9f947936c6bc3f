import ArgumentParser
import Foundation
import NodeStore

extension ReturnSync {
    /// `returnsync demo`: a scripted day at one store, in a throw-away node.
    struct DemoCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Walk a scripted day at one store in a temporary node and show the results.",
            discussion: """
                Creates a node in a temporary folder, sets up a catalog of 3 products, books goods \
                in, rings up 5 sales, takes 3 returns through approval, inspection, disposition and \
                refund and one through an exchange, then prints stock per location, the returns, the \
                trial balance and the result of `node verify`. Nothing outside the temporary folder \
                is touched; it is removed afterwards unless you pass --keep.
                """)

        @Flag(help: "Keep the demo node's folder and print its path, to explore it with the other commands.")
        var keep = false

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent(
                    "returnsync-demo-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
            defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
            let report = try await DemoDay(folder: folder).run()
            if keep {
                Output.print("\nThe demo node is kept in \(folder.path); try:")
                Output.print("  returnsync return list --data \(folder.path)")
            }
            if !report.isOK { throw ExitCode.failure }
        }
    }
}
