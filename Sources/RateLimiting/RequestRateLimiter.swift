import Foundation
import Synchronization

/// A client-side cap of `limit` requests in any rolling `window` (Alpaca: 200 per minute per
/// account, docs/alpaca.md §Rate limit), so a burst (a reconciliation pass over many orders, a backfill)
/// waits its turn instead of drawing 429s that would also slow every other caller. The Alpaca trading
/// and market-data clients each hold one; the waiting is theirs (`reserve` only computes it).
///
/// Each request reserves a send time: now, or when the oldest of the last `limit` reservations
/// leaves the window. Reservations are made under a lock, so concurrent callers queue fairly.
public final class RequestRateLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let clock: @Sendable () -> Date
    /// Send times of the last `limit` reservations, oldest first.
    private let reserved = Mutex<[Date]>([])

    public init(limit: Int, window: TimeInterval = 60, clock: @escaping @Sendable () -> Date) {
        precondition(limit >= 1, "a rate limit allows at least one request")
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Reserves a slot and returns how long to wait before sending (0 when a slot is free now).
    public func reserve() -> TimeInterval {
        let now = clock()
        return reserved.withLock { times in
            var at = now
            if times.count >= limit { at = max(now, times[times.count - limit].addingTimeInterval(window)) }
            times.append(at)
            if times.count > limit { times.removeFirst(times.count - limit) }
            return at.timeIntervalSince(now)
        }
    }
}
