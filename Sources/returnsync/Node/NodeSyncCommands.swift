import ArgumentParser
import Foundation
import NodeStore
import SyncClient

extension ReturnSync.NodeCommand {
    /// `returnsync node connect`: remember the hub and this node's token.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.connect",
                english: "Remember which hub this node syncs with, and its token from `hub enroll`."),
            discussion: """
                After this, `node serve` pushes and pulls in the background, and `node sync --once` \
                does one round by hand. The token is stored in the node's database: protect the data \
                folder like the till.

                Example:
                  returnsync node connect --data /var/lib/returnsync --hub https://hub.example.internal --token 3f…
                """)
        @OptionGroup var folder: NodeFolder
        @Option(help: "The hub's base URL.") var hub: String
        @Option(help: "The token `hub enroll` printed for this node.") var token: String

        func run() async throws {
            guard hub.hasPrefix("http://") || hub.hasPrefix("https://") else {
                throw ValidationError("input.invalidURL: --hub must start with http:// or https://")
            }
            try await folder.service().connect(HubConnection(url: hub, token: token))
            print("connected to \(hub)")
        }
    }

    /// `returnsync node sync`: push the outbox and pull the hub's feed.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.sync", english: "Push this node's outbox to the hub and pull what the hub has for it."),
            discussion: """
                With --once, one round and exit (for scripts and cron); exit code 1 when the hub \
                could not be reached or refused. Without it, keep syncing every few seconds with \
                backoff while the hub is away, like `node serve` does. A node's first sync starts \
                from the hub's snapshot (every relevant event, loaded in one transaction) instead of \
                paging the feed from the start; progress goes to stderr.
                """)
        @OptionGroup var folder: NodeFolder
        @Flag(help: "One round, then exit.") var once = false
        @Flag(help: "Print the round's report as JSON.") var json = false

        func run() async throws {
            let service = try folder.service()
            guard let connection = try await service.hubConnection() else {
                throw CLIError("node.notConnected", "run `returnsync node connect --hub URL --token TOKEN` first")
            }
            let agent = SyncAgent(
                service: service, transport: HubClient(baseURL: connection.url, token: connection.token))
            repeat {
                let report = try await agent.syncOnce { line in
                    FileHandle.standardError.write(Data("sync: \(line)\n".utf8))
                }
                if json {
                    let e = JSONEncoder()
                    e.outputFormatting = [.sortedKeys]
                    print(String(decoding: try e.encode(report), as: UTF8.self))
                } else {
                    if report.bootstrapped > 0 {
                        print("bootstrapped from the hub's snapshot: \(report.bootstrapped) events")
                    }
                    print(
                        "pushed \(report.pushed) (\(report.pushDuplicates) already held), acked through seq \(report.acked); pulled \(report.pulled) (\(report.pullDuplicates) already held), checkpoint \(report.checkpoint)\(report.resynced ? ", resynced with a new hub epoch" : "")\(report.conflicts.isEmpty ? "" : ", \(report.conflicts.count) conflicting dot(s) refused")"
                    )
                }
                if !once { try await Task.sleep(for: .seconds(5)) }
            } while !once
        }
    }
}
