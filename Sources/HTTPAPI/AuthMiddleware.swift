import Foundation
import Hummingbird
import Logging

/// `X-API-Key` on every mutating request and on event reads, when keys are configured
/// (`CATALYST_API_KEYS`). With no keys the server only listens on loopback (checked at start-up), the
/// original system's local trust. A refused attempt is logged without the key it carried.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !keys.isEmpty, Self.requiresKey(method: request.method, path: request.uri.path) else { return try await next(request, context) }
        let given = request.headers[HTTPFields.Element.Name("X-API-Key")!]
        guard let given, keys.contains(given) else {
            logger.warning(
                "unauthorized request", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "key_present": "\(given != nil)"])
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }

    static func requiresKey(method: HTTPRequest.Method, path: String) -> Bool {
        if ![.get, .head, .options].contains(method) { return true }
        return path == "/api/v1/events" || path.hasPrefix("/api/v1/events/")
    }
}
