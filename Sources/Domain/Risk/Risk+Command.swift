import Foundation

extension Risk {
    public enum Command: Sendable {
        case openDay(OpenDay)
        /// The configuration file's parameters (applied when the file changed since it was last applied).
        case changeParameters(RiskParameters, by: Actor, at: Date, source: String?)
        /// A risk officer's change through the API. With `makerChecker`, a change that loosens any limit is
        /// only proposed until a second, different human sets the same parameters.
        case setParameters(RiskParameters, by: Actor, at: Date, reason: String, makerChecker: Bool)
        case evaluate(Evaluation)
        case releaseApproval(ApprovalID, reason: ReleaseReason, at: Date)
        case recordFill(FillRecorded)
        case recordMarks([SymbolPrice], at: Date)
        case halt(HaltReason, by: Actor, at: Date, detail: String)
        /// Lifts the halt when a human asks. With `makerChecker` (config/authority.yaml) a halt for the
        /// daily loss limit needs two different humans: the first is recorded as a request (the maker),
        /// the second lifts it (the checker).
        case resume(by: Actor, at: Date, note: String, makerChecker: Bool = false)
        /// Asks for the halt to be lifted (an agent, or anyone): recorded, waits for a human.
        case requestResume(by: Actor, at: Date, note: String)
    }

    /// Opens the account's trading day. A halt from the previous day must be passed in: use
    /// `OpenDay.following(_:)` with the previous day's state so it cannot be forgotten by accident.
    public struct OpenDay: Sendable {
        public var account: AccountID
        public var date: NYDate
        public var at: Date
        public var parameters: RiskParameters
        public var startingEquity: Money?
        public var carriedHalt: TradingHalt?
        public var carriedPositions: [CarriedPosition]
        /// The file's hash when `parameters` are not the file's (a change through the API carried over).
        public var fileParametersHash: String?

        public init(
            account: AccountID, date: NYDate, at: Date, parameters: RiskParameters, startingEquity: Money?, carriedHalt: TradingHalt?,
            carriedPositions: [CarriedPosition], fileParametersHash: String? = nil
        ) {
            self.fileParametersHash = fileParametersHash
            self.account = account
            self.date = date
            self.at = at
            self.parameters = parameters
            self.startingEquity = startingEquity
            self.carriedHalt = carriedHalt
            self.carriedPositions = carriedPositions
        }

        /// The next day after `previous`: carries its halt and its open positions (at their last mark).
        public static func following(
            _ previous: State, account: AccountID, date: NYDate, at: Date, parameters: RiskParameters, startingEquity: Money?
        ) -> OpenDay {
            let carried = previous.positions.values.sorted { $0.symbol < $1.symbol }.compactMap { book -> CarriedPosition? in
                guard let price = book.mark ?? book.net.averagePrice, !book.net.isFlat else { return nil }
                return CarriedPosition(symbol: book.symbol, sector: book.sector, quantity: book.net.quantity, referencePrice: price)
            }
            // Limits changed through the API stand until the configuration file itself changes.
            let keep = previous.parametersHash != previous.fileParametersHash && previous.fileParametersHash == parameters.hash
            return OpenDay(
                account: account, date: date, at: at, parameters: keep ? previous.parameters : parameters, startingEquity: startingEquity,
                carriedHalt: previous.halt, carriedPositions: carried, fileParametersHash: keep ? parameters.hash : nil)
        }
    }

    /// A pre-trade risk decision for one signal.
    public struct Evaluation: Sendable {
        public var approvalID: ApprovalID
        public var cycleID: CycleID?
        public var signalID: SignalID?
        public var proposal: TradeProposal
        public var entryType: OrderType
        public var timeInForce: TimeInForce
        /// The cycle runs in supervised mode: the approval will need a human grant before an order.
        public var supervised: Bool
        public var clientOrderID: ClientOrderID
        /// Nil: size to the largest quantity the limits allow.
        public var requestedQuantity: Quantity?
        /// Fraction of equity to risk between entry and stop, when sizing.
        public var riskPerTrade: DecimalValue?
        /// The requester's own cap on positions (StartCycle's `max_positions`), narrower than the
        /// account's: counted exactly like it — held plus pending on the account's day — never per cycle.
        public var maxPositions: Int?
        public var account: AccountSnapshot
        /// Correlations of the candidate with symbols already held.
        public var correlations: [SymbolCorrelation]
        public var tradable: Bool
        public var shortable: Bool
        public var now: Date
        /// Today's session from the exchange calendar; nil on a closed day.
        public var session: TradingSession?
        /// The ask (long) or bid (short), else the last price, at the decision: where the entry stands
        /// against the market (`EntryPlan`). Nil: the proposal's scan price.
        public var marketPrice: Price?
        /// A pattern signal's breakout level, or a limit (manual trades): see `EntryPlan`.
        public var entryStyle: EntryStyle
        /// SHA-256 of the captured market data the decision's market price and correlations came from.
        public var marketDataHash: String?

        public init(
            approvalID: ApprovalID, cycleID: CycleID?, signalID: SignalID?, proposal: TradeProposal, entryType: OrderType = .limit,
            timeInForce: TimeInForce = .day, clientOrderID: ClientOrderID, requestedQuantity: Quantity? = nil,
            riskPerTrade: DecimalValue? = nil, maxPositions: Int? = nil, account: AccountSnapshot, correlations: [SymbolCorrelation] = [],
            tradable: Bool = true, shortable: Bool = false, supervised: Bool = false, now: Date, session: TradingSession?,
            marketPrice: Price? = nil, entryStyle: EntryStyle = .limit, marketDataHash: String? = nil
        ) {
            self.marketDataHash = marketDataHash
            self.marketPrice = marketPrice
            self.entryStyle = entryStyle
            self.supervised = supervised
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.signalID = signalID
            self.proposal = proposal
            self.entryType = entryType
            self.timeInForce = timeInForce
            self.clientOrderID = clientOrderID
            self.requestedQuantity = requestedQuantity
            self.riskPerTrade = riskPerTrade
            self.maxPositions = maxPositions
            self.account = account
            self.correlations = correlations
            self.tradable = tradable
            self.shortable = shortable
            self.now = now
            self.session = session
        }
    }
}
