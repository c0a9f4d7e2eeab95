import Foundation

extension Risk {
    public enum Event: Sendable, Equatable {
        case dayOpened(DayOpened)
        case parametersChanged(ParametersChanged)
        case approved(Approved)
        case denied(Denied)
        case approvalReleased(ApprovalReleased)
        case fillRecorded(FillRecorded)
        case marksRecorded(MarksRecorded)
        case dailyLossWarning(DailyLossWarning)
        case tradingHalted(TradingHalted)
        case tradingResumed(TradingResumed)
        case resumeRequested(ResumeRequested)
        case parametersProposed(ParametersProposed)
    }

    /// A position held into the day, valued at the previous close so that today's P&L starts at zero.
    public struct CarriedPosition: Hashable, Sendable, Codable {
        public var symbol: Symbol
        public var sector: Sector
        /// Signed: negative for a short.
        public var quantity: Quantity
        public var referencePrice: Price

        public init(symbol: Symbol, sector: Sector, quantity: Quantity, referencePrice: Price) {
            self.symbol = symbol
            self.sector = sector
            self.quantity = quantity
            self.referencePrice = referencePrice
        }

        enum CodingKeys: String, CodingKey {
            case symbol, sector
            case quantity = "qty"
            case referencePrice = "reference_price"
        }
    }

    /// `risk.day_opened`: the first event of a day stream.
    public struct DayOpened: DomainEvent {
        public static let eventType = "risk.day_opened"
        public static let schemaVersion = 1
        public var account: AccountID
        public var date: NYDate
        public var openedAt: Date
        public var parameters: RiskParameters
        public var parametersHash: String
        public var startingEquity: Money?
        /// A halt still in force from an earlier day: halts are lifted only by a human.
        public var carriedHalt: TradingHalt?
        public var carriedPositions: [CarriedPosition]
        /// The configuration file's parameters hash when the day's parameters are not the file's (carried
        /// over from a change through the API); absent when they are the file's.
        public var fileParametersHash: String?

        public init(
            account: AccountID, date: NYDate, openedAt: Date, parameters: RiskParameters, parametersHash: String, startingEquity: Money?,
            carriedHalt: TradingHalt?, carriedPositions: [CarriedPosition], fileParametersHash: String? = nil
        ) {
            self.fileParametersHash = fileParametersHash
            self.account = account
            self.date = date
            self.openedAt = openedAt
            self.parameters = parameters
            self.parametersHash = parametersHash
            self.startingEquity = startingEquity
            self.carriedHalt = carriedHalt
            self.carriedPositions = carriedPositions
        }

        enum CodingKeys: String, CodingKey {
            case account, date, parameters
            case openedAt = "opened_at"
            case parametersHash = "parameters_hash"
            case startingEquity = "starting_equity"
            case carriedHalt = "carried_halt"
            case carriedPositions = "carried_positions"
            case fileParametersHash = "file_parameters_hash"
        }
    }

    /// `risk.parameters_changed`
    public struct ParametersChanged: DomainEvent {
        public static let eventType = "risk.parameters_changed"
        public static let schemaVersion = 1
        public var changedAt: Date
        public var parameters: RiskParameters
        public var parametersHash: String
        public var previousHash: String
        public var by: Actor
        /// Where the values came from (a file path and its checksum, an API call).
        public var source: String?
        /// A change through the API: the configuration file's hash, unchanged by it (absent when the
        /// values came from the file).
        public var fileParametersHash: String?
        /// Maker–checker: the first risk officer, who proposed the raise; `by` is the second, who confirmed.
        public var maker: Actor?

        public init(
            changedAt: Date, parameters: RiskParameters, parametersHash: String, previousHash: String, by: Actor, source: String?,
            fileParametersHash: String? = nil, maker: Actor? = nil
        ) {
            self.changedAt = changedAt
            self.parameters = parameters
            self.parametersHash = parametersHash
            self.previousHash = previousHash
            self.by = by
            self.source = source
            self.fileParametersHash = fileParametersHash
            self.maker = maker
        }

        enum CodingKeys: String, CodingKey {
            case parameters, by, source, maker
            case changedAt = "changed_at"
            case parametersHash = "parameters_hash"
            case previousHash = "previous_hash"
            case fileParametersHash = "file_parameters_hash"
        }
    }

    /// `risk.parameters_proposed`: a change that raises a limit, waiting for a second, different risk
    /// officer (maker–checker). The same parameters from another human apply it.
    public struct ParametersProposed: DomainEvent, Hashable {
        public static let eventType = "risk.parameters_proposed"
        public static let schemaVersion = 1
        public var proposedAt: Date
        public var parameters: RiskParameters
        public var parametersHash: String
        /// The wire keys the change loosens.
        public var raises: [String]
        public var by: Actor
        public var reason: String

        public init(proposedAt: Date, parameters: RiskParameters, parametersHash: String, raises: [String], by: Actor, reason: String) {
            self.proposedAt = proposedAt
            self.parameters = parameters
            self.parametersHash = parametersHash
            self.raises = raises
            self.by = by
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case parameters, raises, by, reason
            case proposedAt = "proposed_at"
            case parametersHash = "parameters_hash"
        }
    }

    /// `risk.approved`: carries the exact order intent that may be sent, and nothing else may.
    public struct Approved: DomainEvent {
        public static let eventType = "risk.approved"
        /// v2 adds `inputs`; v1 events read with `inputs` nil (not recorded then). v3 adds
        /// `inputs.market_price` and plans the entry against it (`EntryPlan`).
        public static let schemaVersion = 3
        public var approvalID: ApprovalID
        public var cycleID: CycleID?
        public var signalID: SignalID?
        public var decidedAt: Date
        public var intent: OrderIntent
        public var sector: Sector
        public var assessment: RiskAssessment
        public var parametersHash: String
        /// Supervised mode: the order may only be placed with a human's `approval.granted`.
        public var supervised: Bool
        /// What the rules were run on; nil only for v1 events.
        public var inputs: EvaluationInputs?

        public init(
            approvalID: ApprovalID, cycleID: CycleID?, signalID: SignalID?, decidedAt: Date, intent: OrderIntent, sector: Sector,
            assessment: RiskAssessment, parametersHash: String, supervised: Bool = false, inputs: EvaluationInputs? = nil
        ) {
            self.inputs = inputs
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.signalID = signalID
            self.decidedAt = decidedAt
            self.intent = intent
            self.sector = sector
            self.assessment = assessment
            self.parametersHash = parametersHash
            self.supervised = supervised
        }

        enum CodingKeys: String, CodingKey {
            case intent, sector, assessment, supervised, inputs
            case approvalID = "approval_id"
            case cycleID = "cycle_id"
            case signalID = "signal_id"
            case decidedAt = "decided_at"
            case parametersHash = "parameters_hash"
        }
    }

    /// `risk.denied`: every failed rule with its limit and actual value.
    public struct Denied: DomainEvent {
        public static let eventType = "risk.denied"
        /// v2 adds `inputs`; v1 events read with `inputs` nil (not recorded then). v3 adds
        /// `inputs.market_price` and plans the entry against it (`EntryPlan`).
        public static let schemaVersion = 3
        public var approvalID: ApprovalID
        public var cycleID: CycleID?
        public var signalID: SignalID?
        public var decidedAt: Date
        public var symbol: Symbol
        public var positionSide: PositionSide
        public var violations: [RiskViolation]
        public var assessment: RiskAssessment
        public var parametersHash: String
        /// What the rules were run on; nil only for v1 events.
        public var inputs: EvaluationInputs?

        public init(
            approvalID: ApprovalID, cycleID: CycleID?, signalID: SignalID?, decidedAt: Date, symbol: Symbol, positionSide: PositionSide,
            violations: [RiskViolation], assessment: RiskAssessment, parametersHash: String, inputs: EvaluationInputs? = nil
        ) {
            self.inputs = inputs
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.signalID = signalID
            self.decidedAt = decidedAt
            self.symbol = symbol
            self.positionSide = positionSide
            self.violations = violations
            self.assessment = assessment
            self.parametersHash = parametersHash
        }

        public var reasonCodes: [RiskReasonCode] { violations.map(\.code) }

        enum CodingKeys: String, CodingKey {
            case symbol, violations, assessment, inputs
            case approvalID = "approval_id"
            case cycleID = "cycle_id"
            case signalID = "signal_id"
            case decidedAt = "decided_at"
            case positionSide = "position_side"
            case parametersHash = "parameters_hash"
        }
    }

    /// Why an approved entry stopped reserving room under the limits.
    public enum ReleaseReason: String, Sendable, Codable, CaseIterable {
        case orderCanceled = "order_canceled"
        case orderRejected = "order_rejected"
        case orderExpired = "order_expired"
        case notSubmitted = "not_submitted"
        case supervisorDenied = "supervisor_denied"
        case approvalExpired = "approval_expired"
    }

    /// `risk.approval_released`: the unfilled part of an approved entry no longer counts as pending.
    public struct ApprovalReleased: DomainEvent {
        public static let eventType = "risk.approval_released"
        public static let schemaVersion = 1
        public var approvalID: ApprovalID
        public var releasedAt: Date
        public var reason: ReleaseReason
        public var unfilledQuantity: Quantity

        public init(approvalID: ApprovalID, releasedAt: Date, reason: ReleaseReason, unfilledQuantity: Quantity) {
            self.approvalID = approvalID
            self.releasedAt = releasedAt
            self.reason = reason
            self.unfilledQuantity = unfilledQuantity
        }

        enum CodingKeys: String, CodingKey {
            case reason
            case approvalID = "approval_id"
            case releasedAt = "released_at"
            case unfilledQuantity = "unfilled_qty"
        }
    }

    /// `risk.fill_recorded`: a broker execution mirrored into the day, so exposure and P&L move under
    /// the same expected version as approvals.
    public struct FillRecorded: DomainEvent {
        public static let eventType = "risk.fill_recorded"
        public static let schemaVersion = 1
        public var orderID: OrderID
        public var executionID: ExecutionID
        public var approvalID: ApprovalID?
        public var symbol: Symbol
        public var sector: Sector
        public var side: OrderSide
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var filledAt: Date

        public init(
            orderID: OrderID, executionID: ExecutionID, approvalID: ApprovalID?, symbol: Symbol, sector: Sector, side: OrderSide,
            quantity: Quantity, price: Price, fee: Money, filledAt: Date
        ) {
            self.orderID = orderID
            self.executionID = executionID
            self.approvalID = approvalID
            self.symbol = symbol
            self.sector = sector
            self.side = side
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.filledAt = filledAt
        }

        enum CodingKeys: String, CodingKey {
            case symbol, sector, side, price, fee
            case orderID = "order_id"
            case executionID = "execution_id"
            case approvalID = "approval_id"
            case quantity = "qty"
            case filledAt = "filled_at"
        }
    }

    /// `risk.marks_recorded`: last prices of held symbols (unrealized P&L), one event per monitor tick.
    public struct MarksRecorded: DomainEvent {
        public static let eventType = "risk.marks_recorded"
        public static let schemaVersion = 1
        public var markedAt: Date
        public var marks: [SymbolPrice]

        public init(markedAt: Date, marks: [SymbolPrice]) {
            self.markedAt = markedAt
            self.marks = marks
        }

        enum CodingKeys: String, CodingKey {
            case marks
            case markedAt = "marked_at"
        }
    }

    /// `risk.daily_loss_warning`: emitted once per day when the loss crosses the warning threshold.
    public struct DailyLossWarning: DomainEvent {
        public static let eventType = "risk.daily_loss_warning"
        public static let schemaVersion = 1
        public var at: Date
        public var dailyPnL: Money
        public var threshold: Money
        public var limit: Money

        public init(at: Date, dailyPnL: Money, threshold: Money, limit: Money) {
            self.at = at
            self.dailyPnL = dailyPnL
            self.threshold = threshold
            self.limit = limit
        }

        enum CodingKeys: String, CodingKey {
            case at, threshold, limit
            case dailyPnL = "daily_pnl"
        }
    }

    /// `risk.trading_halted`
    public struct TradingHalted: DomainEvent {
        public static let eventType = "risk.trading_halted"
        public static let schemaVersion = 1
        public var halt: TradingHalt
        public var dailyPnL: Money

        public init(halt: TradingHalt, dailyPnL: Money) {
            self.halt = halt
            self.dailyPnL = dailyPnL
        }

        enum CodingKeys: String, CodingKey {
            case halt
            case dailyPnL = "daily_pnl"
        }
    }

    /// `risk.trading_resumed`: only ever by a human.
    public struct TradingResumed: DomainEvent {
        public static let eventType = "risk.trading_resumed"
        public static let schemaVersion = 1
        public var at: Date
        public var by: Actor
        public var note: String
        public var liftedHalt: TradingHalt
        /// Maker–checker: the first human, who asked; `by` is the second, who confirmed.
        public var maker: Actor?
        /// The latest non-human who asked for the resume (an agent over MCP), if any.
        public var requestedBy: Actor?

        public init(at: Date, by: Actor, note: String, liftedHalt: TradingHalt, maker: Actor? = nil, requestedBy: Actor? = nil) {
            self.at = at
            self.by = by
            self.note = note
            self.liftedHalt = liftedHalt
            self.maker = maker
            self.requestedBy = requestedBy
        }

        enum CodingKeys: String, CodingKey {
            case at, by, note, maker
            case liftedHalt = "lifted_halt"
            case requestedBy = "requested_by"
        }
    }

    /// `risk.resume_requested`: someone asked for the halt to be lifted; a human (or, under
    /// maker–checker, a second human) must grant it.
    public struct ResumeRequested: DomainEvent, Hashable {
        public static let eventType = "risk.resume_requested"
        public static let schemaVersion = 1
        public var at: Date
        public var by: Actor
        public var note: String
        public var halt: TradingHalt

        public init(at: Date, by: Actor, note: String, halt: TradingHalt) {
            self.at = at
            self.by = by
            self.note = note
            self.halt = halt
        }
    }
}
