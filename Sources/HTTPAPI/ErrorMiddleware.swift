import Application
import Foundation
import Hummingbird
import Logging

/// Turns everything a route throws into the API's JSON error body, so no caller ever sees a bare status
/// or an HTML page: unknown routes, oversized bodies, refusals of the rules, and unexpected failures
/// (500, logged with the error, answered without internals).
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
        switch error {
        case let e as APIError: return e
        case let e as ApplicationError: return APIError.from(e)
        case let r as DomainRefusal: return APIError(.conflict, code: r.code, message: r.message)
        case let h as HTTPError:
            switch h.status {
            case .notFound: return .notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge: return .tooLarge
            default: return APIError(h.status, code: "http_\(h.status.code)", message: h.body ?? h.status.reasonPhrase)
            }
        default:
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
        }
    }
}
