import ArgumentParser

extension ReturnSync {
    /// `returnsync node …`: set up, run and check the store's node.
    struct NodeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "node",
            abstract: CLIWords.text("cli.help.node.about", english: "Set up, run and check this store's node."),
            discussion: """
                A node is one store's replica: a data folder holding node.sqlite (plus its -wal and \
                -shm files while open). Create it once with `node init`, run the HTTP API with \
                `node serve`, and check it with `node verify` after a crash or before a backup.
                """,
            subcommands: [
                Init.self, Serve.self, Token.self, Verify.self, Status.self, Connect.self, Sync.self,
                EscrowCommand.self, ProfileCommand.self,
            ])
    }
}
