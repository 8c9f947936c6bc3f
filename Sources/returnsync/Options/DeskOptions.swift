import ArgumentParser
import Foundation
import NodeStore
import ReturnsDomain

/// The flags every desk command shares: which node, who is working, and how to print.
struct DeskOptions: ParsableArguments {
    @OptionGroup var node: NodeFolder

    @Option(
        help: ArgumentHelp(
            "Staff member recorded as doing this (default: $RETURNSYNC_STAFF, else the login name).",
            valueName: "id"))
    var staff: String?

    @Flag(help: "Print JSON for scripts instead of tables.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Read --staff's PIN from standard input: in a store whose staff sign in, a step that needs their authority (approve, reject, write off, a large refund) is signed for with it."
        ))
    var pinStdin = false

    func validate() throws {
        if let staff, staff.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("input.missingStaff: --staff must not be empty")
        }
    }

    /// The staff member to record: the flag, else the environment, else the login name.
    var staffID: String {
        if let staff { return staff }
        let env = ProcessInfo.processInfo.environment
        return env["RETURNSYNC_STAFF"] ?? env["USER"] ?? env["LOGNAME"] ?? "cli"
    }

    /// Whether the staff member proved who they are: with `--pin-stdin`, their PIN, checked by
    /// the node like a sign-in at the desk (`auth.signInFailed`, `auth.pinLocked`).
    func signedIn(_ service: NodeService) async throws -> Bool {
        guard pinStdin else { return false }
        _ = try await service.authoriser(StaffID(staffID), pin: readLine(strippingNewline: true) ?? "")
        return true
    }

    /// Prints `value` as JSON when `--json` was given, else the human-readable `text()`.
    func emit<T: Encodable>(_ value: T, text: () -> String) throws {
        if json {
            try Output.printJSON(value)
        } else {
            Output.print(text())
        }
    }
}
