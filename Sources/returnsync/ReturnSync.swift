import ArgumentParser

/// The `returnsync` command: run a store's node and work its return desk from a terminal.
@main
struct ReturnSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "returnsync",
        abstract: "Sales returns for a retail chain: a store's node and its return desk.",
        discussion: """
            Every store runs a node: one SQLite file that keeps working with no network. Staff record \
            sales, returns, inspections, dispositions, refunds and exchanges into it; the node keeps \
            every change as an event in its outbox until the hub has taken it.

            Set up a store once with `returnsync node init`, run it with `returnsync node serve` (the \
            local HTTP API for the till and the return desk), and use the other commands at the desk \
            or in scripts. Desk commands work directly on the node's data folder, also while \
            `node serve` is running.

            Money is written as decimal text (12.34) in the node's currency. Add --json to any desk \
            command for output a script can read. On bad input a command prints the error's stable \
            code and message (for example `return.overReturn: ...`) and exits non-zero.

            Try it without setting anything up: `returnsync demo`.
            """,
        subcommands: [
            NodeCommand.self,
            HubCommand.self,
            ProductCommand.self,
            StockCommand.self,
            SaleCommand.self,
            ReturnCommand.self,
            ExchangeCommand.self,
            CustomerCommand.self,
            AlertsCommand.self,
            ExceptionsCommand.self,
            LedgerCommand.self,
            DemoCommand.self,
        ])
}
