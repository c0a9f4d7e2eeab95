import Domain
import Foundation
import RateLimiting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GET with Alpaca's headers, bounded retries and typed errors, over URLSession (libcurl on Linux).
struct AlpacaHTTP: Sendable {
    let configuration: AlpacaConfiguration
    let session: URLSession
    /// Every request, retries included, takes a slot: at most `requestsPerMinute` in any minute.
    let limiter: RequestRateLimiter

    init(configuration: AlpacaConfiguration, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.limiter = RequestRateLimiter(limit: configuration.requestsPerMinute, clock: clock)
        let c = URLSessionConfiguration.ephemeral
        // On Linux only the session's timeouts are honoured; a request's own timeout is ignored.
        c.timeoutIntervalForRequest = configuration.requestTimeout
        c.timeoutIntervalForResource = configuration.resourceTimeout
        c.httpAdditionalHeaders = ["APCA-API-KEY-ID": configuration.keyID, "APCA-API-SECRET-KEY": configuration.secretKey]
        session = URLSession(configuration: c)
    }

    /// GETs `path` under `base` and decodes the JSON body as `T`.
    func get<T: Decodable>(_ type: T.Type, base: URL, path: String, query: [(String, String)]) async throws(AlpacaError) -> T {
        let label = "GET \(path)"
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        // "+" in an RFC 3339 offset must be escaped or a server reads it as a space.
        components.percentEncodedQuery = query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        guard let url = components.url else { throw AlpacaError(kind: .transport("cannot build a URL"), request: label) }
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")

        var attempt = 0
        while true {
            attempt += 1
            let retryAfter: TimeInterval
            let wait = limiter.reserve()
            if wait > 0 {
                do { try await Task.sleep(for: .seconds(wait)) } catch { throw AlpacaError(kind: .transport("cancelled"), request: label) }
            }
            do {
                let (data, response) = try await session.data(for: request)
                guard let http = response as? HTTPURLResponse else {
                    throw AlpacaError(kind: .transport("not an HTTP response"), request: label)
                }
                if (200..<300).contains(http.statusCode) {
                    do { return try JSONDecoder().decode(T.self, from: data) } catch {
                        throw AlpacaError(kind: .decoding(Self.describe(error)), request: label)
                    }
                }
                let body = try? JSONDecoder().decode(AlpacaErrorBody.self, from: data)
                let failure = AlpacaError(
                    kind: .http(status: http.statusCode, code: body?.code, message: body?.message ?? HTTPURLResponse.localizedString(forStatusCode: http.statusCode)),
                    request: label
                )
                guard [429, 500, 502, 503, 504].contains(http.statusCode), retry.mayRetry(after: attempt) else { throw failure }
                retryAfter = retry.delay(after: attempt, hint: http.statusCode == 429 ? Self.hint(http) : nil)
            } catch let e as AlpacaError {
                throw e
            } catch {
                guard retry.mayRetry(after: attempt) else {
                    throw AlpacaError(kind: .transport(error.localizedDescription), request: label)
                }
                retryAfter = retry.delay(after: attempt)
            }
            do { try await Task.sleep(for: .seconds(retryAfter)) } catch {
                throw AlpacaError(kind: .transport("cancelled"), request: label)
            }
        }
    }

    /// The retry rule shared with the trading client (`RetryPolicy`): exponential from `retryDelay`,
    /// capped at 8 s; a rate limit's reset is waited for, up to the cap.
    var retry: RetryPolicy { RetryPolicy(maxRetries: configuration.maxRetries, base: configuration.retryDelay, cap: 8) }

    static func hint(_ response: HTTPURLResponse) -> TimeInterval? {
        RetryPolicy.hint(
            rateLimitReset: response.value(forHTTPHeaderField: "X-Ratelimit-Reset"), retryAfter: response.value(forHTTPHeaderField: "Retry-After"),
            now: Date())
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=?/")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let c): "missing \(key.stringValue) at \(path(c))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            "\(c.debugDescription) at \(path(c))"
        default: "\(error)"
        }
    }

    static func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
}

struct AlpacaErrorBody: Decodable {
    var code: Int?
    var message: String?
}
