import Foundation

/// Headless Chromium for the web pages' end-to-end tests. CI installs Debian's `chromium`
/// (`.ci/run`); on a machine without it those tests fail and say what to install.
enum Browser {
    struct NotFound: Error, CustomStringConvertible {
        var description: String {
            "no Chromium found (looked for chromium and chromium-browser on PATH, or $RETURNSYNC_BROWSER); "
                + "install Debian's `chromium` package, as .ci/run does"
        }
    }

    static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["RETURNSYNC_BROWSER"] { return URL(fileURLWithPath: path) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw NotFound()
    }

    /// The project's own scripts folder (`scripts/`), found from this source file's path.
    static func script(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/\(name)")
    }
}
