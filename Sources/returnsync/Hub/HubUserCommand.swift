import ArgumentParser
import Foundation
import HubServer
import ReturnsDomain

extension HubCommand {
    /// `returnsync hub user set|list`: the people who sign in to head office's dashboard.
    struct UserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: CLIWords.text(
                "cli.help.hub.user.about",
                english: "Define head office's users: name, roles and password, for the dashboard and the API."),
            subcommands: [Set.self, List.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.user.set",
                    english: "Define or change a head-office user (the password is read from standard input)."),
                discussion: """
                    Roles: analyst (reads the dashboard, analytics, returns, stock and sync health), \
                    finance (an analyst who also exports the general ledger and verifies the hub), \
                    lossPrevention (an analyst who also resolves exceptions), operator (everything, \
                    including staff and users). The password (at least 10 characters) is read from \
                    standard input, never from the command line, and kept only as a bcrypt hash. \
                    Users are the hub's own: they are not sent to stores. The same as \
                    PUT /api/v1/users/{id} on the hub's API.

                    Examples:
                      printf '%s\\n' 'a long passphrase' | returnsync hub user set --data /var/lib/returnsync-hub \\
                        --id hq.chen --name 陈静 --role finance --language zh-CN --password-stdin
                      returnsync hub user set --data /var/lib/returnsync-hub --id hq.chen --name 陈静 \\
                        --role finance --left
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The user id (what they type to sign in).") var id: String
            @Option(help: "Their name, in any script.") var name: String
            @Option(help: "A role: analyst, finance, lossPrevention or operator (repeat for several).")
            var role: [String]
            @Option(help: "The language of their pages: zh-CN or en.") var language: String?
            @Flag(help: "Read a new password from standard input (its first line).") var passwordStdin = false
            @Option(help: "Read a new password from this file (its first line).") var passwordFile: String?
            @Flag(help: "They have left: they can no longer sign in.") var left = false
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                var roles: [HeadOfficeRole] = []
                for name in role {
                    guard let role = HeadOfficeRole(rawValue: name) else {
                        throw ValidationError(
                            "user.invalid: \(name) is not a role; use "
                                + HeadOfficeRole.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    roles.append(role)
                }
                var password = passwordStdin ? readLine(strippingNewline: true) : nil
                if let passwordFile {
                    let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                    password = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                }
                let definition = HeadOfficeUserDefinition(
                    name: name, roles: roles, language: language, active: left ? false : nil, password: password)
                let user = try await HeadOfficeSignIn.define(
                    HeadOfficeUserID(id), definition, on: try await folder.open())
                if json {
                    let out: [String: String] = [
                        "id": user.id.rawValue, "name": user.name,
                        "roles": user.roles.map(\.rawValue).joined(separator: ","), "active": String(user.active),
                    ]
                    print(String(decoding: try JSONEncoder().encode(out), as: UTF8.self))
                } else {
                    print(
                        "\(user.id) \(user.name): \(user.roles.map(\.rawValue).joined(separator: ", "))"
                            + (user.active ? "" : " (left)"))
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text("cli.help.hub.user.list", english: "List head office's users."))
            @OptionGroup var folder: HubFolder

            func run() async throws {
                for user in try await folder.open().users() {
                    print(
                        "\(user.id) \(user.name): \(user.roles.map(\.rawValue).joined(separator: ", "))"
                            + (user.active ? "" : " (left)"))
                }
            }
        }
    }
}
