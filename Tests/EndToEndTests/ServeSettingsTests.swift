import AsyncHTTPClient
import ChildProcesses
import Foundation
import Testing

/// `node serve` reads its settings in one place (swift-configuration): the command line over the
/// environment over a JSON file over the defaults.
@Suite("Serve settings: flags, environment, file")
struct ServeSettingsTests {
    @Test("the file sets the port, the environment beats the file, a flag beats both; a bad value stops it")
    func precedence() async throws {
        let fixture = try await NodeFixture.seeded(sales: 1, unitsPerSale: 1)
        defer { fixture.folder.remove() }
        let client = HTTPClient.shared
        let (filePort, envPort, flagPort) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
        let file = try fixture.folder.write(
            "node.json", #"{"host": "127.0.0.1", "port": \#(filePort), "logLevel": "warning"}"#)

        for (settings, environment, port) in [
            (["--config", file], [:], filePort),
            (["--config", file], ["RETURNSYNC_NODE_PORT": String(envPort)], envPort),
            (["--config", file, "--port", String(flagPort)], ["RETURNSYNC_NODE_PORT": String(envPort)], flagPort),
        ] as [([String], [String: String], Int)] {
            let server = try await NodeServerProcess.start(
                data: fixture.data, log: fixture.folder.file("serve-\(port).log"), client: client,
                environment: environment, settings: settings, port: port)
            server.send(SIGTERM)
            _ = try await server.waitForExit()
            server.stop()
        }

        let bad = try fixture.folder.write("bad.json", #"{"port": 70000}"#)
        let refused = try await returnsync("node", "serve", "--data", fixture.data, "--config", bad)
        #expect(refused.status != 0 && refused.stderr.contains("input.invalidPort"), "\(refused)")
        let unreadable = try await returnsync(
            "node", "serve", "--data", fixture.data, "--config", fixture.folder.file("missing.json").path)
        #expect(unreadable.status != 0 && unreadable.stderr.contains("input.invalidConfig"), "\(unreadable)")
    }
}
