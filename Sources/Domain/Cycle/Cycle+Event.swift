import Foundation

extension Cycle {
    public enum Event: Sendable, Equatable {
        case started(Started)
        case stageCompleted(StageCompleted)
        case completed(Completed)
        case stopped(Stopped)
        case failed(Failed)
        case candidateEvaluated(CandidateEvaluated)
        case universeFiltered(UniverseFiltered)
        case scanCompleted(ScanCompleted)
        case signalGenerated(SignalGenerated)
    }

    /// `cycle.started` v2. v1 had only an overloaded `mode` (see `Upcasters`).
    public struct Started: DomainEvent {
        public static let eventType = "cycle.started"
        public static let schemaVersion = 2
        public var cycleID: CycleID
        public var idempotencyKey: String
        public var mode: CycleMode
        public var sessionMode: SessionMode
        public var requestedBy: Actor
        public var tradingDate: NYDate
        public var startedAt: Date
        public var configHash: String
        public var funnel: FunnelSizes
        public var maxPositions: Int?
        public var riskPerTrade: DecimalValue?
        public var scanFrequencyMinutes: Int?

        public init(
            cycleID: CycleID, idempotencyKey: String, mode: CycleMode, sessionMode: SessionMode, requestedBy: Actor,
            tradingDate: NYDate, startedAt: Date, configHash: String, funnel: FunnelSizes, maxPositions: Int? = nil,
            riskPerTrade: DecimalValue? = nil, scanFrequencyMinutes: Int? = nil
        ) {
            self.cycleID = cycleID
            self.idempotencyKey = idempotencyKey
            self.mode = mode
            self.sessionMode = sessionMode
            self.requestedBy = requestedBy
            self.tradingDate = tradingDate
            self.startedAt = startedAt
            self.configHash = configHash
            self.funnel = funnel
            self.maxPositions = maxPositions
            self.riskPerTrade = riskPerTrade
            self.scanFrequencyMinutes = scanFrequencyMinutes
        }

        enum CodingKeys: String, CodingKey {
            case mode, funnel
            case cycleID = "cycle_id"
            case idempotencyKey = "idempotency_key"
            case sessionMode = "session_mode"
            case requestedBy = "requested_by"
            case tradingDate = "trading_date"
            case startedAt = "started_at"
            case configHash = "config_hash"
            case maxPositions = "max_positions"
            case riskPerTrade = "risk_per_trade"
            case scanFrequencyMinutes = "scan_frequency_minutes"
        }
    }

    /// `cycle.stage_completed`
    public struct StageCompleted: DomainEvent {
        public static let eventType = "cycle.stage_completed"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var stage: CycleStage
        public var completedAt: Date
        /// How many items the stage produced (candidates, signals, orders …), where that is meaningful.
        public var itemCount: Int?

        public init(cycleID: CycleID, stage: CycleStage, completedAt: Date, itemCount: Int? = nil) {
            self.cycleID = cycleID
            self.stage = stage
            self.completedAt = completedAt
            self.itemCount = itemCount
        }

        enum CodingKeys: String, CodingKey {
            case stage
            case cycleID = "cycle_id"
            case completedAt = "completed_at"
            case itemCount = "item_count"
        }
    }

    /// `cycle.completed`
    public struct Completed: DomainEvent {
        public static let eventType = "cycle.completed"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var completedAt: Date
        public var summary: CycleSummary?

        public init(cycleID: CycleID, completedAt: Date, summary: CycleSummary? = nil) {
            self.cycleID = cycleID
            self.completedAt = completedAt
            self.summary = summary
        }

        enum CodingKeys: String, CodingKey {
            case summary
            case cycleID = "cycle_id"
            case completedAt = "completed_at"
        }
    }

    /// `cycle.stopped`
    public struct Stopped: DomainEvent {
        public static let eventType = "cycle.stopped"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var stoppedAt: Date
        public var reason: String
        public var by: Actor

        public init(cycleID: CycleID, stoppedAt: Date, reason: String, by: Actor) {
            self.cycleID = cycleID
            self.stoppedAt = stoppedAt
            self.reason = reason
            self.by = by
        }

        enum CodingKeys: String, CodingKey {
            case reason, by
            case cycleID = "cycle_id"
            case stoppedAt = "stopped_at"
        }
    }

    /// `cycle.failed`
    public struct Failed: DomainEvent {
        public static let eventType = "cycle.failed"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var failedAt: Date
        public var stage: CycleStage?
        public var errorCode: String
        public var message: String

        public init(cycleID: CycleID, failedAt: Date, stage: CycleStage?, errorCode: String, message: String) {
            self.cycleID = cycleID
            self.failedAt = failedAt
            self.stage = stage
            self.errorCode = errorCode
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case stage, message
            case cycleID = "cycle_id"
            case failedAt = "failed_at"
            case errorCode = "error_code"
        }
    }
}
