import EventStore
import Foundation
import Logging
import Projections
import ServiceLifecycle

/// How every long-running role is composed (`project`, `serve`, `session run`, `doctor watch`, `mcp`):
/// the projectors, if the role has any, each a `ProjectorService` (started again after a failure, never
/// past the failing event), then the role's own services, in one `ServiceGroup` that SIGTERM and SIGINT
/// shut down gracefully, the last service first (the server stops taking requests before the
/// projectors stop), with 30 s before the rest is cancelled.
public enum RoleServiceGroup {
    /// Runs `projections` (one engine each, woken by one LISTEN session) and the services `services`
    /// builds from those engines, until the group ends; the wake-up session is closed either way.
    ///
    /// With `readConninfo` (a hot standby, `catalyst.read.url`), the projectors read the log there and write
    /// their tables and checkpoints on the primary; they are woken by the standby's replay position, since
    /// a standby has no LISTEN.
    public static func run(
        _ projections: [any Projection], files: ProjectFiles, conninfo: String, readConninfo: String? = nil, retryInterval: Duration = .seconds(30),
        logger: Logger, services: ([ProjectorEngine]) throws -> [ServiceGroupConfiguration.ServiceConfiguration] = { _ in [] }
    ) async throws {
        let set = try Projectors(projections, files: files, conninfo: conninfo, readConninfo: readConninfo, retryInterval: retryInterval, logger: logger)
        do {
            try await run(set.services + (try services(set.engines)), logger: logger)
        } catch {
            await set.waker.stop()
            throw error
        }
        await set.waker.stop()
    }

    /// One ledger's projectors: an engine each, woken by one LISTEN session (or, with `readConninfo`, by
    /// the standby's replay position), each run as a `ProjectorService`. Stop `waker` after the group.
    public struct Projectors: Sendable {
        public let engines: [ProjectorEngine]
        public let waker: LogWaker
        public let services: [ServiceGroupConfiguration.ServiceConfiguration]

        public init(
            _ projections: [any Projection], files: ProjectFiles, conninfo: String, readConninfo: String? = nil, retryInterval: Duration = .seconds(30),
            logger: Logger
        ) throws {
            let waker = readConninfo.map { LogWaker(replayOf: $0) } ?? LogWaker(conninfo: conninfo)
            var engines: [ProjectorEngine]
            do {
                engines = try ProjectionCatalog.engines(projections, files: files, conninfo: conninfo, waker: waker, logger: logger)
            } catch {
                Task { await waker.stop() }
                throw error
            }
            for i in engines.indices { engines[i].readConninfo = readConninfo }
            self.engines = engines
            self.waker = waker
            self.services = engines.map {
                .init(service: ProjectorService(engine: $0, retryInterval: retryInterval, logger: logger), successTerminationBehavior: .ignore)
            }
        }
    }

    /// Runs a role without projectors (`doctor watch`, `mcp`): its services in one group, with the same
    /// signals and the same 30 s of grace.
    public static func run(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        try await ServiceGroup(configuration: configuration).run()
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
