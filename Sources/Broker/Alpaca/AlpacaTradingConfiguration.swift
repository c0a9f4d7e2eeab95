import Foundation

/// Settings of the Alpaca trading client. The keys come from the environment and are never written
/// anywhere: `description` shows the key id's first characters and never the secret.
public struct AlpacaTradingConfiguration: Sendable, CustomStringConvertible {
    public static let paperURL = URL(string: "https://paper-api.alpaca.markets")!
    public static let liveURL = URL(string: "https://api.alpaca.markets")!

    /// `https://paper-api.alpaca.markets` (default) or `https://api.alpaca.markets` (real money).
    public var baseURL: URL
    public var keyID: String
    public var secretKey: String
    /// Per-request and whole-transfer timeouts. They are set on the `URLSessionConfiguration`,
    /// because URLSession on Linux ignores a request's own timeout.
    public var requestTimeout: TimeInterval
    public var resourceTimeout: TimeInterval
    /// Extra attempts of a read after a 5xx, a 429, a timeout or a dropped connection, with
    /// exponential backoff from `retryBaseDelay`, capped at `retryMaxDelay`. Also bounds the
    /// re-sends of a submit after a 5xx (see `AlpacaBroker.submit`).
    public var maxRetries: Int
    public var retryBaseDelay: TimeInterval
    public var retryMaxDelay: TimeInterval
    /// Consecutive failures (transport errors, timeouts, 5xx) that open the circuit, and how long it
    /// stays open before one probe is let through.
    public var circuitFailureThreshold: Int
    public var circuitCoolDown: TimeInterval
    /// Client-side cap on requests per rolling minute (Alpaca allows 200 per account).
    public var requestsPerMinute: Int
    /// Largest page asked of the account activities endpoint (Alpaca's maximum is 100).
    public var activitiesPageSize: Int

    public init(
        baseURL: URL = paperURL, keyID: String, secretKey: String, requestTimeout: TimeInterval = 10, resourceTimeout: TimeInterval = 30,
        maxRetries: Int = 3, retryBaseDelay: TimeInterval = 0.5, retryMaxDelay: TimeInterval = 8, circuitFailureThreshold: Int = 5,
        circuitCoolDown: TimeInterval = 30, requestsPerMinute: Int = 200, activitiesPageSize: Int = 100
    ) {
        self.baseURL = baseURL
        self.keyID = keyID
        self.secretKey = secretKey
        self.requestTimeout = requestTimeout
        self.resourceTimeout = resourceTimeout
        self.maxRetries = maxRetries
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.circuitFailureThreshold = circuitFailureThreshold
        self.circuitCoolDown = circuitCoolDown
        self.requestsPerMinute = requestsPerMinute
        self.activitiesPageSize = activitiesPageSize
    }

    /// Live when the host is Alpaca's live API; anything else (paper, a local fake) is paper.
    public var mode: BrokerMode { baseURL.host == Self.liveURL.host ? .alpacaLive : .alpacaPaper }

    public var description: String {
        "AlpacaTradingConfiguration(baseURL: \(baseURL.absoluteString), mode: \(mode.rawValue), keyID: \(String(keyID.prefix(4)))…, secretKey: <redacted>)"
    }
}

public enum AlpacaConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    case invalidBaseURL(String)
    case invalidSetting(String, String, ClosedRange<Double>)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let text, let range):
            "\(name) must be a number from \(range.lowerBound) to \(range.upperBound), got \(text)"
        case .missing(let name): "\(name) is not set (both APCA_API_KEY_ID and APCA_API_SECRET_KEY are needed for Alpaca)"
        case .invalidBaseURL(let url): "APCA_API_BASE_URL is not an http(s) URL: \(url)"
        }
    }
}
