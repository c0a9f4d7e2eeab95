import Foundation

/// How long to wait before trying again, the one backoff rule of the code base: exponential from
/// `base`, doubling per attempt, capped at `cap`; a peer's own hint (a rate-limit reset, `Retry-After`)
/// is waited for, up to the cap. The Alpaca trading and market-data clients and the order submission
/// retry with it; which failures may be retried at all stays with each caller (a state-changing request
/// only when the peer provably did nothing).
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (0 = never retry).
    public var maxRetries: Int
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(maxRetries: Int, base: TimeInterval, cap: TimeInterval) {
        self.maxRetries = maxRetries
        self.base = base
        self.cap = cap
    }

    /// True when attempt number `attempt` (1 = the first try) may be followed by another.
    public func mayRetry(after attempt: Int) -> Bool { attempt <= maxRetries }

    /// The wait after attempt number `attempt` failed: `base × 2^(attempt−1)`, capped; at least the
    /// peer's `hint` when it gave one, still capped.
    public func delay(after attempt: Int, hint: TimeInterval? = nil) -> TimeInterval {
        let exponential = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        guard let hint else { return exponential }
        return min(max(exponential, hint), cap)
    }

    /// A rate-limited peer's hint, from its headers: `X-Ratelimit-Reset` (epoch seconds, Alpaca's) or
    /// `Retry-After` (seconds); nil when neither is given.
    public static func hint(rateLimitReset: String?, retryAfter: String?, now: Date) -> TimeInterval? {
        if let reset = rateLimitReset.flatMap(Double.init) { return max(0, reset - now.timeIntervalSince1970) }
        if let after = retryAfter.flatMap(Double.init) { return max(0, after) }
        return nil
    }
}
