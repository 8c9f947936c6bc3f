import ArgumentParser
import NodeStore
import Replication
import ReturnsDomain

extension ReturnSync {
    /// `returnsync ledger`: the trial balance.
    struct LedgerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: CLIWords.text(
                "cli.help.ledger.about",
                english: "The trial balance of every posting this node holds (debits equal credits)."))

        @OptionGroup var options: DeskOptions

        func run() async throws {
            let ledger = try await options.node.service().read { try $0.ledger() }
            let rows = TrialBalanceRow.rows(ledger)
            try options.emit(rows) { Render.trialBalance(rows) }
        }
    }
}

/// One account's balance in one currency; debit positive.
struct TrialBalanceRow: Codable {
    var account: String
    var title: String
    var currency: String
    var balance: Int64

    static func rows(_ ledger: [LedgerKey: Int64]) -> [TrialBalanceRow] {
        ledger.keys.sorted().map {
            TrialBalanceRow(
                account: $0.account.rawValue, title: $0.account.title, currency: $0.currency.rawValue,
                balance: ledger[$0]!)
        }
    }
}
