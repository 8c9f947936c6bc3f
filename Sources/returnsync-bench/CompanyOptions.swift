import ArgumentParser
import Foundation

/// The options of the benchmarks that build a seeded company first (pull, bootstrap).
struct CompanyOptions: ParsableArguments {
    @Option(help: "Stores.") var stores = 20
    @Flag(help: "Skip the run over HTTP.") var noHTTP = false
    @Option(help: "Folder for the throwaway databases (default: the system's temporary folder).") var dir: String?
    @Option(
        help: "Keep built companies in this folder and reuse them in later runs (the setup is not timed either way).")
    var companyCache: String?

    var folder: URL {
        dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-bench")
    }

    var cache: URL? { companyCache.map { URL(fileURLWithPath: $0) } }
}
