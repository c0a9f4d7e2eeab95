import Foundation

extension Position {
    public struct Open: Hashable, Sendable {
        public var positionID: PositionID
        public var net: NetPosition
        public var openedAt: Date
        public var sector: Sector?
        public var approvalID: ApprovalID?
        public var cycleID: CycleID?
        public var stop: Price?
        public var target: Price?
        /// Realized so far on this position, net of fees.
        public var realizedPnL: Money
        /// False once a reconciliation adjustment changed the quantity without fills.
        public var pnlComplete: Bool
        public var lastMark: Price?
        public var lastMarkAt: Date?
        public var highestPrice: Price
        public var lowestPrice: Price
        public var exitRequested: ExitReason?

        public var side: PositionSide { net.side ?? .long }
        public var quantity: Quantity { net.quantity.magnitude }
        public var unrealizedPnL: Money? { lastMark.map { net.unrealized(at: $0) } }
    }

    public struct State: Hashable, Sendable {
        public var account: AccountID?
        public var symbol: Symbol?
        /// How many positions this stream has opened (the next id's sequence is this + 1).
        public var sequence: Int
        public var open: Open?
        public var executionIDs: Set<ExecutionID>
        /// Realized over every closed and the open position; nil once any adjustment made it unknowable.
        public var lifetimeRealizedPnL: Money?

        public static let initial = State(account: nil, symbol: nil, sequence: 0, open: nil, executionIDs: [], lifetimeRealizedPnL: .zero)
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .opened(let e):
            s.account = e.account
            s.symbol = e.symbol
            s.sequence += 1
            s.executionIDs.insert(e.executionID)
            s.lifetimeRealizedPnL = s.lifetimeRealizedPnL.map { $0 - e.fee }
            s.open = Open(
                positionID: e.positionID, net: signed(e.side, e.quantity, e.costBasis), openedAt: e.openedAt, sector: e.sector,
                approvalID: e.approvalID, cycleID: e.cycleID, stop: e.stop, target: e.target, realizedPnL: -e.fee, pnlComplete: true,
                lastMark: nil, lastMarkAt: nil, highestPrice: e.price, lowestPrice: e.price, exitRequested: nil)
        case .increased(let e):
            s.executionIDs.insert(e.executionID)
            s.lifetimeRealizedPnL = s.lifetimeRealizedPnL.map { $0 - e.fee }
            if var o = s.open {
                o.net = signed(o.side, e.quantityAfter, e.costBasis)
                o.realizedPnL -= e.fee
                o.highestPrice = max(o.highestPrice, e.price)
                o.lowestPrice = min(o.lowestPrice, e.price)
                s.open = o
            }
        case .reduced(let e):
            s.executionIDs.insert(e.executionID)
            s.lifetimeRealizedPnL = s.lifetimeRealizedPnL.map { $0 + e.realizedPnL }
            if var o = s.open {
                o.net = signed(o.side, e.quantityAfter, e.costBasis)
                o.realizedPnL += e.realizedPnL
                o.highestPrice = max(o.highestPrice, e.price)
                o.lowestPrice = min(o.lowestPrice, e.price)
                s.open = o
            }
        case .closed(let e):
            if let id = e.executionID { s.executionIDs.insert(id) }
            s.lifetimeRealizedPnL = e.totalRealizedPnL == nil ? nil : s.lifetimeRealizedPnL.map { $0 + e.realizedPnL }
            s.open = nil
        case .marked(let e):
            s.open?.lastMark = e.price
            s.open?.lastMarkAt = e.at
            s.open?.highestPrice = e.highestPrice
            s.open?.lowestPrice = e.lowestPrice
        case .exitRequested(let e):
            s.open?.exitRequested = e.reason
        case .protectionChanged(let e):
            s.open?.stop = e.stop
            s.open?.target = e.target
        case .adjusted(let e):
            s.account = e.account
            s.symbol = e.symbol
            let net = NetPosition(
                quantity: e.quantityAfter, costBasis: e.quantityAfter.isNegative ? -e.costBasisAfter : e.costBasisAfter)
            if e.quantityBefore.isZero, !e.quantityAfter.isZero {
                s.sequence += 1
                let price = net.averagePrice.map { Price($0.value < 0 ? -$0.value : $0.value) } ?? .zero
                s.open = Open(
                    positionID: e.positionID, net: net, openedAt: e.at, sector: nil, approvalID: nil, cycleID: nil, stop: nil, target: nil,
                    realizedPnL: .zero, pnlComplete: false, lastMark: nil, lastMarkAt: nil, highestPrice: price, lowestPrice: price,
                    exitRequested: nil)
                s.lifetimeRealizedPnL = nil
            } else if var o = s.open {
                o.net = net
                o.pnlComplete = false
                s.open = o
                s.lifetimeRealizedPnL = nil
            }
        }
        return s
    }

    static func signed(_ side: PositionSide, _ quantity: Quantity, _ basis: Money) -> NetPosition {
        side == .long ? NetPosition(quantity: quantity, costBasis: basis) : NetPosition(quantity: -quantity, costBasis: -basis)
    }
}
