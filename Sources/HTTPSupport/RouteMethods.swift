public import Hummingbird
import Synchronization

/// The methods each registered path answers, so that a known path asked with a method it does not
/// have is `405 route.methodNotAllowed` with an `Allow` header (RFC 9110 §15.5.6) rather than the
/// not-found fallback's `404 route.notFound`.
///
/// ``ProblemMiddleware`` is added before the routes (so that it also wraps the fallback); the table
/// is filled once they are all registered, with ``record(_:)``.
public final class RouteMethods: Sendable {
    private let table = Mutex<[(path: RouterPath, methods: [HTTPRequest.Method])]>([])

    public init() {}

    /// Takes every route `router` has registered so far.
    public func record<Context>(_ router: Router<Context>) {
        var byPath: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in router.routes {
            byPath[route.path.description, default: (route.path, [])].methods.append(route.method)
        }
        let entries = byPath.values.map { ($0.path, $0.methods.sorted { $0.rawValue < $1.rawValue }) }
        table.withLock { $0 = entries }
    }

    /// The methods registered for `path`, sorted; empty when no route has the path.
    public func allowed(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return table.withLock { table in
            var methods: Set<HTTPRequest.Method> = []
            for entry in table where Self.matches(entry.path, segments) {
                methods.formUnion(entry.methods)
            }
            return methods.sorted { $0.rawValue < $1.rawValue }
        }
    }

    private static func matches(_ route: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in route.components {
            if element.description == "**" { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
