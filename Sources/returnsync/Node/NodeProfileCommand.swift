import ArgumentParser
import Foundation
import NodeStore
import ReturnsDomain

extension ReturnSync.NodeCommand {
    /// `returnsync node profile`: the store's name, address and tax id, printed at the head of
    /// the return slip.
    struct ProfileCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile",
            abstract: CLIWords.text(
                "cli.help.node.profile.about",
                english: "Show or set the store's name, address and tax id, as its return slips print them."),
            discussion: """
                The desk prints these at the head of every return slip it hands a customer. Give any \
                of the options to change that part; an empty value removes it. Names in any script \
                work. The API does the same: GET and PUT /api/v1/store.

                Examples:
                  returnsync node profile --data /var/lib/returnsync
                  returnsync node profile --data /var/lib/returnsync --name "上海南京路店" \\
                    --address "上海市黄浦区南京东路 100 号" --tax-id 91310000MA1K000000
                """)

        @OptionGroup var folder: NodeFolder

        @Option(help: ArgumentHelp("The store's name, as customers know it.", valueName: "name"))
        var name: String?

        @Option(help: ArgumentHelp("The store's address (\\n for a line break).", valueName: "address"))
        var address: String?

        @Option(help: ArgumentHelp("The store's tax id (e.g. its unified social credit code).", valueName: "id"))
        var taxID: String?

        @Flag(help: "Print the profile as JSON.")
        var json = false

        func run() async throws {
            let service = try folder.service()
            var profile = try await service.storeProfile()
            if name != nil || address != nil || taxID != nil {
                if let name { profile.name = name }
                if let address { profile.address = address.replacingOccurrences(of: "\\n", with: "\n") }
                if let taxID { profile.taxID = taxID }
                profile = try await service.setStoreProfile(profile)
            }
            if json {
                try Output.printJSON(profile)
                return
            }
            var fields = Fields()
            fields.add("store", service.identity.store.rawValue)
            fields.add("name", profile.name ?? "(none)")
            fields.add("address", profile.address?.replacingOccurrences(of: "\n", with: ", ") ?? "(none)")
            fields.add("tax id", profile.taxID ?? "(none)")
            Output.print(fields.render())
        }
    }
}
