import Foundation
import Hummingbird

/// Refuses, before any route runs, request parts no route can use safely:
/// - a query value holding U+0000 (PostgreSQL text cannot store it and libpq would silently cut the
///   parameter at it, so `?stream=a%00b` would read stream `a`);
/// - on a mutating request, an `X-Catalyst-Actor` header: it used to name who relayed a command, and
///   is no longer read (the credential names the actor), so a client still sending it is told so.
/// Both are 422 naming the parameter.
struct RequestValidationMiddleware<Context: RequestContext>: RouterMiddleware {
    static var actorHeader: HTTPFields.Element.Name { HTTPFields.Element.Name("X-Catalyst-Actor")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for (name, value) in request.uri.queryParameters where value.utf8.contains(0) {
            throw APIError.invalid(field: String(name), reason: "must not contain NUL (U+0000) characters")
        }
        if request.method == .post, request.headers[Self.actorHeader] != nil {
            throw APIError.invalid(field: "X-Catalyst-Actor", reason: "is no longer read: the credential (Authorization: Bearer) names the actor")
        }
        return try await next(request, context)
    }
}
