import Foundation

extension Risk {
    /// A symbol's netted position as the risk book sees it.
    public struct BookPosition: Hashable, Sendable {
        public var symbol: Symbol
        public var sector: Sector
        public var net: NetPosition
        /// Last known price (a mark or the last fill).
        public var mark: Price?
        /// Realized P&L of the current round trip, to classify it as a win or a loss when it ends.
        public var roundTripRealized: Money

        public var exposure: Money {
            guard let price = mark ?? net.averagePrice else { return .zero }
            return Money(net.quantity.magnitude.shares * price.value)
        }
        public var unrealized: Money { mark.map { net.unrealized(at: $0) } ?? .zero }
    }

    /// An approved entry not (fully) filled yet: it reserves room under every limit.
    public struct PendingEntry: Hashable, Sendable {
        public var approvalID: ApprovalID
        public var symbol: Symbol
        public var sector: Sector
        public var side: PositionSide
        public var approvedQuantity: Quantity
        public var unfilledQuantity: Quantity
        public var price: Price

        public var exposure: Money { Money(unfilledQuantity.shares * price.value) }
    }

    public struct State: Hashable, Sendable {
        public var account: AccountID?
        public var date: NYDate?
        public var parameters: RiskParameters
        public var parametersHash: String
        public var startingEquity: Money?
        public var halt: TradingHalt?
        public var warningIssued: Bool
        public var positions: [Symbol: BookPosition]
        public var pending: [ApprovalID: PendingEntry]
        /// Every approval id decided today (approved or denied).
        public var decided: Set<ApprovalID>
        public var approvals: Int
        /// Approvals released without a single share filled: they did not become trades.
        public var releasedUnfilled: Int
        public var realizedPnL: Money
        public var consecutiveLosses: Int
        public var executionIDs: Set<ExecutionID>
        public var lastMarksAt: Date?
        /// Requests to lift the halt in force (cleared by a resume or a new halt).
        public var resumeRequests: [ResumeRequested] = []
        /// The configuration file's parameters hash as last applied: the file changed when it differs.
        public var fileParametersHash: String = RiskParameters.conservative.hash
        /// Raises waiting for a second risk officer (cleared by any change of the parameters).
        public var parameterProposals: [ParametersProposed] = []

        public var isOpened: Bool { date != nil }

        public static let initial = State(
            account: nil, date: nil, parameters: .conservative, parametersHash: RiskParameters.conservative.hash, startingEquity: nil,
            halt: nil, warningIssued: false, positions: [:], pending: [:], decided: [], approvals: 0, releasedUnfilled: 0,
            realizedPnL: .zero, consecutiveLosses: 0, executionIDs: [], lastMarksAt: nil
        )

        // MARK: Derived figures, the inputs of the rules

        public var unrealizedPnL: Money { positions.values.reduce(.zero) { $0 + $1.unrealized } }
        public var dailyPnL: Money { realizedPnL + unrealizedPnL }
        public var openPositionCount: Int { positions.values.filter { !$0.net.isFlat }.count }
        /// The symbols held (not flat), in symbol order: anything recorded from them must not depend on a
        /// dictionary's order, which differs from process to process.
        public var heldSymbols: [Symbol] { positions.values.filter { !$0.net.isFlat }.map(\.symbol).sorted() }
        public var tradesToday: Int { approvals - releasedUnfilled }
        public var portfolioExposure: Money {
            positions.values.reduce(.zero) { $0 + $1.exposure } + pending.values.reduce(.zero) { $0 + $1.exposure }
        }
        public var pendingNotional: Money { pending.values.reduce(.zero) { $0 + $1.exposure } }

        public func exposure(of sector: Sector) -> Money {
            positions.values.filter { $0.sector == sector }.reduce(.zero) { $0 + $1.exposure }
                + pending.values.filter { $0.sector == sector }.reduce(.zero) { $0 + $1.exposure }
        }

        /// True when the symbol is held or has a pending entry (one position per symbol).
        public func isOpenOrPending(_ symbol: Symbol) -> Bool {
            (positions[symbol].map { !$0.net.isFlat } ?? false) || pending.values.contains { $0.symbol == symbol }
        }

        /// Symbols counted against `max_positions`: held plus pending, each once.
        public var positionSlotsUsed: Int {
            Set(positions.values.filter { !$0.net.isFlat }.map(\.symbol)).union(pending.values.map(\.symbol)).count
        }

        public var lossLimitReached: Bool { dailyPnL.amount <= -parameters.maxDailyLoss.amount }
        public var warningLevelReached: Bool {
            dailyPnL.amount <= -(parameters.maxDailyLoss.amount * parameters.dailyLossWarningFraction.value)
        }
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .dayOpened(let e):
            s.account = e.account
            s.date = e.date
            s.parameters = e.parameters
            s.parametersHash = e.parametersHash
            s.fileParametersHash = e.fileParametersHash ?? e.parametersHash
            s.startingEquity = e.startingEquity
            s.halt = e.carriedHalt
            for p in e.carriedPositions where !p.quantity.isZero {
                s.positions[p.symbol] = BookPosition(
                    symbol: p.symbol, sector: p.sector,
                    net: NetPosition(quantity: p.quantity, costBasis: Money(p.quantity.shares * p.referencePrice.value)),
                    mark: p.referencePrice, roundTripRealized: .zero)
            }
        case .parametersChanged(let e):
            s.parameters = e.parameters
            s.parametersHash = e.parametersHash
            s.fileParametersHash = e.fileParametersHash ?? e.parametersHash
            s.parameterProposals = []
        case .parametersProposed(let e):
            s.parameterProposals.append(e)
        case .approved(let e):
            s.decided.insert(e.approvalID)
            s.approvals += 1
            s.pending[e.approvalID] = PendingEntry(
                approvalID: e.approvalID, symbol: e.intent.symbol, sector: e.sector, side: e.intent.positionSide,
                approvedQuantity: e.intent.quantity, unfilledQuantity: e.intent.quantity, price: e.assessment.referencePrice)
        case .denied(let e):
            s.decided.insert(e.approvalID)
        case .approvalReleased(let e):
            if let entry = s.pending.removeValue(forKey: e.approvalID), entry.unfilledQuantity == entry.approvedQuantity {
                s.releasedUnfilled += 1
            }
        case .fillRecorded(let e):
            applyFill(e, to: &s)
        case .marksRecorded(let e):
            for mark in e.marks { s.positions[mark.symbol]?.mark = mark.price }
            s.lastMarksAt = e.markedAt
        case .dailyLossWarning:
            s.warningIssued = true
        case .tradingHalted(let e):
            s.halt = e.halt
            s.resumeRequests = []
        case .tradingResumed:
            s.halt = nil
            s.resumeRequests = []
        case .resumeRequested(let e):
            s.resumeRequests.append(e)
        }
        return s
    }

    private static func applyFill(_ e: FillRecorded, to s: inout State) {
        s.executionIDs.insert(e.executionID)
        var book = s.positions[e.symbol] ?? BookPosition(symbol: e.symbol, sector: e.sector, net: .flat, mark: nil, roundTripRealized: .zero)
        let (net, effect) = book.net.applying(side: e.side, quantity: e.quantity, price: e.price, fee: e.fee)
        s.realizedPnL += effect.realized
        book.roundTripRealized += effect.realized
        if effect.closed.isPositive, net.isFlat || effect.flipped {
            // A round trip ended: it counts towards the losing streak or breaks it.
            if book.roundTripRealized.amount < 0 {
                s.consecutiveLosses += 1
            } else if book.roundTripRealized.amount > 0 {
                s.consecutiveLosses = 0
            }
            book.roundTripRealized = .zero
        }
        book.net = net
        book.mark = e.price
        if net.isFlat {
            s.positions[e.symbol] = nil
        } else {
            s.positions[e.symbol] = book
        }
        if let id = e.approvalID, var entry = s.pending[id], effect.opened.isPositive {
            entry.unfilledQuantity = entry.unfilledQuantity - effect.opened
            s.pending[id] = entry.unfilledQuantity.isPositive ? entry : nil
        }
    }
}
