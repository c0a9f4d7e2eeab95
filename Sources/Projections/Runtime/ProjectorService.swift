import Foundation
import Logging
import PostgresClient
import ServiceLifecycle

/// One projection as a service of a `ServiceGroup`. A failed projection does not stop the others: it is
/// retried after `retryInterval` (the failing event is never skipped; if it still fails the projection
/// stays failed and says so in `projection_status`). A lost database is retried within seconds.
public struct ProjectorService: Service, CustomStringConvertible {
    public let engine: ProjectorEngine
    public let retryInterval: Duration
    let logger: Logger

    public init(engine: ProjectorEngine, retryInterval: Duration = .seconds(30), logger: Logger) {
        self.engine = engine
        self.retryInterval = retryInterval
        self.logger = logger
    }

    /// What service-lifecycle logs: the projection's name only. The default reflection would print the
    /// engine, its connection string (password included) and its SQL.
    public var description: String { "ProjectorService(\(engine.definition.name))" }

    /// A lost database (a restart, a failover: the connection dropped, or the server stopped taking writes)
    /// is not the projection's fault: it reconnects after 0.5 s, doubling to 5 s, and the engine checks
    /// the timeline on the new connection before reading on. Any other failure waits `retryInterval`.
    public func run() async throws {
        var reconnectPause: Duration = .milliseconds(500)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await engine.run()
                return
            } catch let error as PGError where error.isPrimaryLost {
                logger.warning(
                    "projection lost its database; reconnecting",
                    metadata: ["projection.name": "\(engine.definition.name)", "error": "\(error)", "retry_in": "\(reconnectPause)"])
                let pause = reconnectPause
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                reconnectPause = min(reconnectPause * 2, .seconds(5))
            } catch {
                logger.error("projection stopped", metadata: ["projection.name": "\(engine.definition.name)", "error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retryInterval) }
            }
        }
    }
}
