import Foundation
import Logging
import ServiceLifecycle

/// One projection as a service of a `ServiceGroup`. A failed projection does not stop the others: it is
/// retried after `retryInterval` (the failing event is never skipped; if it still fails the projection
/// stays failed and says so in `projection_status`).
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

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await engine.run()
                return
            } catch {
                logger.error("projection stopped", metadata: ["projection.name": "\(engine.definition.name)", "error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retryInterval) }
            }
        }
    }
}
