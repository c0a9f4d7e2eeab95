import Application
import Broker
import Foundation
import Hummingbird
import Logging
import MarketData
import PostgresClient

/// Turns everything a route throws into the API's JSON error body, so no caller ever sees a bare status
/// or an HTML page: unknown routes, oversized bodies, refusals of the rules, and unexpected failures
/// (500, logged with the error, answered without internals).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.map(error, request: request, logger: logger).response
        }
    }

    static func map(_ error: any Error, request: Request, logger: Logger) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ApplicationError: return APIError.from(e)
        case let r as DomainRefusal: return APIError(.conflict, code: r.code, message: r.message)
        case let b as BrokerError where b.isRetryable:
            return APIError(.serviceUnavailable, code: "unavailable", message: b.description, details: ["retryable": true])
        case let a as AlpacaError where Self.peerFailed(a):
            // Market data and the clock come from Alpaca too: its outage is a failing peer, not our bug.
            return APIError(.serviceUnavailable, code: "unavailable", message: a.description, details: ["retryable": true])
        case let p as PGError where DatabaseRefusal(p) != nil:
            let refusal = DatabaseRefusal(p)!
            logger.error("database refused the request", metadata: ["path": "\(request.uri.path)", "error": "\(p)"])
            return APIError(
                .serviceUnavailable, code: "database_unavailable", message: refusal.message,
                details: ["sqlstate": .string(p.sqlState ?? ""), "retryable": true])
        case let h as HTTPError:
            switch h.status {
            case .notFound: return .notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge: return .tooLarge
            default: return APIError(h.status, code: "http_\(h.status.code)", message: h.body ?? h.status.reasonPhrase)
            }
        default:
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
        }
    }

    /// Alpaca did not answer, answered 5xx, or rate-limited us.
    static func peerFailed(_ error: AlpacaError) -> Bool {
        switch error.kind {
        case .transport: true
        case .http(let status, _, _): status >= 500 || status == 429
        default: false
        }
    }
}

/// A database that cannot take the request now, for reasons outside the request: its disk is full
/// (class 53, insufficient resources), it is read-only (25006, a failover or an operator), or the
/// connection is gone (class 08, shutdown). The caller gets 503 with the SQLSTATE, never a bare 500;
/// the transaction was rolled back, so nothing of the request was written.
struct DatabaseRefusal {
    let message: String

    init?(_ error: PGError) {
        let state = error.sqlState ?? ""
        if state == "53100" {
            message = "the database is out of disk space; nothing was written (SQLSTATE 53100)"
        } else if state.hasPrefix("53") {
            message = "the database is out of resources; nothing was written (SQLSTATE \(state))"
        } else if state == "25006" {
            message = "the database is read-only; nothing was written (SQLSTATE 25006)"
        } else if error.isConnectionLoss {
            message = "the database is unreachable; retry shortly" + (state.isEmpty ? "" : " (SQLSTATE \(state))")
        } else {
            return nil
        }
    }
}
