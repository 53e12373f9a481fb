import Foundation
import Hummingbird

/// Checks the bearer token when one is configured. The static page and its assets, the OpenAPI
/// document and `/health` are public (the page asks for the token and sends it with every API
/// call); everything else needs `Authorization: Bearer <token>`, or `?access_token=<token>`
/// for clients that cannot set headers (the browser's EventSource). Tokens are compared in
/// constant time.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    static var publicPaths: Set<String> { ["/", "/app.js", "/app.css", "/openapi.yaml", "/health"] }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, !Self.publicPaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        let presented: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            presented = parts.count == 2 && parts[0].lowercased() == "bearer"
                ? String(parts[1]).trimmingCharacters(in: .whitespaces) : nil
        } else {
            presented = HTTPSupport.query(request, "access_token")
        }
        guard let presented else {
            throw ControlError(statusCode: 401, code: .unauthorized, message: "a bearer token is required")
        }
        guard Self.constantTimeEqual(presented, token) else {
            throw ControlError(statusCode: 401, code: .unauthorized, message: "the bearer token is not valid")
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = a.count ^ b.count
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= Int(x ^ y)
        }
        return difference == 0
    }
}
