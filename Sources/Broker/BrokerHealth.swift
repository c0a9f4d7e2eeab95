import Foundation

/// How the connection to the broker is doing, for the watchdog's BROKER_API_ERROR check and for
/// `/health`. Read it any time: it is a snapshot, not a live view.
public struct BrokerHealth: Sendable, Hashable, Codable {
    /// The circuit breaker's state: after repeated failures, stop sending to the broker; probe it later.
    public enum CircuitState: String, Sendable, Hashable, Codable {
        /// Requests flow.
        case closed
        /// Requests are refused locally (`BrokerError.circuitOpen`) until `retryAt`.
        case open
        /// The cool-down is over; the next request is a probe that closes or re-opens the circuit.
        case halfOpen = "half_open"
    }

    public var circuit: CircuitState
    /// Failures (transport errors, timeouts, 5xx) since the last success.
    public var consecutiveFailures: Int
    /// Requests sent to the broker (each retry counts).
    public var requests: Int
    public var failures: Int
    /// Requests refused locally because the circuit was open.
    public var refusedWhileOpen: Int
    /// How many times the circuit has opened.
    public var timesOpened: Int
    /// The last failure's description (never contains credentials) and when it happened.
    public var lastFailure: String?
    /// The HTTP status of the last failure when the broker answered (a 5xx), nil when it did not
    /// answer at all (refused, timed out, dropped): the watchdog tells BROKER_API_ERROR from
    /// BROKER_CONNECTION_ERROR by it.
    public var lastFailureStatus: Int?
    public var lastFailureAt: Date?
    public var lastSuccessAt: Date?
    /// When the circuit opened, and when it will let a probe through.
    public var openedAt: Date?
    public var retryAt: Date?

    public init(
        circuit: CircuitState = .closed, consecutiveFailures: Int = 0, requests: Int = 0, failures: Int = 0, refusedWhileOpen: Int = 0,
        timesOpened: Int = 0, lastFailure: String? = nil, lastFailureStatus: Int? = nil, lastFailureAt: Date? = nil, lastSuccessAt: Date? = nil, openedAt: Date? = nil,
        retryAt: Date? = nil
    ) {
        self.circuit = circuit
        self.consecutiveFailures = consecutiveFailures
        self.requests = requests
        self.failures = failures
        self.refusedWhileOpen = refusedWhileOpen
        self.timesOpened = timesOpened
        self.lastFailure = lastFailure
        self.lastFailureStatus = lastFailureStatus
        self.lastFailureAt = lastFailureAt
        self.lastSuccessAt = lastSuccessAt
        self.openedAt = openedAt
        self.retryAt = retryAt
    }

    /// A broker with nothing to report (the paper broker has no network).
    public static let healthy = BrokerHealth()

    /// True when the watchdog should raise BROKER_API_ERROR: the circuit is not closed, or the last
    /// request failed.
    public var isDegraded: Bool { circuit != .closed || consecutiveFailures > 0 }

    enum CodingKeys: String, CodingKey {
        case circuit, requests, failures
        case consecutiveFailures = "consecutive_failures"
        case refusedWhileOpen = "refused_while_open"
        case timesOpened = "times_opened"
        case lastFailure = "last_failure"
        case lastFailureStatus = "last_failure_status"
        case lastFailureAt = "last_failure_at"
        case lastSuccessAt = "last_success_at"
        case openedAt = "opened_at"
        case retryAt = "retry_at"
    }
}
