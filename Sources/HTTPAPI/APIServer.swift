import Foundation
import Hummingbird
import LocalServer
import Logging

/// The HTTP API of `catalyst serve`: counting, errors, auth, then the routes.
public struct APIServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// `CATALYST_API_KEYS`; empty = no keys (loopback only).
        public var apiKeys: Set<String>

        public init(host: String = "127.0.0.1", port: Int = 5006, apiKeys: Set<String> = []) {
            self.host = host
            self.port = port
            self.apiKeys = apiKeys
        }

        /// Keys from the environment's comma list (blank entries ignored).
        public static func keys(from environment: [String: String]) -> Set<String> {
            Set((environment["CATALYST_API_KEYS"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }

        static func isLoopback(_ host: String) -> Bool { ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") }

        /// Refuses to expose an unauthenticated API beyond this machine.
        public func validate() throws(APIStartupError) {
            if apiKeys.isEmpty && !Self.isLoopback(host) {
                throw .unauthenticatedNonLoopback(host)
            }
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

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: CountingMiddleware(counters: backend.counters))
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: AuthMiddleware(keys: configuration.apiKeys, logger: logger))
        router.add(middleware: RequestValidationMiddleware())
        WorkflowRoutes(backend: backend).register(on: router)
        ReadRoutes(backend: backend).register(on: router)
        TradeRoutes(backend: backend).register(on: router)
        OpsRoutes(backend: backend).register(on: router)
        return router
    }

    /// Runs until cancelled; `onRunning` gets the bound port (useful with port 0).
    public func run(onRunning: (@Sendable (Int) async -> Void)? = nil) async throws {
        try configuration.validate()
        let app = Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "catalyst"),
            onServerRunning: { channel in await onRunning?(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.run()
    }

    /// Runs on the configured host (port 0 = ephemeral) for the duration of `body`, then stops gracefully.
    public func withRunning<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        try configuration.validate()
        let (router, host, port, logger) = (buildRouter(), configuration.host, configuration.port, logger)
        return try await ScopedServer.run(logger: logger, notStarted: APIStartupError.didNotStart) { onRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "catalyst"),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger)
        } _: { bound in
            try await body(URL(string: "http://\(host):\(bound)")!)
        }
    }
}

public enum APIStartupError: Error, Sendable, CustomStringConvertible {
    case unauthenticatedNonLoopback(String)
    case badPort(Int)
    case didNotStart
    case projectionsNotReady(live: Int, of: Int)

    public var description: String {
        switch self {
        case .unauthenticatedNonLoopback(let h):
            "refusing to listen on \(h) without API keys: set CATALYST_API_KEYS (comma-separated) or bind to 127.0.0.1"
        case .badPort(let p): "port \(p) is out of range"
        case .didNotStart: "the HTTP server did not start"
        case .projectionsNotReady(let live, let total): "only \(live) of \(total) projections became live in time"
        }
    }
}
