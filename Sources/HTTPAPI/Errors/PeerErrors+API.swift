import Broker
import MarketData

/// A broker that failed in a way worth retrying is a failing peer (503), not our bug. Other broker
/// errors have no answer of their own: the routes that expect them map them where they know the context.
extension BrokerError: APIErrorConvertible {
    var apiError: APIError? {
        guard isRetryable else { return nil }
        return APIError(.serviceUnavailable, code: "unavailable", message: description, details: ["retryable": true])
    }
}

/// Market data and the clock come from Alpaca too: when it did not answer, answered 5xx or rate-limited
/// us, that is a failing peer (503).
extension AlpacaError: APIErrorConvertible {
    var apiError: APIError? {
        let failed =
            switch kind {
            case .transport: true
            case .http(let status, _, _): status >= 500 || status == 429
            default: false
            }
        return failed ? APIError(.serviceUnavailable, code: "unavailable", message: description, details: ["retryable": true]) : nil
    }
}
