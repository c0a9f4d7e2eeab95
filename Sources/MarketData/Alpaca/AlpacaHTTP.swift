import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GET with Alpaca's headers, bounded retries and typed errors, over URLSession (libcurl on Linux).
struct AlpacaHTTP: Sendable {
    let configuration: AlpacaConfiguration
    let session: URLSession

    init(configuration: AlpacaConfiguration) {
        self.configuration = configuration
        let c = URLSessionConfiguration.ephemeral
        // On Linux only the session's timeouts are honoured (swift-notes.md §4).
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
                guard [429, 500, 502, 503, 504].contains(http.statusCode), attempt <= configuration.maxRetries else { throw failure }
                retryAfter = Self.delay(after: http, attempt: attempt, base: configuration.retryDelay)
            } catch let e as AlpacaError {
                throw e
            } catch {
                guard attempt <= configuration.maxRetries else {
                    throw AlpacaError(kind: .transport(error.localizedDescription), request: label)
                }
                retryAfter = configuration.retryDelay * Double(attempt)
            }
            do { try await Task.sleep(for: .seconds(retryAfter)) } catch {
                throw AlpacaError(kind: .transport("cancelled"), request: label)
            }
        }
    }

    /// Backoff: Alpaca's `X-Ratelimit-Reset` (epoch seconds) when given and near, else linear.
    static func delay(after response: HTTPURLResponse, attempt: Int, base: TimeInterval) -> TimeInterval {
        if response.statusCode == 429, let reset = response.value(forHTTPHeaderField: "X-Ratelimit-Reset").flatMap(Double.init) {
            let wait = reset - Date().timeIntervalSince1970
            if wait > 0 && wait < 60 { return wait }
        }
        return base * Double(attempt)
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
