import ArgumentParser
import Foundation
import HubServer
import ReturnsDomain

extension HubCommand {
    /// `returnsync hub staff set`: head office defines a staff member; every node receives them.
    struct StaffCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff",
            abstract: CLIWords.text(
                "cli.help.hub.staff.about",
                english: "Define the chain's staff: name, roles, store and PIN, delivered to every node."),
            subcommands: [Set.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.staff.set",
                    english: "Define or change a staff member (the PIN is read from standard input)."),
                discussion: """
                    Roles: clerk (the return desk), storeManager (approves, rejects, writes off, \
                    refunds any amount), afterSales (writes off), finance (refunds any amount). A \
                    member with no --store works at every store. The PIN (4 to 12 digits) is read \
                    from standard input, never from the command line; it is kept only as a bcrypt \
                    hash. Give --pin-stdin (or --pin-file) for someone new or to change it. The same as \
                    PUT /api/v1/staff/{id} on the hub's API.

                    Examples:
                      echo 2468 | returnsync hub staff set --data /var/lib/returnsync-hub --id S-WANGLI \\
                        --name 王丽 --role clerk --store SH-01 --language zh-CN --pin-stdin
                      returnsync hub staff set --data /var/lib/returnsync-hub --id S-WANGLI --name 王丽 \\
                        --role clerk --role storeManager --store SH-01
                      returnsync hub staff set --data /var/lib/returnsync-hub --id S-WANGLI --name 王丽 \\
                        --role clerk --left
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The staff id (what they type to sign in).") var id: String
            @Option(help: "Their name, in any script.") var name: String
            @Option(help: "A role: clerk, storeManager, afterSales or finance (repeat for several).") var role: [String]
            @Option(help: "The store they work at (none: every store).") var store: String?
            @Option(help: "The language of their pages: zh-CN or en.") var language: String?
            @Flag(help: "Read a new PIN from standard input.") var pinStdin = false
            @Option(help: "Read a new PIN from this file (its first line).") var pinFile: String?
            @Flag(help: "They have left: they can no longer sign in.") var left = false
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                var roles: [StaffRole] = []
                for name in role {
                    guard let role = StaffRole(rawValue: name) else {
                        throw ValidationError(
                            "staff.invalid: \(name) is not a role; use \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    roles.append(role)
                }
                var pin = pinStdin ? readLine(strippingNewline: true) : nil
                if let pinFile {
                    let text = try String(contentsOfFile: pinFile, encoding: .utf8)
                    pin = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                }
                let definition = StaffDefinition(
                    name: name, roles: roles, store: store.map(StoreID.init(rawValue:)), language: language,
                    active: left ? false : nil, pin: pin)
                let member = try await HubStaff.define(
                    StaffID(id), definition, on: try await folder.open(), by: "hub-cli",
                    now: Int64(Date().timeIntervalSince1970 * 1000))
                if json {
                    var out = [
                        "id": member.id.rawValue, "name": member.name,
                        "roles": member.roles.map(\.rawValue)
                            .joined(separator: ","), "active": String(member.active),
                    ]
                    out["store"] = member.store?.rawValue
                    print(String(decoding: try JSONEncoder().encode(out), as: UTF8.self))
                } else {
                    print(
                        "\(member.id) \(member.name): \(member.roles.map(\.rawValue).joined(separator: ", "))"
                            + " at \(member.store?.rawValue ?? "every store")\(member.active ? "" : " (left)")")
                }
            }
        }
    }
}
