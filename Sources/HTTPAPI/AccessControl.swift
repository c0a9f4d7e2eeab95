import Application
import Domain
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging

/// The request context of the API: Hummingbird's, with the principal a credential proved.
public typealias APIRequestContext = BasicAuthRequestContext<AuthenticatedPrincipal>

/// What a route needs.
public enum RouteAccess: Sendable, Hashable, CustomStringConvertible {
    /// Anyone (`/health`, the dashboard page, the OpenAPI document).
    case open
    /// A read: open on loopback without a credential; beyond loopback (or whenever a credential is
    /// given) the principal must hold the capability.
    case read(Capability)
    /// An action: always an authenticated principal holding the capability.
    case act(Capability)

    public var capability: Capability? {
        switch self {
        case .open: nil
        case .read(let c), .act(let c): c
        }
    }

    public var description: String {
        switch self {
        case .open: "open"
        case .read(let c): "read(\(c.rawValue))"
        case .act(let c): "act(\(c.rawValue))"
        }
    }
}

/// Reads the credential (`Authorization: Bearer <key>`, or the older `X-API-Key` header) and attaches
/// the principal it proves. A credential that proves nobody is 401 at once and is only logged (never
/// recorded: spraying bad keys must not fill the ledger). No credential at all leaves the request
/// anonymous; the route's access decides whether that is enough.
struct PrincipalAuthenticator: AuthenticatorMiddleware {
    typealias Context = APIRequestContext
    let directory: PrincipalDirectory
    let logger: Logger

    static let apiKeyHeader = HTTPFields.Element.Name("X-API-Key")!

    /// The credential a request presents. An `Authorization` header that is not `Bearer <key>`, or two
    /// headers naming different keys, is a bad credential (401), never a reason to try the other one.
    static func token(_ request: Request) throws -> String? {
        var bearer: String?
        if request.headers[.authorization] != nil {
            guard let token = request.headers.bearer?.token, !token.isEmpty else {
                throw ApplicationError.unauthenticated("the Authorization header must be `Bearer <key>`")
            }
            bearer = token
        }
        let apiKey = request.headers[apiKeyHeader].flatMap { $0.isEmpty ? nil : $0 }
        if let bearer, let apiKey, bearer != apiKey { throw ApplicationError.unauthenticated("two different credentials were given") }
        return bearer ?? apiKey
    }

    func authenticate(request: Request, context: Context) async throws -> AuthenticatedPrincipal? {
        guard request.uri.path != "/health" else { return nil }
        do {
            guard let token = try Self.token(request) else { return nil }
            return try await directory.authenticate(token)
        } catch let e as ApplicationError {
            logger.warning("refused credential", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "why": "\(e)"])
            throw e
        }
    }
}

/// Decides whether a request may reach its route: the principal for its access, or nil for an
/// anonymous read that may stay anonymous. The capability check itself is the application's
/// `AuthorityGate` (the one place capabilities are checked).
struct Admission: Sendable {
    let gate: AuthorityGate
    /// Beyond loopback every read needs a credential too.
    let readsNeedCredential: Bool

    func admit(_ access: RouteAccess, _ request: Request, _ context: APIRequestContext) async throws -> AuthenticatedPrincipal? {
        let action = "\(request.method) \(request.uri.path)"
        switch access {
        case .open: return context.identity
        case .read(let capability):
            guard let principal = context.identity else {
                if readsNeedCredential { throw ApplicationError.unauthenticated("a credential is required to read this API beyond loopback") }
                return nil
            }
            try await gate.authorize(principal, capability, action: action)
            return principal
        case .act(let capability):
            guard let principal = context.identity else { throw ApplicationError.unauthenticated("a credential is required for \(action)") }
            try await gate.authorize(principal, capability, action: action)
            return principal
        }
    }
}

/// Registers routes with the access each needs, and enforces it (`Admission`) before the handler runs.
/// Every route of the API is added through this, so a route cannot exist without a stated access:
/// `registered` lists them, and the authority tests compare it with the router's own list.
final class GuardedRouter {
    let router: Router<APIRequestContext>
    let admission: Admission
    private(set) var registered: [String: RouteAccess] = [:]

    init(router: Router<APIRequestContext>, admission: Admission) {
        self.router = router
        self.admission = admission
    }

    private func record(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess) { registered["\(method) \(path)"] = access }

    /// An action: the handler gets the authenticated principal.
    func post(
        _ path: String, _ capability: Capability,
        _ handler: @escaping @Sendable (Request, APIRequestContext, AuthenticatedPrincipal) async throws -> Response
    ) {
        record(.post, path, .act(capability))
        let admission = self.admission
        router.post(RouterPath(path)) { request, context in
            guard let principal = try await admission.admit(.act(capability), request, context) else { throw ApplicationError.unauthenticated(path) }
            return try await handler(request, context, principal)
        }
    }

    /// A read.
    func get(_ path: String, _ capability: Capability, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        record(.get, path, .read(capability))
        let admission = self.admission
        router.get(RouterPath(path)) { request, context in
            _ = try await admission.admit(.read(capability), request, context)
            return try await handler(request, context)
        }
    }

    /// Open to anyone.
    func open(_ path: String, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        record(.get, path, .open)
        router.get(RouterPath(path)) { request, context in try await handler(request, context) }
    }
}

extension AuthenticatedPrincipal {
    /// A body's `operator` may only name the caller (its id or its name): the actor of a command is
    /// the credential's principal, never what a request says about itself.
    func checkNamed(_ named: String?, field: String = "operator") throws {
        guard let named else { return }
        guard named == id.rawValue || named == name else {
            throw APIError.invalid(field: field, reason: "names \(named), but the credential is \(id.rawValue): the actor is always the caller")
        }
    }
}
