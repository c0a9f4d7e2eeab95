import Foundation

extension Risk {
    /// Everything a decision was made on besides the day's risk book and parameters, recorded with the
    /// decision (`risk.approved`/`risk.denied` v2). With the book (a fold of the same stream) it is enough
    /// to run the rules again — `replay what-if` re-decides a recorded day under other parameters from it,
    /// and an auditor can see why a limit was or was not hit without asking the broker what the account was.
    public struct EvaluationInputs: Hashable, Sendable, Codable {
        public var symbol: Symbol
        public var sector: Sector
        public var side: PositionSide
        /// The proposal's prices before tick rounding (the rules round them).
        public var entry: Price
        public var stop: Price
        public var target: Price
        public var atr: DecimalValue?
        public var entryType: OrderType
        public var timeInForce: TimeInForce
        public var clientOrderID: ClientOrderID
        public var requestedQuantity: Quantity?
        public var riskPerTrade: DecimalValue?
        public var maxPositions: Int?
        public var account: AccountSnapshot
        public var correlations: [SymbolCorrelation]
        public var tradable: Bool
        public var shortable: Bool
        public var session: TradingSession?
        /// The market price the entry was planned against (absent on decisions recorded before `EntryPlan`).
        public var marketPrice: Price?
        /// `breakout` for a pattern signal's entry; absent: a limit (every decision recorded before `EntryPlan`).
        public var entryStyle: EntryStyle?
        /// SHA-256 of the captured market data (`catalyst session replay` decides again from it).
        public var marketDataHash: String?

        public init(_ e: Evaluation) {
            marketDataHash = e.marketDataHash
            symbol = e.proposal.symbol
            sector = e.proposal.features.sector
            side = e.proposal.side
            entry = e.proposal.entry
            stop = e.proposal.stop
            target = e.proposal.target
            atr = e.proposal.atr.map(DecimalValue.init)
            entryType = e.entryType
            timeInForce = e.timeInForce
            clientOrderID = e.clientOrderID
            requestedQuantity = e.requestedQuantity
            riskPerTrade = e.riskPerTrade
            maxPositions = e.maxPositions
            account = e.account
            correlations = e.correlations
            tradable = e.tradable
            shortable = e.shortable
            session = e.session
            marketPrice = e.marketPrice ?? e.proposal.features.price
            entryStyle = e.entryStyle == .limit ? nil : e.entryStyle
        }

        /// The evaluation these inputs came from, for the decision `approvalID` taken at `now`.
        /// The proposal's feature snapshot is reduced to what the rules read (symbol, sector, price).
        public func evaluation(
            approvalID: ApprovalID, cycleID: CycleID?, signalID: SignalID?, supervised: Bool, now: Date
        ) -> Evaluation {
            let features = FeatureSnapshot(symbol: symbol, sector: sector, asOf: now, price: entry, volume: 0, scoringVersion: "recorded")
            let proposal = TradeProposal(
                symbol: symbol, side: side, entry: entry, stop: stop, target: target, pattern: nil, confidence: 0, compositeScore: 0,
                atr: atr?.value, features: features)
            return Evaluation(
                approvalID: approvalID, cycleID: cycleID, signalID: signalID, proposal: proposal, entryType: entryType,
                timeInForce: timeInForce, clientOrderID: clientOrderID, requestedQuantity: requestedQuantity, riskPerTrade: riskPerTrade,
                maxPositions: maxPositions, account: account, correlations: correlations, tradable: tradable, shortable: shortable,
                supervised: supervised, now: now, session: session, marketPrice: marketPrice,
                entryStyle: entryStyle ?? .limit, marketDataHash: marketDataHash)
        }

        enum CodingKeys: String, CodingKey {
            case symbol, sector, side, entry, stop, target, atr, account, correlations, tradable, shortable, session
            case entryType = "entry_type"
            case timeInForce = "time_in_force"
            case clientOrderID = "client_order_id"
            case requestedQuantity = "requested_quantity"
            case riskPerTrade = "risk_per_trade"
            case maxPositions = "max_positions"
            case marketPrice = "market_price"
            case entryStyle = "entry_style"
            case marketDataHash = "market_data_hash"
        }
    }
}
