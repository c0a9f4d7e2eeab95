import Domain
import Foundation

/// Settings of the Alpaca market data client. Keys come from the environment, never from a file.
public struct AlpacaConfiguration: Sendable {
    /// `https://data.alpaca.markets` (bars, snapshots, news).
    public var dataBaseURL: URL
    /// `https://paper-api.alpaca.markets` or `https://api.alpaca.markets` (clock, calendar, assets).
    public var tradingBaseURL: URL
    public var keyID: String
    public var secretKey: String
    /// `iex` (free) or `sip`; recorded with the data because volumes differ between them.
    public var feed: String
    /// Per-request and whole-transfer timeouts, set on the `URLSessionConfiguration` (a request's own
    /// timeout is ignored by URLSession on Linux).
    public var requestTimeout: TimeInterval
    public var resourceTimeout: TimeInterval
    /// Retries after 429, 500, 502, 503, 504 or a transport failure; 4xx other than 429 never retry.
    public var maxRetries: Int
    public var retryDelay: TimeInterval
    /// Symbols per request (URL length) and bars per page (Alpaca's maximum is 10,000).
    public var symbolsPerRequest: Int
    public var barsPerPage: Int
    /// Alpaca's asset list has no sector; symbols missing here are left out of `universe()`.
    public var sectors: [Symbol: Sector]
    /// Client-side cap on requests per rolling minute (Alpaca allows 200 per account).
    public var requestsPerMinute: Int

    public init(
        dataBaseURL: URL = URL(string: "https://data.alpaca.markets")!,
        tradingBaseURL: URL = URL(string: "https://paper-api.alpaca.markets")!, keyID: String, secretKey: String,
        feed: String = "iex", requestTimeout: TimeInterval = 10, resourceTimeout: TimeInterval = 60, maxRetries: Int = 2,
        retryDelay: TimeInterval = 1, symbolsPerRequest: Int = 200, barsPerPage: Int = 10_000, sectors: [Symbol: Sector] = [:],
        requestsPerMinute: Int = 200
    ) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.dataBaseURL = dataBaseURL
        self.tradingBaseURL = tradingBaseURL
        self.keyID = keyID
        self.secretKey = secretKey
        self.feed = feed
        self.requestTimeout = requestTimeout
        self.resourceTimeout = resourceTimeout
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
        self.symbolsPerRequest = symbolsPerRequest
        self.barsPerPage = barsPerPage
        self.sectors = sectors
    }
}

/// A failure talking to Alpaca. `description` is safe to log: it never contains the keys.
public struct AlpacaError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A non-2xx answer, with Alpaca's `code` and `message` when the body had them.
        case http(status: Int, code: Int?, message: String)
        case transport(String)
        case decoding(String)
        /// Something the API cannot answer (e.g. a snapshot of the past).
        case unsupported(String)
    }

    public var kind: Kind
    /// `GET /v2/stocks/bars` — the path, without the query.
    public var request: String

    public var status: Int? {
        if case .http(let s, _, _) = kind { return s }
        return nil
    }

    public var description: String {
        switch kind {
        case .http(let s, let c, let m): "Alpaca \(request): HTTP \(s)\(c.map { " code \($0)" } ?? ""): \(m)"
        case .transport(let m): "Alpaca \(request): transport error: \(m)"
        case .decoding(let m): "Alpaca \(request): unexpected response: \(m)"
        case .unsupported(let m): "Alpaca \(request): \(m)"
        }
    }
}
