import Foundation
import Logging
import Projections
import ServiceLifecycle

/// How every long-running role is composed (`project`, `serve`, `session run`): the projectors, each a
/// `ProjectorService` (started again after a failure, never past the failing event), then the role's
/// own services, in one `ServiceGroup` that SIGTERM and SIGINT shut down gracefully, the last service
/// first (the server stops taking requests before the projectors stop), with 30 s before the rest is
/// cancelled.
public enum RoleServiceGroup {
    public static func make(
        projectors engines: [ProjectorEngine], retryInterval: Duration = .seconds(30), services: [ServiceGroupConfiguration.ServiceConfiguration] = [],
        logger: Logger
    ) -> ServiceGroup {
        let projectors: [ServiceGroupConfiguration.ServiceConfiguration] = engines.map {
            .init(service: ProjectorService(engine: $0, retryInterval: retryInterval, logger: logger), successTerminationBehavior: .ignore)
        }
        var configuration = ServiceGroupConfiguration(services: projectors + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        return ServiceGroup(configuration: configuration)
    }
}

/// A role's piece of work as a service: it runs once and is cancelled when the group shuts down (a
/// simulated clock, a trading session); being stopped that way is not a failure. Whether finishing
/// ends the group is the group's choice (`successTerminationBehavior`).
public struct RoleWork: Service, CustomStringConvertible {
    public let name: String
    let body: @Sendable () async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await body() }
        } catch where Task.isShuttingDownGracefully {
            // Stopped by the shutdown (SIGTERM/SIGINT): what it did so far stands; nothing failed.
        }
    }
}
