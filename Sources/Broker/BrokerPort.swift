import Domain
import Foundation

/// The broker, as the application sees it. Two implementations: the paper broker over the simulated
/// market (the default) and Alpaca's REST API (paper or live URL from the environment).
///
/// Rules every implementation keeps:
/// - `client_order_id` is the idempotency key: submitting an id the broker already has returns that
///   order (`BrokerSubmitOutcome.alreadyExists`), never a second order.
/// - A submit whose outcome cannot be known (timeout, connection dropped after sending) throws
///   `BrokerError.outcomeUnknown`; the caller resolves it with `order(clientOrderID:)`, never by
///   resubmitting blindly.
/// - Fills are reported one per execution (`BrokerFill.executionID`), in broker time order.
public protocol Broker: Sendable {
    var mode: BrokerMode { get }

    func submit(_ intent: OrderIntent) async throws(BrokerError) -> BrokerSubmitOutcome
    func cancel(_ id: BrokerOrderID) async throws(BrokerError)
    /// Replaces quantity/prices of an open order; the broker creates a new order id (Alpaca PATCH).
    func replace(_ id: BrokerOrderID, with change: BrokerReplace) async throws(BrokerError) -> BrokerOrder
    /// Nil when the broker does not know the id (404).
    func order(id: BrokerOrderID) async throws(BrokerError) -> BrokerOrder?
    func order(clientOrderID: ClientOrderID) async throws(BrokerError) -> BrokerOrder?
    /// Orders not in a terminal state, including held bracket legs.
    func openOrders() async throws(BrokerError) -> [BrokerOrder]
    func positions() async throws(BrokerError) -> [BrokerPosition]
    func account() async throws(BrokerError) -> AccountSnapshot
    /// Executions after `cursor` (exclusive; nil = from the start of `since`), oldest first, at most
    /// `limit`. The returned cursor continues the feed.
    func fills(since: Date, after cursor: String?, limit: Int) async throws(BrokerError) -> BrokerFillPage
    /// The connection's state for the watchdog and `/health` (circuit breaker, failure counters).
    var health: BrokerHealth { get }
}

extension Broker {
    /// Brokers without a network connection have nothing to report.
    public var health: BrokerHealth { .healthy }
}

public enum BrokerMode: String, Sendable, Codable {
    /// The paper broker on the simulated market (no keys).
    case simulated
    /// Alpaca's paper trading endpoint.
    case alpacaPaper = "alpaca_paper"
    /// Alpaca's live endpoint: real money.
    case alpacaLive = "alpaca_live"

    /// `paper` or `live`, as the watchdog reports it.
    public var moneyMode: String { self == .alpacaLive ? "live" : "paper" }
}

public enum BrokerSubmitOutcome: Sendable, Hashable {
    /// The broker accepted the request and created this order.
    case created(BrokerOrder)
    /// An order with this client order id already existed (a retry); this is it.
    case alreadyExists(BrokerOrder)

    public var order: BrokerOrder {
        switch self {
        case .created(let o), .alreadyExists(let o): o
        }
    }
}

/// A change to an open order (only the given fields change).
public struct BrokerReplace: Sendable, Hashable {
    public var quantity: Quantity?
    public var limitPrice: Price?
    public var stopPrice: Price?
    public var timeInForce: TimeInForce?
    public var clientOrderID: ClientOrderID?

    public init(quantity: Quantity? = nil, limitPrice: Price? = nil, stopPrice: Price? = nil, timeInForce: TimeInForce? = nil, clientOrderID: ClientOrderID? = nil) {
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce
        self.clientOrderID = clientOrderID
    }
}

/// An order as the broker reports it (Alpaca's order entity, with decimals as Decimal).
public struct BrokerOrder: Sendable, Hashable, Codable {
    public var id: BrokerOrderID
    public var clientOrderID: String
    public var symbol: Symbol
    public var side: OrderSide
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var orderClass: OrderClass
    public var quantity: Quantity
    public var filledQuantity: Quantity
    public var filledAveragePrice: Price?
    public var limitPrice: Price?
    public var stopPrice: Price?
    public var status: BrokerOrderStatus
    public var createdAt: Date
    public var updatedAt: Date?
    public var submittedAt: Date?
    public var filledAt: Date?
    public var canceledAt: Date?
    public var expiredAt: Date?
    public var failedAt: Date?
    /// Set on the order that replaced this one / this one replaced.
    public var replacedBy: BrokerOrderID?
    public var replaces: BrokerOrderID?
    /// Bracket (or OCO/OTO) legs, as nested orders.
    public var legs: [BrokerOrder]
    /// The broker's message for a rejection, when it gives one.
    public var rejectReason: String?
    /// The response body as received (kept as evidence).
    public var raw: String?

    public init(
        id: BrokerOrderID, clientOrderID: String, symbol: Symbol, side: OrderSide, type: OrderType, timeInForce: TimeInForce,
        orderClass: OrderClass, quantity: Quantity, filledQuantity: Quantity, filledAveragePrice: Price?, limitPrice: Price?,
        stopPrice: Price?, status: BrokerOrderStatus, createdAt: Date, updatedAt: Date? = nil, submittedAt: Date? = nil,
        filledAt: Date? = nil, canceledAt: Date? = nil, expiredAt: Date? = nil, failedAt: Date? = nil, replacedBy: BrokerOrderID? = nil,
        replaces: BrokerOrderID? = nil, legs: [BrokerOrder] = [], rejectReason: String? = nil, raw: String? = nil
    ) {
        self.id = id
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.orderClass = orderClass
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.filledAveragePrice = filledAveragePrice
        self.limitPrice = limitPrice
        self.stopPrice = stopPrice
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.submittedAt = submittedAt
        self.filledAt = filledAt
        self.canceledAt = canceledAt
        self.expiredAt = expiredAt
        self.failedAt = failedAt
        self.replacedBy = replacedBy
        self.replaces = replaces
        self.legs = legs
        self.rejectReason = rejectReason
        self.raw = raw
    }
}

/// One execution (Alpaca account activity `FILL`/`PARTIAL_FILL`, or a `trade_updates` fill).
/// `quantity` and `price` are this execution's, not cumulative.
public struct BrokerFill: Sendable, Hashable, Codable {
    public var executionID: ExecutionID
    public var brokerOrderID: BrokerOrderID
    public var clientOrderID: String?
    public var symbol: Symbol
    public var side: OrderSide
    public var quantity: Quantity
    public var price: Price
    /// The order's filled quantity after this execution.
    public var cumulativeQuantity: Quantity
    public var leavesQuantity: Quantity
    public var transactionTime: Date

    public init(
        executionID: ExecutionID, brokerOrderID: BrokerOrderID, clientOrderID: String?, symbol: Symbol, side: OrderSide,
        quantity: Quantity, price: Price, cumulativeQuantity: Quantity, leavesQuantity: Quantity, transactionTime: Date
    ) {
        self.executionID = executionID
        self.brokerOrderID = brokerOrderID
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.cumulativeQuantity = cumulativeQuantity
        self.leavesQuantity = leavesQuantity
        self.transactionTime = transactionTime
    }
}

public struct BrokerFillPage: Sendable, Hashable {
    public var fills: [BrokerFill]
    /// Pass back as `after` to continue; nil when the feed returned nothing.
    public var cursor: String?

    public init(fills: [BrokerFill], cursor: String?) {
        self.fills = fills
        self.cursor = cursor
    }
}

/// A position as the broker reports it. `quantity` is signed (negative = short).
public struct BrokerPosition: Sendable, Hashable, Codable {
    public var symbol: Symbol
    public var quantity: Quantity
    public var averageEntryPrice: Price
    public var marketValue: Money?
    public var unrealizedPnL: Money?
    public var currentPrice: Price?
    public var raw: String?

    public init(
        symbol: Symbol, quantity: Quantity, averageEntryPrice: Price, marketValue: Money? = nil, unrealizedPnL: Money? = nil,
        currentPrice: Price? = nil, raw: String? = nil
    ) {
        self.symbol = symbol
        self.quantity = quantity
        self.averageEntryPrice = averageEntryPrice
        self.marketValue = marketValue
        self.unrealizedPnL = unrealizedPnL
        self.currentPrice = currentPrice
        self.raw = raw
    }
}

/// Why a broker call failed. The application maps each to events: a rejection is recorded with the
/// broker's message; `unavailable` is retried with backoff; `outcomeUnknown` becomes
/// `order.submit_outcome_unknown` and is resolved by a lookup.
public enum BrokerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 4xx refusal of the request itself (e.g. 422 invalid, 403 insufficient buying power).
    case rejected(status: Int, message: String)
    /// 401/403 on credentials.
    case unauthorized(String)
    /// 429.
    case rateLimited(retryAfterSeconds: Double?)
    /// 5xx, connection refused, or a timeout on a request that changes nothing (safe to retry).
    case unavailable(String)
    /// A state-changing request was sent and no answer arrived: it may or may not have taken effect.
    case outcomeUnknown(String)
    /// The circuit breaker is open after repeated failures; no request was sent.
    case circuitOpen
    /// The response could not be understood.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .rejected(let s, let m): "broker rejected the request (\(s)): \(m)"
        case .unauthorized(let m): "broker refused the credentials: \(m)"
        case .rateLimited(let r): "broker rate limit reached\(r.map { ", retry after \($0) s" } ?? "")"
        case .unavailable(let m): "broker unavailable: \(m)"
        case .outcomeUnknown(let m): "broker outcome unknown: \(m)"
        case .circuitOpen: "broker circuit is open after repeated failures"
        case .malformedResponse(let m): "broker response not understood: \(m)"
        }
    }

    /// True when nothing can have changed at the broker, so the call may simply be retried.
    public var isRetryable: Bool {
        switch self {
        case .unavailable, .rateLimited, .circuitOpen: true
        default: false
        }
    }
}
