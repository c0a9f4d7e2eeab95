import Foundation
import Hummingbird
import LocalServer
import Logging

/// What `serve` runs as its HTTP service: one account's API (`APIServer`) or several accounts' (`AccountsServer`).
public protocol APIServing: Sendable {
    /// Returns once every projection the server reads from is live.
    func waitUntilReady() async throws
    /// Runs until cancelled; `onRunning` gets the bound port.
    func run(onRunning: (@Sendable (Int) async -> Void)?) async throws
    /// What the "listening" log line says besides the URL.
    var listening: Logger.Metadata { get }
}

/// Binds one responder to the configured host and port: what both servers share.
enum APIListener {
    static func application<R: HTTPResponder>(
        _ responder: R, host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> Application<R> where R.Context == APIRequestContext {
        Application(
            responder: responder, configuration: .init(address: .hostname(host, port: port), serverName: "catalyst"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Runs until cancelled.
    static func run<R: HTTPResponder>(
        _ responder: R, configuration: APIServer.Configuration, logger: Logger, onRunning: (@Sendable (Int) async -> Void)?
    ) async throws where R.Context == APIRequestContext {
        try configuration.validate()
        try await application(responder, host: configuration.host, port: configuration.port, logger: logger) { await onRunning?($0) }.run()
    }

    /// Runs on the configured host (port 0 = ephemeral) for the duration of `body`, then stops gracefully.
    static func withRunning<R: HTTPResponder, T: Sendable>(
        _ responder: R, configuration: APIServer.Configuration, logger: Logger, _ body: @Sendable (URL) async throws -> T
    ) async throws -> T where R.Context == APIRequestContext {
        try configuration.validate()
        let (host, port) = (configuration.host, configuration.port)
        return try await ScopedServer.run(logger: logger, notStarted: APIStartupError.didNotStart) { onRunning in
            application(responder, host: host, port: port, logger: logger, onRunning: onRunning)
        } _: { bound in
            try await body(URL(string: "http://\(host):\(bound)")!)
        }
    }
}
