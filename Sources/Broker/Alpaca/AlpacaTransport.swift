import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange with the broker. A protocol so that another client (async-http-client, libcurl)
/// can replace URLSession if pinning or a private CA is ever needed: on Linux, URLSession trusts only
/// the system's CA store.
public protocol AlpacaTransport: Sendable {
    func send(_ request: AlpacaHTTPRequest) async throws(AlpacaTransportFailure) -> AlpacaHTTPResponse
}

public struct AlpacaHTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: URL
    public var body: Data?

    public init(method: String, url: URL, body: Data? = nil) {
        self.method = method
        self.url = url
        self.body = body
    }
}

public struct AlpacaHTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why no response arrived. The distinction decides whether a state-changing request may be retried.
public enum AlpacaTransportFailure: Error, Sendable, Hashable {
    /// The request cannot have reached the broker (connection refused, no route, DNS): safe to retry.
    case notSent(String)
    /// The request may have reached the broker and been acted on (timeout, connection dropped, a
    /// truncated answer): a POST, PATCH or DELETE has an unknown outcome.
    case noAnswer(String)

    public var message: String {
        switch self {
        case .notSent(let m), .noAnswer(let m): m
        }
    }
}

/// URLSession (libcurl on Linux). Credentials ride on the session's headers, never in URLs, so no
/// error text or request line can carry them.
public struct URLSessionAlpacaTransport: AlpacaTransport {
    let session: URLSession

    public init(configuration: AlpacaTradingConfiguration) {
        let c = URLSessionConfiguration.ephemeral
        // On Linux only the session's timeouts are honoured; a request's own timeout is ignored.
        c.timeoutIntervalForRequest = configuration.requestTimeout
        c.timeoutIntervalForResource = configuration.resourceTimeout
        c.httpAdditionalHeaders = [
            "APCA-API-KEY-ID": configuration.keyID, "APCA-API-SECRET-KEY": configuration.secretKey, "Accept": "application/json",
        ]
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: c)
    }

    public func send(_ request: AlpacaHTTPRequest) async throws(AlpacaTransportFailure) -> AlpacaHTTPResponse {
        var r = URLRequest(url: request.url)
        r.httpMethod = request.method
        if let body = request.body {
            r.httpBody = body
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await session.data(for: r)
            guard let http = response as? HTTPURLResponse else { throw AlpacaTransportFailure.noAnswer("not an HTTP response") }
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            return AlpacaHTTPResponse(status: http.statusCode, headers: headers, body: data)
        } catch let failure as AlpacaTransportFailure {
            throw failure
        } catch let error as URLError {
            throw Self.classify(error)
        } catch {
            throw .noAnswer("\(type(of: error)): \(error.localizedDescription)")
        }
    }

    static func classify(_ error: URLError) -> AlpacaTransportFailure {
        let text = "URLError \(error.code.rawValue) (\(error.localizedDescription))"
        switch error.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .badURL, .unsupportedURL,
            .secureConnectionFailed, .serverCertificateUntrusted:
            // Refused before any HTTP was written (TLS fails before the request line).
            return .notSent(text)
        case .timedOut:
            return .noAnswer("timed out: " + text)
        default:
            return .noAnswer(text)
        }
    }
}
