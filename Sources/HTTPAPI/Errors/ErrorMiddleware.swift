import Foundation
import Hummingbird
import Logging

/// Turns everything a route throws into the API's JSON error body, so no caller ever sees a bare status
/// or an HTML page. Each error type says its own answer (`APIErrorConvertible`, one file per kind in
/// `Errors/`); Hummingbird's own errors (unknown routes, oversized bodies) are mapped here, and anything
/// else is an unexpected failure: 500, logged with the error, answered without internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.map(error, request: request, logger: logger).response
        }
    }

    static func map(_ error: any Error, request: Request, logger: Logger) -> APIError {
        if let known = (error as? any APIErrorConvertible)?.apiError {
            if known.status.code >= 500 {
                logger.error("request refused by a failing dependency", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return known
        }
        if let h = error as? HTTPError {
            switch h.status {
            case .notFound: return .notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge: return .tooLarge
            default: return APIError(h.status, code: "http_\(h.status.code)", message: h.body ?? h.status.reasonPhrase)
            }
        }
        logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
        return APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
    }
}
