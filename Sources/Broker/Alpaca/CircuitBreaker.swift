import Foundation
import Synchronization

/// Stops calling a broker that keeps failing, and probes it again after a cool-down.
///
/// Closed → `threshold` consecutive failures → open (every request refused locally) → after
/// `coolDown` → half-open: one request goes through as a probe; success closes the circuit, failure
/// re-opens it for another cool-down. Only failures of the broker count (transport errors, timeouts,
/// 5xx): a 4xx is the broker working correctly and resets the count like a success.
///
/// The clock is injected so tests can pass the cool-down without waiting.
public final class CircuitBreaker: Sendable {
    public let threshold: Int
    public let coolDown: TimeInterval
    private let clock: @Sendable () -> Date
    private let state = Mutex(Guarded())

    private struct Guarded {
        var health = BrokerHealth()
        /// True while a half-open probe is in flight, so concurrent callers do not all probe at once.
        var probing = false
    }

    public init(threshold: Int, coolDown: TimeInterval, clock: @escaping @Sendable () -> Date) {
        precondition(threshold >= 1, "a circuit needs at least one failure to open")
        self.threshold = threshold
        self.coolDown = coolDown
        self.clock = clock
    }

    /// The current state and counters. Reading it moves an expired open circuit to half-open.
    public var health: BrokerHealth {
        let now = clock()
        return state.withLock { g in
            Self.coolIfDue(&g.health, now: now)
            return g.health
        }
    }

    /// Whether a request may be sent now. Counts a refusal when it may not.
    func permit() -> Bool {
        let now = clock()
        return state.withLock { g in
            Self.coolIfDue(&g.health, now: now)
            switch g.health.circuit {
            case .closed:
                return true
            case .halfOpen where !g.probing:
                g.probing = true
                return true
            case .halfOpen, .open:
                g.health.refusedWhileOpen += 1
                return false
            }
        }
    }

    /// The broker answered (any status below 500).
    func recordSuccess() {
        let now = clock()
        state.withLock { g in
            g.probing = false
            g.health.requests += 1
            g.health.consecutiveFailures = 0
            g.health.lastSuccessAt = now
            g.health.circuit = .closed
            g.health.openedAt = nil
            g.health.retryAt = nil
        }
    }

    /// The broker failed to answer usefully: `status` is its 5xx answer, nil when none came. `reason`
    /// must not contain credentials.
    func recordFailure(_ reason: String, status: Int? = nil) {
        let now = clock()
        state.withLock { g in
            g.probing = false
            var h = g.health
            defer { g.health = h }
            h.requests += 1
            h.failures += 1
            h.consecutiveFailures += 1
            h.lastFailure = reason
            h.lastFailureStatus = status
            h.lastFailureAt = now
            if h.circuit == .halfOpen || (h.circuit == .closed && h.consecutiveFailures >= threshold) {
                h.circuit = .open
                h.timesOpened += 1
                h.openedAt = now
                h.retryAt = now.addingTimeInterval(coolDown)
            }
        }
    }

    private static func coolIfDue(_ h: inout BrokerHealth, now: Date) {
        if h.circuit == .open, let retryAt = h.retryAt, now >= retryAt { h.circuit = .halfOpen }
    }
}
