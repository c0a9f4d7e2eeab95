import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one client of `catalyst serve`'s API inside the tool: the cron commands (`catalyst cycle`, `halt`,
/// `resume`, `risk set`) and the MCP tools send their commands through it, each with a principal's key
/// (`Authorization: Bearer`), so the API records and authorizes that principal exactly as it does curl.
public struct APIClient: Sendable {
    /// `catalyst.api.url`, e.g. `http://127.0.0.1:5006`, or one account's API on a several-account server,
    /// `http://127.0.0.1:5006/accounts/main`. A trailing slash is dropped, so paths join without a `//`.
    public let baseURL: String
    /// The principal's key; nil sends none (the API then refuses every command).
    public let key: String?

    public init(baseURL: String, key: String?) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.key = key
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// `baseURL + path` is not a URL.
        case badURL(String)
        /// No answer: connection refused, a timeout, a reset.
        case unreachable(String)
        /// A non-2xx answer, with the API's `error.message` (or the body when it has none).
        case refused(status: Int, message: String)

        public var description: String {
            switch self {
            case .badURL(let url): "the API URL is not a URL: \(url)"
            case .unreachable(let why): "cannot reach the API (is `catalyst serve` running?): \(why)"
            case .refused(let status, let message): "the API answered \(status): \(message)"
            }
        }
    }

    /// POSTs `body` as JSON (keys sorted) and returns the answer's text.
    public func post(_ path: String, body: [String: Any], headers: [String: String] = [:]) async throws(Failure) -> String {
        guard let url = URL(string: baseURL + path), url.scheme != nil else { throw .badURL(baseURL + path) }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do { request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) } catch {
            throw .refused(status: 0, message: "the request body is not JSON: \(error.localizedDescription)")
        }
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch { throw .unreachable(error.localizedDescription) }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self)
        guard (200..<300).contains(status) else {
            let message = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).flatMap { ($0["error"] as? [String: Any])?["message"] as? String }
            throw .refused(status: status, message: message ?? text)
        }
        return text
    }
}
