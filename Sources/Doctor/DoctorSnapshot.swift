import Domain
import EventStore
import Foundation

/// Everything the checks look at, read once: rows of the trading views, projection and audit status,
/// and what the broker said. The checks are pure functions of this value and `now`, so a test can
/// build one by hand and a scenario can read one from a real database.
public struct DoctorSnapshot: Sendable {
    public var now: Date
    /// Today's newest `v_trade_pipeline_status` row.
    public var pipeline: [String: String?]?
    /// Orders not terminal, plus filled entries (for UNLINKED_ORDER).
    public var orders: [OrderRow] = []
    public var positions: [PositionRow] = []
    /// Today's cycles (New York date).
    public var cycles: [CycleRow] = []
    public var risk: RiskRow?
    public var projections: [ProjectionRow] = []
    public var audit: AuditState = .notChecked
    /// The log's largest transaction id against the cluster's next one (`TransactionIDCheck`).
    public var transactionIDs: TransactionIDCheck.Reading?
    /// The database server's replication (primary or standby, its standbys, synchronous or not).
    public var replication: ReplicationReading?
    /// Risk denials of the last hour, counted by reason code.
    public var rejectionsLastHour: [String: Int] = [:]
    public var broker: BrokerView = .notConfigured
    /// Today's scheduled cycle starts (minutes of the New York day), when the session is open today.
    public var scheduledSlots: [Int] = []

    public init(now: Date) { self.now = now }

    public struct OrderRow: Sendable, Hashable {
        public var orderID: String
        public var symbol: String
        public var side: String
        public var purpose: String
        public var status: String
        public var brokerOrderID: String?
        public var quantity: Decimal
        public var filledQuantity: Decimal
        public var requestedAt: Date
        public var submittedAt: Date?
        public var isTerminal: Bool
        /// A bracket leg (take_profit / stop_loss) resting at the broker.
        public var legRole: String?
        public var positionID: String?
        public var cycleID: String?
        /// A position's order list names this order.
        public var linked: Bool

        public init(
            orderID: String, symbol: String, side: String, purpose: String, status: String, brokerOrderID: String?, quantity: Decimal,
            filledQuantity: Decimal, requestedAt: Date, submittedAt: Date?, isTerminal: Bool, legRole: String? = nil, positionID: String? = nil,
            cycleID: String? = nil, linked: Bool = true
        ) {
            self.orderID = orderID
            self.symbol = symbol
            self.side = side
            self.purpose = purpose
            self.status = status
            self.brokerOrderID = brokerOrderID
            self.quantity = quantity
            self.filledQuantity = filledQuantity
            self.requestedAt = requestedAt
            self.submittedAt = submittedAt
            self.isTerminal = isTerminal
            self.legRole = legRole
            self.positionID = positionID
            self.cycleID = cycleID
            self.linked = linked
        }
    }

    public struct PositionRow: Sendable, Hashable {
        public var positionID: String
        public var symbol: String
        /// Signed: negative for a short.
        public var quantity: Decimal
        public var lastMarkAt: Date?
        public var updatedAt: Date

        public init(positionID: String, symbol: String, quantity: Decimal, lastMarkAt: Date?, updatedAt: Date) {
            self.positionID = positionID
            self.symbol = symbol
            self.quantity = quantity
            self.lastMarkAt = lastMarkAt
            self.updatedAt = updatedAt
        }
    }

    public struct CycleRow: Sendable, Hashable {
        public var cycleID: String
        public var status: String
        public var startedAt: Date
        public var lastActivity: Date?

        public init(cycleID: String, status: String, startedAt: Date, lastActivity: Date?) {
            self.cycleID = cycleID
            self.status = status
            self.startedAt = startedAt
            self.lastActivity = lastActivity
        }
    }

    public struct RiskRow: Sendable, Hashable {
        public var halted: Bool
        public var haltReason: String?
        public var haltedBy: String?
        public var dailyPnL: Decimal
        public var maxDailyLoss: Decimal?
        public var warningFraction: Decimal?

        public init(halted: Bool, haltReason: String?, haltedBy: String?, dailyPnL: Decimal, maxDailyLoss: Decimal?, warningFraction: Decimal?) {
            self.halted = halted
            self.haltReason = haltReason
            self.haltedBy = haltedBy
            self.dailyPnL = dailyPnL
            self.maxDailyLoss = maxDailyLoss
            self.warningFraction = warningFraction
        }
    }

    public struct ProjectionRow: Sendable, Hashable {
        public var name: String
        public var state: String
        public var lagEvents: Int64
        public var lagSeconds: Double
        public var error: String?

        public init(name: String, state: String, lagEvents: Int64, lagSeconds: Double, error: String?) {
            self.name = name
            self.state = state
            self.lagEvents = lagEvents
            self.lagSeconds = lagSeconds
            self.error = error
        }
    }

    public enum AuditState: Sendable, Hashable {
        case notChecked
        case ok
        case broken(seq: Int64, globalPosition: Int64, reason: String)
    }

    /// The broker as the watchdog saw it.
    public enum BrokerView: Sendable, Hashable {
        /// No broker credentials and no broker in-process: reconciliation is skipped.
        case notConfigured
        /// The connection failed (refused, timed out, circuit open).
        case connectionError(mode: String, message: String)
        /// The broker answered with an error to the position listing.
        case apiError(mode: String, message: String)
        case connected(BrokerState)

        public var connected: Bool {
            if case .connected = self { return true }
            return false
        }

        public var mode: String? {
            switch self {
            case .notConfigured: nil
            case .connectionError(let m, _), .apiError(let m, _): m
            case .connected(let s): s.mode
            }
        }
    }

    public struct BrokerState: Sendable, Hashable {
        public var mode: String
        /// Signed quantities by symbol (non-zero only).
        public var positions: [String: Decimal]
        /// What a lookup by id gave for each of our non-terminal orders with a broker id.
        public var orders: [String: OrderLookup]

        public init(mode: String, positions: [String: Decimal], orders: [String: OrderLookup]) {
            self.mode = mode
            self.positions = positions
            self.orders = orders
        }
    }

    public enum OrderLookup: Sendable, Hashable {
        case found(status: String)
        case notFound
        case error(String)
    }
}
