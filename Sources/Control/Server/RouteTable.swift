/// The API's routes as (method, path template) pairs, read back from the built router. Used to
/// answer 405 with an `Allow` header when a path exists under other methods, and by the test
/// that keeps the router and `docs/openapi.yaml` in step.
public struct RouteTable: Sendable, Equatable {
    public struct Route: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// "GET", "POST"...
        public var method: String
        /// "/calls/{id}/hold"
        public var path: String

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }

        public var description: String { "\(method) \(path)" }

        public static func < (lhs: Route, rhs: Route) -> Bool {
            (lhs.path, lhs.method) < (rhs.path, rhs.method)
        }
    }

    public let routes: [Route]

    public init(_ routes: [Route]) {
        self.routes = Array(Set(routes)).sorted()
    }

    /// The methods registered for templates that match `path`, sorted.
    public func methods(matching path: String) -> [String] {
        let segments = Self.segments(path)
        let methods = routes.filter { Self.matches(template: $0.path, segments: segments) }.map(\.method)
        return Array(Set(methods)).sorted()
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func matches(template: String, segments: [Substring]) -> Bool {
        let parts = self.segments(template)
        guard parts.count == segments.count else { return false }
        for (part, segment) in zip(parts, segments) {
            if part.hasPrefix("{") && part.hasSuffix("}") { continue }
            if part != segment { return false }
        }
        return true
    }
}
