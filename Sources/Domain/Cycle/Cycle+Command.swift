import Foundation

extension Cycle {
    public enum Command: Sendable {
        case start(Start)
        /// Records a whole scan: one event per stage-1 survivor, chunked stage-1 rejections, a summary.
        case recordScan(ScanReport)
        case recordSignals([SignalInput], at: Date)
        case completeStage(CycleStage, at: Date, itemCount: Int?)
        case complete(at: Date, summary: CycleSummary?)
        case stop(reason: String, by: Actor, at: Date)
        case fail(stage: CycleStage?, errorCode: String, message: String, at: Date)
    }

    /// StartCycle. The calendar answer and the current halt are inputs read by the handler.
    public struct Start: Sendable {
        public var cycleID: CycleID
        public var idempotencyKey: String
        public var mode: CycleMode
        public var sessionMode: SessionMode
        public var requestedBy: Actor
        public var configHash: String
        public var funnel: FunnelSizes
        public var maxPositions: Int?
        public var riskPerTrade: DecimalValue?
        public var scanFrequencyMinutes: Int?
        public var now: Date
        /// The exchange calendar's answer at `now`. Nil means the calendar could not be read; the
        /// cycle is then refused, because a real-money system must not guess whether the market is open.
        public var calendar: MarketClock?
        /// The halt in force on the account's trading day, if any.
        public var halt: TradingHalt?

        public init(
            cycleID: CycleID, idempotencyKey: String, mode: CycleMode, sessionMode: SessionMode, requestedBy: Actor,
            configHash: String, funnel: FunnelSizes = .original, maxPositions: Int? = nil, riskPerTrade: DecimalValue? = nil,
            scanFrequencyMinutes: Int? = nil, now: Date, calendar: MarketClock?, halt: TradingHalt?
        ) {
            self.cycleID = cycleID
            self.idempotencyKey = idempotencyKey
            self.mode = mode
            self.sessionMode = sessionMode
            self.requestedBy = requestedBy
            self.configHash = configHash
            self.funnel = funnel
            self.maxPositions = maxPositions
            self.riskPerTrade = riskPerTrade
            self.scanFrequencyMinutes = scanFrequencyMinutes
            self.now = now
            self.calendar = calendar
            self.halt = halt
        }
    }

    /// The funnel's output for one scan.
    public struct ScanReport: Sendable {
        public var completedAt: Date
        public var universeSize: Int
        /// Every symbol that passed stage 1, in scan order.
        public var candidates: [CandidateEvaluation]
        /// Every symbol stage 1 dropped.
        public var universeRejections: [UniverseRejection]
        public var stageCounts: [StageCount]
        public var scoringVersion: String
        public var dataAsOf: Date
        /// The hash of the market data the scan was decided on, when it was captured (`MarketRecording`).
        public var dataHash: String?

        public init(
            completedAt: Date, universeSize: Int, candidates: [CandidateEvaluation], universeRejections: [UniverseRejection],
            stageCounts: [StageCount], scoringVersion: String, dataAsOf: Date, dataHash: String? = nil
        ) {
            self.dataHash = dataHash
            self.completedAt = completedAt
            self.universeSize = universeSize
            self.candidates = candidates
            self.universeRejections = universeRejections
            self.stageCounts = stageCounts
            self.scoringVersion = scoringVersion
            self.dataAsOf = dataAsOf
        }

        /// The finalists in rank order.
        public var finalists: [Symbol] {
            candidates.filter { $0.finalRank != nil }.sorted { $0.finalRank! < $1.finalRank! }.map(\.features.symbol)
        }
    }

    public struct SignalInput: Sendable {
        public var signalID: SignalID
        public var rank: Int
        public var proposal: TradeProposal

        public init(signalID: SignalID, rank: Int, proposal: TradeProposal) {
            self.signalID = signalID
            self.rank = rank
            self.proposal = proposal
        }
    }
}
