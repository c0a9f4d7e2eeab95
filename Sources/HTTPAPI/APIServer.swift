import Application
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging

/// The HTTP API of `catalyst serve`: counting, errors, auth, then the routes.
public struct APIServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Reads need a credential on loopback too (`serve --private-reads`).
        public var privateReads: Bool

        public init(host: String = "127.0.0.1", port: Int = 5006, privateReads: Bool = false) {
            self.host = host
            self.port = port
            self.privateReads = privateReads
        }

        static func isLoopback(_ host: String) -> Bool { ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") }

        /// Beyond loopback every route but `/health` needs a credential; on loopback reads stay open.
        public var readsNeedCredential: Bool { privateReads || !Self.isLoopback(host) }

        public func validate() throws(APIStartupError) {
            guard (0...65535).contains(port) else { throw .badPort(port) }
        }
    }

    public let configuration: Configuration
    public let backend: APIBackend
    public let logger: Logger

    public init(configuration: Configuration, backend: APIBackend, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
    }

    public func buildRouter() -> Router<APIRequestContext> { build().router }

    /// Every route with the access it needs (`"POST /api/v1/trades"` → `act(propose_trade)`).
    public func routeAccess() -> [String: RouteAccess] { build().registered }

    func build() -> GuardedRouter {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: CountingMiddleware(metrics: backend.metrics))
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: RequestValidationMiddleware())
        router.add(middleware: ReadConsistencyMiddleware(backend: backend))
        router.add(middleware: PrincipalAuthenticator(directory: backend.directory, logger: logger))
        let guarded = GuardedRouter(
            router: router, admission: Admission(gate: backend.gate, readsNeedCredential: configuration.readsNeedCredential))
        WorkflowRoutes(backend: backend).register(on: guarded)
        ReadRoutes(backend: backend).register(on: guarded)
        TradeRoutes(backend: backend).register(on: guarded)
        RiskRoutes(backend: backend).register(on: guarded)
        OpsRoutes(backend: backend).register(on: guarded)
        return guarded
    }

    /// Runs until cancelled; `onRunning` gets the bound port (useful with port 0).
    public func run(onRunning: (@Sendable (Int) async -> Void)? = nil) async throws {
        try await APIListener.run(buildRouter().buildResponder(), configuration: configuration, logger: logger, onRunning: onRunning)
    }

    /// Runs on the configured host (port 0 = ephemeral) for the duration of `body`, then stops gracefully.
    public func withRunning<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        try await APIListener.withRunning(buildRouter().buildResponder(), configuration: configuration, logger: logger, body)
    }
}

extension APIServer: APIServing {
    public func waitUntilReady() async throws { try await backend.waitUntilReady() }
    public var listening: Logger.Metadata { ["venue": "\(backend.venue)"] }
}

public enum APIStartupError: Error, Sendable, CustomStringConvertible {
    case badPort(Int)
    case didNotStart
    case projectionsNotReady(live: Int, of: Int)

    public var description: String {
        switch self {
        case .badPort(let p): "port \(p) is out of range"
        case .didNotStart: "the HTTP server did not start"
        case .projectionsNotReady(let live, let total): "only \(live) of \(total) projections became live in time"
        }
    }
}
