import ArgumentParser
import Foundation
import NodeServer
import NodeStore

extension ReturnSync.NodeCommand {
    /// `returnsync node token …`: the keys the node's API accepts.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: CLIWords.text(
                "cli.help.node.token.about",
                english: "Make, list and revoke the keys the node's API accepts (one per till, one for the desk)."),
            discussion: """
                Every call to the node's API under /api/v1 (but /api/v1/healthz and /api/v1/metrics) \
                carries one of these keys as `Authorization: Bearer <key>`. The desk's browser is \
                given its key once, by opening http://<node>/desk#key=<key>; it keeps it after that. \
                The node keeps only each key's SHA-256: a lost key cannot be shown again, so revoke \
                it and make another. Works while `node serve` runs; a revoked key stops at once.

                Example:
                  returnsync node token add --data /var/lib/returnsync --name till-1
                """,
            subcommands: [Add.self, List.self, Revoke.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.node.token.add", english: "Make a key and print it (only this once) on standard output."))

            @OptionGroup var folder: NodeFolder

            @Option(help: ArgumentHelp("What the key is for: `till-1`, `desk`.", valueName: "name"))
            var name: String

            @Flag(help: "Print {\"name\", \"key\"} as JSON.")
            var json = false

            func run() async throws {
                let key = TokenHash.newToken()
                try await folder.service().addAPIToken(name: name, secretHash: TokenHash.of(key))
                if json {
                    try Output.printJSON(["name": name, "key": key])
                } else {
                    Output.print(key)
                    Output.note(
                        CLIWords.text(
                            "cli.token.made", ["name": name], english: "key \(name) made; it is shown only now"))
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text("cli.help.node.token.list", english: "List the keys, live and revoked."))

            @OptionGroup var folder: NodeFolder

            @Flag(help: "Print the keys as JSON.")
            var json = false

            func run() async throws {
                let keys = try await folder.service().apiTokens()
                if json {
                    try Output.printJSON(keys)
                } else {
                    var table = Table("NAME", "MADE", "REVOKED")
                    for k in keys {
                        table.add(k.name, TimeText.show(k.createdAt), k.revokedAt.map(TimeText.show) ?? "")
                    }
                    Output.print(
                        table.render(
                            empty: CLIWords.text(
                                "cli.empty.tokens", english: "No keys: make one with `node token add`.")))
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text("cli.help.node.token.revoke", english: "Stop a key working, at once."))

            @OptionGroup var folder: NodeFolder

            @Option(help: ArgumentHelp("The key's name.", valueName: "name"))
            var name: String

            func run() async throws {
                guard try await folder.service().revokeAPIToken(name: name) else {
                    throw ValidationError("token.unknown: no live key named \(name)")
                }
                Output.note(CLIWords.text("cli.token.revoked", ["name": name], english: "key \(name) revoked"))
            }
        }
    }
}
