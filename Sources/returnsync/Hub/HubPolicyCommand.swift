import ArgumentParser
import Foundation
import HubServer
import ReturnsDomain

extension HubCommand {
    /// `returnsync hub policy publish|list|preview`: the chain's layered, versioned return policy.
    struct PolicyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: CLIWords.text(
                "cli.help.hub.policy.about",
                english: "The chain's return policy in layers: chain, channel, store, category; each rule versioned."),
            subcommands: [Publish.self, List.self, Preview.self])

        struct Publish: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.policy.publish",
                    english: "Publish the next version of a scope's rule; every node receives it."),
                discussion: """
                    A scope is chain, channel:branch|online|marketplace, store:<id> or \
                    category:<name>. Layers apply in that order, each over the one before; a rule \
                    states only what it changes. The settings are a JSON object (a file, or - for \
                    standard input): noReasonWindowDays, faultWindowDays, acceptedConditions, \
                    returnable (a category's rule only), nonReturnableCategories, receiptRequired, \
                    receiptlessMaxValue, receiptlessMaxPer90Days, restockingFee ({"percent": 1500}, \
                    {"fixed": {"minor": 500, "currency": "CNY"}} or {"none": true}), approvalThreshold. \
                    A version takes effect from its date (a return's business date); a published \
                    version never changes. The same as PUT /api/v1/policies/{scope}/versions/{n}.

                    Example:
                      echo '{"noReasonWindowDays": 15}' | returnsync hub policy publish \\
                        --data /var/lib/returnsync-hub --scope category:小家电 --version 1 \\
                        --from 2026-12-01 --settings - --note "延长无理由退货"
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "chain, channel:<kind>, store:<id> or category:<name>.") var scope: String
            @Option(help: "The version: the scope's last one plus one.") var version: Int
            @Option(help: "From when (RFC 3339 date or date-time).") var from: String
            @Option(help: "The settings' JSON file, or - for standard input.") var settings: String
            @Option(help: "Why this version.") var note: String?

            func run() async throws {
                guard let scope = PolicyScope(recordID: scope) else {
                    throw ValidationError("policy.invalidScope: chain, channel:<kind>, store:<id> or category:<name>")
                }
                guard let from = Instant(rfc3339: from) else {
                    throw ValidationError("policy.invalidRule: --from is a date like 2026-12-01")
                }
                let data =
                    settings == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: settings)
                guard let data else {
                    throw DomainError(code: "input.fileUnreadable", message: "cannot read \(settings)")
                }
                let rule = PolicyRule(
                    scope: scope, version: version, effectiveFrom: from,
                    settings: try JSONDecoder().decode(PolicySettings.self, from: data), note: note)
                let published = try await PolicyPublishing.publish(
                    rule, on: try await folder.open(), by: "hub-cli", now: Int64(Date().timeIntervalSince1970 * 1000))
                print("\(rule.reference) \(published ? "published" : "was published already"), from \(from.rfc3339)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.policy.list", english: "List every rule version, marking those in force today."))
            @OptionGroup var folder: HubFolder

            func run() async throws {
                let rules = try await folder.open().state().policyRules()
                let now = Instant(millis: Int64(Date().timeIntervalSince1970 * 1000))
                let inForce = Set(
                    Dictionary(grouping: rules, by: \.scope).values.compactMap { EffectivePolicy.inForce($0, at: now) })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for rule in rules {
                    let settings = String(decoding: try encoder.encode(rule.settings), as: UTF8.self)
                    print(
                        "\(inForce.contains(rule) ? "*" : " ") \(rule.reference) from \(rule.effectiveFrom.rfc3339) "
                            + settings + (rule.note.map { " — \($0)" } ?? ""))
                }
            }
        }

        struct Preview: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.policy.preview",
                    english: "What would this return get? The verdict and the rule versions that decide it."),
                discussion: """
                    The return is a JSON file (or - for standard input) as a store's desk or the online \
                    channel sends it: sale, lines (saleLine or sku, quantity, reason, condition), and \
                    businessDate for a past one. Nothing is recorded. The same as \
                    POST /api/v1/policies/preview.
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The store or channel taking the return.") var store: String
            @Option(help: "The return's JSON file, or - for standard input.") var file: String

            func run() async throws {
                let data =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
                guard let data else { throw DomainError(code: "input.fileUnreadable", message: "cannot read \(file)") }
                let answer = try await PolicyPreview.run(
                    PolicyPreviewBody(
                        store: StoreID(store), return: try JSONDecoder().decode(ReturnSubmission.self, from: data)),
                    on: try await folder.open(), now: Instant(millis: Int64(Date().timeIntervalSince1970 * 1000)))
                print("\(answer.verdict.decision.rawValue) at \(answer.businessDate)")
                for reason in answer.verdict.reasons { print("  \(reason.code): \(reason.message)") }
                print(
                    "decided by: \(answer.decidedBy.isEmpty ? "(the whole policy)" : answer.decidedBy.joined(separator: ", "))"
                )
            }
        }
    }
}
