import Hummingbird
import Logging
import ServiceLifecycle

/// Runs a Hummingbird application for the duration of a body, then stops it gracefully: no new connections,
/// in-flight requests finish. Cancelling the server instead can trap inside NIO when a connection was accepted
/// but not yet handed to the server (apple/swift-nio#3481).
public enum ScopedServer {
    /// `makeApplication` gets the callback to pass as the application's `onServerRunning` bound-port report;
    /// `body` gets the bound port. `notStarted` is thrown when the server never binds.
    public static func run<App: ApplicationProtocol, T: Sendable>(
        logger: Logger,
        notStarted: any Error,
        makeApplication: (@escaping @Sendable (Int) async -> Void) -> App,
        _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let port = AsyncStream<Int>.makeStream()
        let app = makeApplication { bound in
            port.continuation.yield(bound)
            port.continuation.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                // If the server never starts, end the port stream so the caller does not wait forever.
                defer { port.continuation.finish() }
                try await services.run()
                return nil
            }
            var bound = 0
            for await p in port.stream { bound = p }
            let outcome: Result<T, any Error>
            if bound > 0 {
                do { outcome = .success(try await body(bound)) } catch { outcome = .failure(error) }
            } else {
                outcome = .failure(notStarted)
            }
            await services.triggerGracefulShutdown()
            // A request held open on purpose (a scripted late answer) must not hold the caller: bound the wait.
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return nil
            }
            _ = try await group.next()
            group.cancelAll()
            while let next = try await group.next() { _ = next }
            return try outcome.get()
        }
    }
}
