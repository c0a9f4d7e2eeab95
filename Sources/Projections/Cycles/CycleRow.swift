import Domain
import Foundation

/// One row of `cycles`: a trading cycle's identity, mode and trigger, status and stage, and the counts
/// of what it produced.
struct CycleRow {
    var cycleID: String
    var idempotencyKey: String
    var mode: String
    var sessionMode: String
    var trigger: String
    var triggerKind: String
    var tradingDate: NYDate
    var startedAt: Date
    var configHash: String
    var funnel: FunnelSizes
    var maxPositions: Int?
    var riskPerTrade: Decimal?
    var scanFrequencyMinutes: Int?
    var status = CycleStatus.running.rawValue
    var stage: String?
    var stagesCompleted: [String] = []
    var endedAt: Date?
    var stopReason: String?
    var stoppedBy: String?
    var failedStage: String?
    var errorCode: String?
    var errorMessage: String?
    var universeSize: Int?
    var candidates = 0
    var universeRejections = 0
    var finalists: [String] = []
    var scanCompletedAt: Date?
    var scoringVersion: String?
    var dataAsOf: Date?
    var signals = 0
    var approvals = 0
    var denials = 0
    var orders = 0
    var entryOrders = 0
    var fills = 0
    var filledQty: Decimal = 0
    var lastEventAt: Date
    var lastGlobalPosition: Int64 = 0

    init(_ e: Cycle.Started) {
        cycleID = e.cycleID.rawValue
        idempotencyKey = e.idempotencyKey
        mode = e.mode.rawValue
        sessionMode = e.sessionMode.rawValue
        trigger = e.requestedBy.description
        triggerKind = e.requestedBy.kind.rawValue
        tradingDate = e.tradingDate
        startedAt = e.startedAt
        configHash = e.configHash
        funnel = e.funnel
        maxPositions = e.maxPositions
        riskPerTrade = e.riskPerTrade?.value
        scanFrequencyMinutes = e.scanFrequencyMinutes
        lastEventAt = e.startedAt
    }

    static let table = "cycles"
    static let columns = [
        "cycle_id", "idempotency_key", "mode", "session_mode", "trigger", "trigger_kind", "trading_date", "started_at", "config_hash",
        "funnel_universe", "funnel_catalyst", "funnel_technical", "funnel_pattern", "funnel_final", "max_positions", "risk_per_trade",
        "scan_frequency_minutes", "status", "stage", "stages_completed", "ended_at", "stop_reason", "stopped_by", "failed_stage", "error_code",
        "error_message", "universe_size", "candidates", "universe_rejections", "finalists", "scan_completed_at", "scoring_version",
        "data_as_of", "signals", "approvals", "denials", "orders", "entry_orders", "fills", "filled_qty", "last_event_at",
        "last_global_position",
    ]

    var values: [String?] {
        [
            cycleID, idempotencyKey, mode, sessionMode, trigger, triggerKind, tradingDate.description, SQLText.time(startedAt), configHash,
            SQLText.int(funnel.universe), SQLText.int(funnel.catalyst), SQLText.int(funnel.technical), SQLText.int(funnel.pattern),
            SQLText.int(funnel.final), SQLText.int(maxPositions), SQLText.decimal(riskPerTrade),
            SQLText.int(scanFrequencyMinutes), status, stage, SQLText.jsonArray(stagesCompleted), SQLText.time(endedAt), stopReason, stoppedBy,
            failedStage, errorCode,
            errorMessage, SQLText.int(universeSize), SQLText.int(candidates), SQLText.int(universeRejections), SQLText.jsonArray(finalists),
            SQLText.time(scanCompletedAt), scoringVersion,
            SQLText.time(dataAsOf), SQLText.int(signals), SQLText.int(approvals), SQLText.int(denials), SQLText.int(orders),
            SQLText.int(entryOrders), SQLText.int(fills), SQLText.decimal(filledQty), SQLText.time(lastEventAt),
            SQLText.int64(lastGlobalPosition),
        ]
    }

    init?(_ r: TextRow) {
        guard let id = r.string("cycle_id"), let key = r.string("idempotency_key"), let mode = r.string("mode"),
            let sessionMode = r.string("session_mode"), let trigger = r.string("trigger"), let kind = r.string("trigger_kind"),
            let date = r.nyDate("trading_date"), let startedAt = r.date("started_at"), let hash = r.string("config_hash"),
            let status = r.string("status"), let last = r.date("last_event_at")
        else { return nil }
        cycleID = id
        idempotencyKey = key
        self.mode = mode
        self.sessionMode = sessionMode
        self.trigger = trigger
        triggerKind = kind
        tradingDate = date
        self.startedAt = startedAt
        configHash = hash
        funnel = FunnelSizes(
            universe: r.int("funnel_universe") ?? 0, catalyst: r.int("funnel_catalyst") ?? 0, technical: r.int("funnel_technical") ?? 0,
            pattern: r.int("funnel_pattern") ?? 0, final: r.int("funnel_final") ?? 0)
        maxPositions = r.int("max_positions")
        riskPerTrade = r.decimal("risk_per_trade")
        scanFrequencyMinutes = r.int("scan_frequency_minutes")
        self.status = status
        stage = r.string("stage")
        stagesCompleted = r.stringArray("stages_completed")
        endedAt = r.date("ended_at")
        stopReason = r.string("stop_reason")
        stoppedBy = r.string("stopped_by")
        failedStage = r.string("failed_stage")
        errorCode = r.string("error_code")
        errorMessage = r.string("error_message")
        universeSize = r.int("universe_size")
        candidates = r.int("candidates") ?? 0
        universeRejections = r.int("universe_rejections") ?? 0
        finalists = r.stringArray("finalists")
        scanCompletedAt = r.date("scan_completed_at")
        scoringVersion = r.string("scoring_version")
        dataAsOf = r.date("data_as_of")
        signals = r.int("signals") ?? 0
        approvals = r.int("approvals") ?? 0
        denials = r.int("denials") ?? 0
        orders = r.int("orders") ?? 0
        entryOrders = r.int("entry_orders") ?? 0
        fills = r.int("fills") ?? 0
        filledQty = r.decimal("filled_qty") ?? 0
        lastEventAt = last
        lastGlobalPosition = r.int64("last_global_position") ?? 0
    }

    mutating func apply(_ event: Cycle.Event) {
        switch event {
        case .started:
            return
        case .stageCompleted(let e):
            if !stagesCompleted.contains(e.stage.rawValue) { stagesCompleted.append(e.stage.rawValue) }
            stage = e.stage.rawValue
        case .completed(let e):
            status = CycleStatus.completed.rawValue
            endedAt = e.completedAt
        case .stopped(let e):
            status = CycleStatus.stopped.rawValue
            endedAt = e.stoppedAt
            stopReason = e.reason
            stoppedBy = e.by.description
        case .failed(let e):
            status = CycleStatus.failed.rawValue
            endedAt = e.failedAt
            failedStage = e.stage?.rawValue
            errorCode = e.errorCode
            errorMessage = e.message
        case .candidateEvaluated, .universeFiltered:
            return  // counted from scan.completed, which carries the totals (no need to decode every candidate)
        case .scanCompleted(let e):
            universeSize = e.universeSize
            candidates = e.candidatesRecorded
            universeRejections = e.universeRejectionsRecorded
            finalists = e.finalists.map(\.rawValue)
            scanCompletedAt = e.completedAt
            scoringVersion = e.scoringVersion
            dataAsOf = e.dataAsOf
        case .signalGenerated:
            signals += 1
        }
    }

    mutating func touch(_ at: Date, _ position: Int64) {
        lastEventAt = max(lastEventAt, at)
        lastGlobalPosition = position
    }
}
