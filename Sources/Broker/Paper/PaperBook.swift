import Domain
import Foundation

/// Which exit of a bracket a leg is.
enum PaperLegRole: Sendable, Hashable {
    case takeProfit
    case stopLoss
}

/// One order as the paper broker keeps it.
struct PaperOrder: Sendable, Hashable {
    let sequence: Int
    let id: BrokerOrderID
    var clientOrderID: String
    let symbol: Symbol
    let side: OrderSide
    var type: OrderType
    var timeInForce: TimeInForce
    let orderClass: OrderClass
    var quantity: Quantity
    var filledQuantity: Quantity = .zero
    /// Σ execution quantity × price, for the average fill price.
    var filledNotional: Decimal = 0
    var limitPrice: Price?
    var stopPrice: Price?
    var status: BrokerOrderStatus
    let createdAt: Date
    var updatedAt: Date
    var filledAt: Date?
    var canceledAt: Date?
    var expiredAt: Date?
    var replacedAt: Date?
    var replacedBy: BrokerOrderID?
    var replaces: BrokerOrderID?
    /// For a bracket leg: the entry it belongs to (the latest replacement of it).
    var parent: BrokerOrderID?
    var legRole: PaperLegRole?
    /// For a bracket entry: its legs (the latest replacement of each).
    var legs: [BrokerOrderID] = []
    /// When the order started working: submission (or the session open, for an order accepted
    /// outside the session), or the entry's complete fill for a leg. Nil while a leg is held.
    var activeSince: Date?
    /// How many times matching has looked at it; keys the partial-fill draw.
    var evaluations = 0
    /// A stop-limit whose stop was reached works as a limit.
    var stopTriggered = false

    var remaining: Quantity { quantity - filledQuantity }
    var isOpen: Bool { !status.isTerminal }
    /// Working orders can fill; held legs and orders waiting for the session cannot.
    var isWorking: Bool { isOpen && activeSince != nil }

    var averageFillPrice: Price? {
        filledQuantity.isPositive ? Price(DecimalText.round(filledNotional / filledQuantity.shares, scale: 6, .plain)) : nil
    }
}

/// The paper broker's whole state, as a value: every operation is a mutating method, and the
/// `PaperBroker` class only serialises access to it. Nothing here reads a clock or a global generator.
struct PaperBook: Sendable {
    let configuration: PaperConfiguration
    let feed: any PaperPriceFeed
    /// The broker's clock: the last `advance` target (or the configured start).
    var now: Date
    var session: PaperSession?
    /// True once the current session's `day` orders were expired.
    var sessionClosed = false
    var orders: [PaperOrder] = []
    var orderIndex: [BrokerOrderID: Int] = [:]
    var clientIndex: [String: Int] = [:]
    /// How many times each client order id was submitted: taken, answered as already taken, or refused.
    var submissions: [String: Int] = [:]
    var fills: [BrokerFill] = []
    var fillIndex: [ExecutionID: Int] = [:]
    var positions: [Symbol: NetPosition] = [:]
    var cash: Money
    /// Equity at the previous session's close (Alpaca `last_equity`).
    var lastEquity: Money

    init(configuration: PaperConfiguration, feed: any PaperPriceFeed) {
        self.configuration = configuration
        self.feed = feed
        now = configuration.start
        session = configuration.session
        cash = configuration.startingCash
        lastEquity = configuration.startingCash
    }

    /// True when orders may fill at `time`.
    func isInSession(_ time: Date) -> Bool {
        guard let session else { return true }
        return time >= session.open && time < session.close
    }

    func position(_ symbol: Symbol) -> NetPosition { positions[symbol] ?? .flat }

    /// The price used to value positions and reserve buying power: the feed's last price, or the
    /// average entry when the feed has none.
    func mark(_ symbol: Symbol) -> Price? {
        feed.lastPrice(symbol, at: now) ?? position(symbol).averagePrice
    }

    /// Cash plus the signed market value of every position.
    var equity: Money {
        positions.reduce(cash) { total, entry in
            guard let mark = mark(entry.key) else { return total + entry.value.costBasis }
            return total + Money(entry.value.quantity.shares * mark.value)
        }
    }

    /// Equity × multiplier, less the gross market value held and what open opening orders reserve.
    var buyingPower: Money {
        let gross = positions.reduce(Money.zero) { total, entry in
            let value = mark(entry.key).map { Money(entry.value.quantity.shares * $0.value) } ?? entry.value.costBasis
            return total + value.magnitude
        }
        let reserved = orders.reduce(Money.zero) { total, o in
            guard o.isOpen, o.parent == nil, opens(o.side, o.symbol), let price = o.limitPrice ?? mark(o.symbol) else { return total }
            return total + Money(o.remaining.shares * price.value)
        }
        let power = equity * configuration.buyingPowerMultiplier - gross - reserved
        return power.isNegative ? .zero : power
    }

    /// True when an order on `side` would open or add to a position rather than reduce one.
    func opens(_ side: OrderSide, _ symbol: Symbol) -> Bool {
        let q = position(symbol).quantity
        if q.isZero { return true }
        return (q.isPositive && side == .buy) || (q.isNegative && side == .sell)
    }

    /// Shares of the position not already promised to open orders on the reducing side (Alpaca's
    /// `qty_available`). Held legs of an unfilled entry promise nothing yet, and the two legs of one
    /// bracket promise the same shares once (one cancels the other).
    func availableToReduce(_ symbol: Symbol) -> Quantity {
        let q = position(symbol).quantity
        guard !q.isZero else { return .zero }
        let reducing: OrderSide = q.isPositive ? .sell : .buy
        var held = Quantity.zero
        var perGroup: [BrokerOrderID: Quantity] = [:]
        for o in orders where o.symbol == symbol && o.side == reducing && o.isOpen {
            if let parent = o.parent {
                guard o.activeSince != nil else { continue }
                perGroup[parent] = max(perGroup[parent] ?? .zero, o.remaining)
            } else {
                held += o.remaining
            }
        }
        for (_, q) in perGroup { held += q }
        return q.magnitude - held
    }

    /// The next order's sequence number and id.
    func nextOrderID() -> (Int, BrokerOrderID) {
        let sequence = orders.count
        // The start day is part of the id: a new paper broker each simulated day must not hand out the
        // ids of yesterday's orders (a ledger keeps them, and looks legs up by broker order id).
        let day = UInt64(max(0, Int(configuration.start.timeIntervalSince1970 / 86_400)))
        let seed = configuration.seed ^ (day &* 0x9E37_79B9_7F4A_7C15) ^ (configuration.incarnation &* 0xD6E8_FEB8_6659_FD93)
        return (sequence, BrokerOrderID(rawValue: PaperRandom.orderID(seed: seed, sequence: sequence)))
    }

    mutating func insert(_ order: PaperOrder) {
        orderIndex[order.id] = orders.count
        clientIndex[order.clientOrderID] = orders.count
        orders.append(order)
    }
}
