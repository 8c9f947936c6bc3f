import ArgumentParser
import NodeStore
import ReturnsDomain

/// Runs one lifecycle step on a return and prints the result.
enum ReturnStepRunner {
    static func run(_ options: DeskOptions, _ id: String, _ step: (Currency) throws -> NodeService.Step) async throws {
        let service = try options.node.service()
        let view = try await service.advance(
            ReturnID(id), try step(service.identity.currency), staff: StaffID(options.staffID),
            signedIn: try await options.signedIn(service))
        try options.emit(view) { Render.returnDocument(view) }
    }
}

extension ReturnSync.ReturnCommand {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.approve", english: "Approve a requested return (one the policy flagged for a manager)."
            ))
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(help: "Why it was approved, for the audit trail.") var note: String?

        func run() async throws { try await ReturnStepRunner.run(options, id) { _ in .approve(note: note) } }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.reject", english: "Reject a requested return; the reason is told to the customer."))
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(help: "Why it is rejected.") var reason: String

        func run() async throws { try await ReturnStepRunner.run(options, id) { _ in .reject(reason: reason) } }
    }

    struct Receive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.receive",
                english: "Record that the goods arrived; they go to the pendingInspection location."))
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("Courier tracking number.", valueName: "number")) var tracking: String?

        func run() async throws {
            try await ReturnStepRunner.run(options, id) { _ in .receive(trackingNumber: tracking) }
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text("cli.help.return.inspect", english: "Grade the received units, line by line."),
            discussion: """
                --grade LINE:GRADE:QTY[:NOTES], repeated until every unit has a grade. Grades: a as \
                new, b cosmetic flaws, c repairable, d beyond repair, vendor for a manufacturing defect.

                Example:
                  returnsync return inspect RT-S-A-000001 --grade 1:a:1 --grade 2:c:1:"no power"
                """)
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(
            help: ArgumentHelp("Units of a line and their grade.", valueName: "line:grade:qty"),
            transform: StepArguments.grade)
        var grade: [LineGrade] = []

        func validate() throws {
            guard !grade.isEmpty else {
                throw ValidationError("input.missingGrade: give at least one --grade LINE:GRADE:QTY")
            }
        }

        func run() async throws { try await ReturnStepRunner.run(options, id) { _ in .inspect(grades: grade) } }
    }

    struct Dispose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.dispose", english: "Send the graded units on: each grade has its own disposition."),
            discussion: """
                  --restock LINE:QTY                     a: back to sellable stock
                  --refurbish LINE:QTY:VALUE:DISCLOSURE  b: resold at VALUE each, disclosed
                  --repair LINE:QTY:TECHNICIAN           c: to repair, opens a repair order
                  --scrap LINE:QTY:REASON                d: written off
                  --vendor LINE:QTY:VENDOR[:RMA]         vendor defect: back to the supplier

                Example:
                  returnsync return dispose RT-S-A-000001 --restock 1:1 --repair 2:1:Lee
                """)
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(
            help: ArgumentHelp("Grade-a units back to sellable stock.", valueName: "line:qty"),
            transform: StepArguments.restock)
        var restock: [StepArguments.DispositionArgument] = []
        @Option(
            help: ArgumentHelp("Grade-b units to refurbished resale.", valueName: "line:qty:value:disclosure"),
            transform: StepArguments.refurbish)
        var refurbish: [StepArguments.DispositionArgument] = []
        @Option(
            help: ArgumentHelp("Grade-c units to repair.", valueName: "line:qty:technician"),
            transform: StepArguments.repair)
        var repair: [StepArguments.DispositionArgument] = []
        @Option(
            help: ArgumentHelp("Grade-d units to scrap.", valueName: "line:qty:reason"), transform: StepArguments.scrap)
        var scrap: [StepArguments.DispositionArgument] = []
        @Option(
            help: ArgumentHelp("Vendor-defect units back to the supplier.", valueName: "line:qty:vendor[:rma]"),
            transform: StepArguments.vendor)
        var vendor: [StepArguments.DispositionArgument] = []

        var all: [StepArguments.DispositionArgument] { restock + refurbish + repair + scrap + vendor }

        func validate() throws {
            guard !all.isEmpty else {
                throw ValidationError(
                    "input.missingDisposition: give --restock, --refurbish, --repair, --scrap or --vendor")
            }
        }

        func run() async throws {
            let all = all
            try await ReturnStepRunner.run(options, id) { currency in
                .dispose(dispositions: try all.map { try $0.resolve(currency) })
            }
        }
    }

    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.return.refund", english: "Pay the customer back; once recorded, the money has left the till."),
            discussion: """
                  --to original         the receipt's tenders, in proportion (the default)
                  --to cash             cash from the till
                  --to bank:REF         a bank transfer with its reference
                  --to credit           store credit for the return's customer
                  --to credit:CUSTOMER  store credit for another customer
                """)
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("Where the money goes.", valueName: "method"), transform: StepArguments.refundMethod)
        var to: RefundMethod = .originalTender

        func run() async throws { try await ReturnStepRunner.run(options, id) { _ in .refund(method: to) } }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text("cli.help.return.close", english: "File a refunded, exchanged or rejected return."))
        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String

        func run() async throws { try await ReturnStepRunner.run(options, id) { _ in .close } }
    }
}
