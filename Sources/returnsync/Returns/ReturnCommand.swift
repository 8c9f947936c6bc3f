import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync return …`: the return document (退货单) from request to close.
    struct ReturnCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "return",
            abstract: CLIWords.text(
                "cli.help.return.about",
                english: "Open a return and take it through approval, inspection, disposition and refund."),
            discussion: """
                The steps, in order:
                  create   open it against a receipt; the policy checks it at once,
                           and a return it simply allows is approved right away
                  approve  a manager approves a flagged return (or: reject --reason)
                  receive  the goods are in; they go to pendingInspection
                  inspect  grade units a (as new), b, c (repairable), d (scrap), vendor
                  dispose  restock, refurbish, repair, scrap or back to the vendor
                  refund   pay the customer back (or `returnsync exchange` instead)
                  close    file the return

                Each step prints the return; `return show ID` prints it again with its audit trail.
                """,
            subcommands: [
                Create.self, Approve.self, Reject.self, Receive.self, Inspect.self, Dispose.self, Refund.self,
                Close.self, Show.self, List.self, CreditNoteCommand.self,
            ])
    }
}

extension ReturnSync.ReturnCommand {
    /// `returnsync return show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text("cli.help.return.show", english: "Show a return with its lines, steps and money."))

        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String

        func run() async throws {
            let returnID = ReturnID(id)
            guard let view = try await options.node.service().read({ try $0.returnView(returnID) }) else {
                throw DomainError.invalid("return.notFound", "no return \(id)", ["return": "\(id)"])
            }
            try options.emit(view) { Render.returnDocument(view) }
        }
    }

    /// `returnsync return list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.list",
                english: "List this store's returns (or another store's the node holds), newest first."))

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("Only returns in this status.", valueName: "status")) var status: ReturnStatus?
        @Option(help: ArgumentHelp("At most this many.", valueName: "n")) var limit = 100
        @Option(help: ArgumentHelp("Another store's returns that this node holds.", valueName: "store"))
        var store: String?

        func validate() throws {
            guard limit > 0 else { throw ValidationError("input.invalidLimit: --limit must be positive") }
        }

        func run() async throws {
            let (status, limit) = (status, limit)
            let service = try options.node.service()
            let store = store.map(StoreID.init) ?? service.identity.store
            let views = try await service.read { try $0.returns(store: store, status: status, limit: limit) }
            try options.emit(views) { Render.returnList(views) }
        }
    }
}
