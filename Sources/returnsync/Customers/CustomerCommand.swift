import ArgumentParser
import NodeStore
import ReturnsDomain

extension ReturnSync {
    /// `returnsync customer …`: contact details and return history.
    struct CustomerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customer",
            abstract: CLIWords.text(
                "cli.help.customer.about",
                english: "Register a customer's contact details; show their returns and store credit."),
            subcommands: [Add.self, History.self])
    }
}

extension ReturnSync.CustomerCommand {
    /// `returnsync customer add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.customer.add",
                english: "Register a customer (or change their details), so that sales can be found by phone."))

        @OptionGroup var options: DeskOptions
        @Option(help: ArgumentHelp("The customer id (as on the receipt).", valueName: "id")) var id: String
        @Option(help: "Name.") var name: String?
        @Option(help: "Phone number, as the desk will type it when searching.") var phone: String?
        @Option(help: "E-mail address.") var email: String?

        func run() async throws {
            let customer = ReturnsDomain.Customer(id: CustomerID(id), name: name, phone: phone, email: email)
            try await options.node.service().registerCustomer(customer, staff: StaffID(options.staffID))
            try options.emit(customer) {
                CLIWords.text("cli.customer.registered", ["id": "\(id)"], english: "Customer \(id) registered")
            }
        }
    }

    /// `returnsync customer history ID`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.customer.history",
                english: "A customer's returns at every store this node knows of, and their store credit."))

        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The customer id.", valueName: "id")) var id: String

        func run() async throws {
            let customer = CustomerID(id)
            let history = try await options.node.service().read { try $0.customerHistory(customer) }
            try options.emit(history) { Render.customerHistory(history) }
        }
    }
}
