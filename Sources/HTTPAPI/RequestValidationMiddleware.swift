import Foundation
import Hummingbird

/// Refuses, before any route runs, request parts no route can use safely:
/// - a query value holding U+0000 (PostgreSQL text cannot store it and libpq would silently cut the
///   parameter at it, so `?stream=a%00b` would read stream `a`);
/// - on a mutating request, an `X-Catalyst-Actor` other than `mcp` or `doctor` (the header names
///   who relays the command; an unknown value is a caller's mistake, not "api").
/// Both are 422 naming the parameter.
struct RequestValidationMiddleware<Context: RequestContext>: RouterMiddleware {
    static var actorHeader: HTTPFields.Element.Name { HTTPFields.Element.Name("X-Catalyst-Actor")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for (name, value) in request.uri.queryParameters where value.utf8.contains(0) {
            throw APIError.invalid(field: String(name), reason: "must not contain NUL (U+0000) characters")
        }
        if request.method == .post, let actor = request.headers[Self.actorHeader], !RequestActor.relays.contains(actor.lowercased()) {
            throw APIError.invalid(field: "X-Catalyst-Actor", reason: "must be mcp or doctor when given")
        }
        return try await next(request, context)
    }
}
