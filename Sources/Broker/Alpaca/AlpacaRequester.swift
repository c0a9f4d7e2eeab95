import Domain
import Foundation
import RateLimiting

/// Sends requests to Alpaca under the client's rules: a rate limit, a circuit breaker, and retries
/// only where a retry cannot do anything twice.
///
/// - Reads (`read`): a 5xx, a 429, a timeout or a dropped connection is retried up to `maxRetries`
///   times with exponential backoff, then reported as `unavailable` (or `rateLimited`).
/// - Changes (`change`): sent once. Only answers that prove the broker did nothing are retried (a
///   429, or a connection that was never made). A timeout, a dropped connection or a 5xx leaves the
///   outcome unknown and is returned as such (`ChangeResult.unknown`) for the caller to resolve.
struct AlpacaRequester: Sendable {
    let configuration: AlpacaTradingConfiguration
    let transport: any AlpacaTransport
    let breaker: CircuitBreaker
    let limiter: RequestRateLimiter
    let clock: @Sendable () -> Date

    /// What one attempt produced.
    enum Attempt {
        case answered(AlpacaHTTPResponse)
        case failed(AlpacaTransportFailure)
    }

    /// One request through the breaker and the limiter. Throws `circuitOpen` when refused locally.
    func attempt(_ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil) async throws(BrokerError) -> Attempt {
        guard breaker.permit() else { throw .circuitOpen }
        let wait = limiter.reserve()
        if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }  // cancelled: the request then fails on its own
        let request = AlpacaHTTPRequest(method: method, url: url(path, query), body: body)
        do {
            let response = try await transport.send(request)
            if response.status >= 500 {
                breaker.recordFailure("\(method) \(path): HTTP \(response.status) \(Self.message(response))", status: response.status)
            } else {
                breaker.recordSuccess()
            }
            return .answered(response)
        } catch {
            breaker.recordFailure("\(method) \(path): \(error.message)")
            return .failed(error)
        }
    }

    /// A GET, retried on 5xx, 429 and transport failures. Returns any answer below 500 other than 429.
    func read(_ path: String, query: [(String, String)] = []) async throws(BrokerError) -> AlpacaHTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let last: BrokerError
            var wait = backoff(attempt)
            do {
                switch try await self.attempt("GET", path, query: query) {
                case .answered(let r) where r.status == 429:
                    let after = Self.retryAfter(r, now: clock())
                    last = .rateLimited(retryAfterSeconds: after)
                    wait = retry.delay(after: attempt, hint: after)
                case .answered(let r) where r.status >= 500:
                    last = .unavailable("GET \(path): HTTP \(r.status) \(Self.message(r))")
                case .answered(let r):
                    return r
                case .failed(let f):
                    last = .unavailable("GET \(path): \(f.message)")
                }
            } catch .circuitOpen where attempt > 1 {
                // The breaker opened during our own retries: report what made it open.
                throw .unavailable("GET \(path): circuit opened after repeated failures")
            }
            guard retry.mayRetry(after: attempt) else { throw last }
            try await sleep(wait)
        }
    }

    /// The outcome of a state-changing request.
    enum ChangeResult {
        case answered(AlpacaHTTPResponse)
        /// A 5xx: the broker failed while handling it; it may or may not have taken effect.
        case serverError(String)
        /// Sent, and no answer (timeout, dropped connection): it may or may not have taken effect.
        case noAnswer(String)
    }

    /// A POST, PATCH or DELETE: retried only when the broker provably did nothing.
    func change(_ method: String, _ path: String, body: Data? = nil) async throws(BrokerError) -> ChangeResult {
        var attempt = 0
        while true {
            attempt += 1
            let last: BrokerError
            var wait = backoff(attempt)
            switch try await self.attempt(method, path, body: body) {
            case .answered(let r) where r.status == 429:
                // Refused before processing: nothing happened, so sending again is safe.
                let after = Self.retryAfter(r, now: clock())
                last = .rateLimited(retryAfterSeconds: after)
                wait = retry.delay(after: attempt, hint: after)
            case .answered(let r) where r.status >= 500:
                return .serverError("\(method) \(path): HTTP \(r.status) \(Self.message(r))")
            case .answered(let r):
                return .answered(r)
            case .failed(.notSent(let m)):
                last = .unavailable("\(method) \(path): \(m)")
            case .failed(.noAnswer(let m)):
                return .noAnswer("\(method) \(path): \(m)")
            }
            guard retry.mayRetry(after: attempt) else { throw last }
            try await sleep(wait)
        }
    }

    /// The client's retry rule (`RetryPolicy`) from its configuration.
    var retry: RetryPolicy {
        RetryPolicy(maxRetries: configuration.maxRetries, base: configuration.retryBaseDelay, cap: configuration.retryMaxDelay)
    }

    /// base × 2^(attempt−1), capped.
    func backoff(_ attempt: Int) -> TimeInterval { retry.delay(after: attempt) }

    private func sleep(_ seconds: TimeInterval) async throws(BrokerError) {
        guard seconds > 0 else { return }
        do { try await Task.sleep(for: .seconds(seconds)) } catch { throw .unavailable("cancelled while waiting to retry") }
    }

    func url(_ path: String, _ query: [(String, String)]) -> URL {
        var text = configuration.baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty { text += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&") }
        // Paths are built from our own constants and escaped ids, so this cannot fail.
        return URL(string: text)!
    }

    /// Percent-encodes everything but unreserved characters ("+" in an RFC 3339 offset included).
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Alpaca's error message, or the body's first characters.
    static func message(_ r: AlpacaHTTPResponse) -> String {
        if let e = try? JSONDecoder().decode(WireError.self, from: r.body), let m = e.message { return m }
        let text = r.text
        return text.isEmpty ? HTTPStatusText.reason(r.status) : String(text.prefix(200))
    }

    /// Seconds until `X-Ratelimit-Reset` (epoch seconds) or `Retry-After`, when given.
    static func retryAfter(_ r: AlpacaHTTPResponse, now: Date) -> TimeInterval? {
        RetryPolicy.hint(rateLimitReset: r.headers["x-ratelimit-reset"], retryAfter: r.headers["retry-after"], now: now)
    }
}

/// Reason phrases for bodies that carry none.
enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 422: "unprocessable entity"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: "HTTP \(status)"
        }
    }
}
