import Foundation
import Hummingbird
import Logging

/// One HTTP server for several accounts (`catalyst serve --accounts`), each with its own backend: its
/// ledger, trading system, risk book, principals and keys.
///
/// - `/accounts/<name>/…` is that account's API, unchanged below the prefix: the same routes, errors and
///   access rules as a single-account server, authenticated against that account's principals only. A key
///   of one account is unknown to every other.
/// - `/health` answers for all of them: `{"status", "accounts": {name: that account's /health}}`, 200 only
///   when every account's answer is.
/// - Anything else is a 404 that names the accounts.
public struct AccountsServer: Sendable {
    public let configuration: APIServer.Configuration
    public let accounts: [String: APIBackend]
    public let logger: Logger

    public init(configuration: APIServer.Configuration, accounts: [String: APIBackend], logger: Logger) {
        self.configuration = configuration
        self.accounts = accounts
        self.logger = logger
    }

    func responder() -> AccountsResponder {
        AccountsResponder(
            accounts: accounts.mapValues { APIServer(configuration: configuration, backend: $0, logger: logger).buildRouter().buildResponder() },
            backends: accounts)
    }

    /// Runs until cancelled; `onRunning` gets the bound port.
    public func run(onRunning: (@Sendable (Int) async -> Void)? = nil) async throws {
        try await APIListener.run(responder(), configuration: configuration, logger: logger, onRunning: onRunning)
    }

    /// Runs on the configured host (port 0 = ephemeral) for the duration of `body`, then stops.
    public func withRunning<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        try await APIListener.withRunning(responder(), configuration: configuration, logger: logger, body)
    }
}

extension AccountsServer: APIServing {
    /// Waits until every account's projections are live.
    public func waitUntilReady() async throws {
        for backend in accounts.values { try await backend.waitUntilReady() }
    }

    public var listening: Logger.Metadata { ["accounts": "\(accounts.keys.sorted().map { "/accounts/\($0)" }.joined(separator: " "))"] }
}

/// Picks the account's responder by the path's `/accounts/<name>` prefix and hands it the request with
/// the prefix taken off.
struct AccountsResponder: HTTPResponder {
    typealias Context = APIRequestContext
    let accounts: [String: RouterResponder<APIRequestContext>]
    let backends: [String: APIBackend]

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/health" { return try await health() }
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        // "", "accounts", "<name>/rest…"
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "accounts" else { return unknown(path) }
        let tail = parts[2]
        let name = tail.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !name.isEmpty, let responder = accounts[name] else { return unknown(path) }
        var rest = String(tail.dropFirst(name.count))
        if rest.isEmpty { rest = "/" }
        var head = request.head
        let query = request.uri.query.map { "?\($0)" } ?? ""
        head.path = rest + query
        return try await responder.respond(to: Request(head: head, body: request.body), context: context)
    }

    struct Healths: Encodable {
        var status: String
        var accounts: [String: OpsRoutes.Health]
    }

    /// Every account's `/health`, in one answer: the worst status leads, 503 when any account is unhealthy.
    func health() async throws -> Response {
        var each: [String: OpsRoutes.Health] = [:]
        for (name, backend) in backends { each[name] = await OpsRoutes(backend: backend).health() }
        let rank = ["healthy": 0, "degraded": 1, "unhealthy": 2]
        let worst = each.values.map(\.status).max { (rank[$0] ?? 2) < (rank[$1] ?? 2) } ?? "healthy"
        return try JSONBody.response(Healths(status: worst, accounts: each), status: worst == "unhealthy" ? .serviceUnavailable : .ok)
    }

    func unknown(_ path: String) -> Response {
        let names = accounts.keys.sorted()
        return APIError(
            .notFound, code: "unknown_account",
            message: "this server serves several accounts: use /accounts/<name>/… (\(names.map { "/accounts/\($0)" }.joined(separator: ", "))), not \(path)",
            details: ["field": "account", "accounts": .strings(names)]
        ).response
    }
}
