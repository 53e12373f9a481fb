import Foundation
import Hummingbird
import Logging

/// Turns every failure into the API's JSON error body: ``ControlError`` as it is, the router's
/// "no route" into 404 `unknown_route` or, when the path exists under other methods, 405
/// `method_not_allowed` with an `Allow` header; anything unexpected into a 500 whose details
/// go to the log, not to the client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: ControlLock<RouteTable>
    let logger: Logger

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ControlError {
            var headers: HTTPFields = [:]
            if error.statusCode == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"parley\"" }
            return HTTPSupport.errorResponse(error, extraHeaders: headers)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.withLock { $0.methods(matching: request.uri.path) }
            if allowed.isEmpty {
                return HTTPSupport.errorResponse(ControlError(
                    statusCode: 404, code: .unknownRoute, message: "no route \(request.uri.path)"))
            }
            return HTTPSupport.errorResponse(
                ControlError(statusCode: 405, code: .methodNotAllowed,
                             message: "\(request.method) is not allowed on \(request.uri.path); use "
                                 + allowed.joined(separator: ", ")),
                extraHeaders: [.allow: allowed.joined(separator: ", ")])
        } catch let error as any HTTPResponseError {
            let status = error.status
            let code: ControlError.Code = status.code == 413 ? .payloadTooLarge : .badRequest
            return HTTPSupport.errorResponse(ControlError(statusCode: status.code, code: code,
                                                          message: status.reasonPhrase))
        } catch is CancellationError {
            return HTTPSupport.errorResponse(.unavailable("the request was cancelled"))
        } catch {
            logger.error("control request failed", metadata: [
                "path": "\(request.uri.path)", "method": "\(request.method)", "error": "\(error)",
            ])
            return HTTPSupport.errorResponse(.internalError("internal error"))
        }
    }
}
