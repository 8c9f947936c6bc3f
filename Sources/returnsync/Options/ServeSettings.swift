import ArgumentParser
import Configuration

/// Where `node serve` and `hub serve` take their settings from, read in one place, highest first:
/// the command line, the environment (`RETURNSYNC_NODE_PORT`, `RETURNSYNC_HUB_RATE_LIMIT`, …: the
/// server's name, then the key in capitals with underscores), then a JSON file given with
/// `--config` (`{"port": 8080, "allowHosts": ["desk.store-12.lan"]}`), then the defaults.
struct ServeSettings {
    let reader: ConfigReader

    /// `server` is `node` or `hub`; `flags` are the options given on the command line, by key.
    init(server: String, flags: [String: ConfigContent?], file: String?) async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for case let (key, content?) in flags {
            values[AbsoluteConfigKey([key])] = ConfigValue(content, isSecret: false)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: values),
            EnvironmentVariablesProvider().prefixKeys(with: ["returnsync", server]),
        ]
        if let file {
            // The file's path through a reader of its own: the provider takes it as a key.
            let location = ConfigReader(
                provider: InMemoryProvider(values: [["filePath"]: ConfigValue(.string(file), isSecret: false)]))
            do {
                providers.append(try await FileProvider<JSONSnapshot>(config: location))
            } catch {
                throw ValidationError("input.invalidConfig: cannot read \(file) as a JSON object of settings: \(error)")
            }
        }
        reader = ConfigReader(providers: providers)
    }

    func string(_ key: String, default value: String) -> String {
        reader.string(forKey: ConfigKey([key]), default: value)
    }
    func strings(_ key: String) -> [String] { reader.stringArray(forKey: ConfigKey([key]), default: []) }

    /// An integer in `range`, or a `ValidationError` naming where it may have come from.
    func int(_ key: String, default value: Int, in range: ClosedRange<Int>, code: String) throws -> Int {
        let n = reader.int(forKey: ConfigKey([key]), default: value)
        guard range.contains(n) else {
            throw ValidationError("\(code): \(key) must be \(range.lowerBound) to \(range.upperBound), not \(n)")
        }
        return n
    }

    func double(_ key: String, default value: Double) -> Double {
        reader.double(forKey: ConfigKey([key]), default: value)
    }
}
