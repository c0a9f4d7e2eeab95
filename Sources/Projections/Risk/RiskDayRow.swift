import Domain
import Foundation

/// One row of `risk_days`: an account's New York trading day as its risk stream tells it.
struct RiskDayRow {
    var streamID: String
    var account: String
    var tradingDate: String
    var opened = false
    var openedAt: Date?
    var startingEquity: Decimal?
    var parametersHash: String?
    var maxDailyLoss: Decimal?
    var warningFraction: Decimal?
    var maxPositions: Int?
    var maxDailyTrades: Int?
    var realizedPnL: Decimal = 0
    var unrealizedPnL: Decimal = 0
    var dailyPnL: Decimal = 0
    var openPositions = 0
    var pendingEntries = 0
    var exposure: Decimal = 0
    var pendingExposure: Decimal = 0
    var approvals = 0
    var denials = 0
    var releases = 0
    var releasedUnfilled = 0
    var tradesToday = 0
    var fills = 0
    var consecutiveLosses = 0
    var halted = false
    var haltReason: String?
    var haltedBy: String?
    var haltedAt: Date?
    var haltDetail: String?
    var haltCarried = false
    var haltDailyPnL: Decimal?
    var resumedBy: String?
    var resumedAt: Date?
    var resumeNote: String?
    /// Maker–checker: the first human of a two-human resume.
    var resumeMaker: String?
    /// The latest request to lift the halt in force (an agent's, or a maker's), until a resume.
    var resumeRequestedBy: String?
    var resumeRequestedAt: Date?
    /// The last change of the limits through the API or the file, and a raise waiting for a checker.
    var parametersChangedBy: String?
    var parametersMaker: String?
    var parametersProposedBy: String?
    var parametersProposedAt: Date?
    var parametersProposedRaises: String?
    var warningIssued = false
    var warningAt: Date?
    var warningDailyPnL: Decimal?
    var lastMarksAt: Date?
    var lastEventAt: Date?
    var lastGlobalPosition: Int64 = 0

    /// `risk-<account>-<YYYY-MM-DD>`: the account may contain dashes, the date is the last ten characters.
    init?(streamID: String) {
        guard let id = LedgerEvents.streamID(streamID, category: .risk), id.count > 11 else { return nil }
        let date = String(id.suffix(10))
        guard NYDate(date) != nil else { return nil }
        self.streamID = streamID
        account = String(id.dropLast(11))
        tradingDate = date
    }

    static let table = "risk_days"
    static let columns = [
        "stream_id", "account", "trading_date", "opened", "opened_at", "starting_equity", "parameters_hash", "max_daily_loss",
        "warning_fraction", "max_positions", "max_daily_trades", "realized_pnl", "unrealized_pnl", "daily_pnl", "open_positions",
        "pending_entries", "exposure", "pending_exposure", "approvals", "denials", "releases", "released_unfilled", "trades_today", "fills",
        "consecutive_losses", "halted", "halt_reason", "halted_by", "halted_at", "halt_detail", "halt_carried", "halt_daily_pnl", "resumed_by",
        "resumed_at", "resume_note", "resume_maker", "resume_requested_by", "resume_requested_at", "parameters_changed_by", "parameters_maker",
        "parameters_proposed_by", "parameters_proposed_at", "parameters_proposed_raises", "warning_issued", "warning_at", "warning_daily_pnl", "last_marks_at", "last_event_at",
        "last_global_position",
    ]

    var values: [String?] {
        let d = SQLText.decimal
        let t = SQLText.time
        return [
            streamID, account, tradingDate, SQLText.bool(opened), t(openedAt), d(startingEquity), parametersHash, d(maxDailyLoss),
            d(warningFraction), SQLText.int(maxPositions), SQLText.int(maxDailyTrades), d(realizedPnL), d(unrealizedPnL), d(dailyPnL),
            SQLText.int(openPositions), SQLText.int(pendingEntries), d(exposure), d(pendingExposure), SQLText.int(approvals),
            SQLText.int(denials), SQLText.int(releases), SQLText.int(releasedUnfilled), SQLText.int(tradesToday), SQLText.int(fills),
            SQLText.int(consecutiveLosses), SQLText.bool(halted), haltReason, haltedBy, t(haltedAt), haltDetail, SQLText.bool(haltCarried),
            d(haltDailyPnL), resumedBy, t(resumedAt), resumeNote, resumeMaker, resumeRequestedBy, t(resumeRequestedAt), parametersChangedBy, parametersMaker,
            parametersProposedBy, t(parametersProposedAt), parametersProposedRaises, SQLText.bool(warningIssued), t(warningAt), d(warningDailyPnL),
            t(lastMarksAt), t(lastEventAt), SQLText.int64(lastGlobalPosition),
        ]
    }

    init?(_ r: TextRow) {
        guard let stream = r.string("stream_id"), var row = RiskDayRow(streamID: stream) else { return nil }
        row.opened = r.bool("opened")
        row.openedAt = r.date("opened_at")
        row.startingEquity = r.decimal("starting_equity")
        row.parametersHash = r.string("parameters_hash")
        row.maxDailyLoss = r.decimal("max_daily_loss")
        row.warningFraction = r.decimal("warning_fraction")
        row.maxPositions = r.int("max_positions")
        row.maxDailyTrades = r.int("max_daily_trades")
        row.approvals = r.int("approvals") ?? 0
        row.denials = r.int("denials") ?? 0
        row.releases = r.int("releases") ?? 0
        row.releasedUnfilled = r.int("released_unfilled") ?? 0
        row.fills = r.int("fills") ?? 0
        row.consecutiveLosses = r.int("consecutive_losses") ?? 0
        row.realizedPnL = r.decimal("realized_pnl") ?? 0
        row.halted = r.bool("halted")
        row.haltReason = r.string("halt_reason")
        row.haltedBy = r.string("halted_by")
        row.haltedAt = r.date("halted_at")
        row.haltDetail = r.string("halt_detail")
        row.haltCarried = r.bool("halt_carried")
        row.haltDailyPnL = r.decimal("halt_daily_pnl")
        row.resumedBy = r.string("resumed_by")
        row.resumedAt = r.date("resumed_at")
        row.resumeNote = r.string("resume_note")
        row.resumeMaker = r.string("resume_maker")
        row.resumeRequestedBy = r.string("resume_requested_by")
        row.resumeRequestedAt = r.date("resume_requested_at")
        row.parametersChangedBy = r.string("parameters_changed_by")
        row.parametersMaker = r.string("parameters_maker")
        row.parametersProposedBy = r.string("parameters_proposed_by")
        row.parametersProposedAt = r.date("parameters_proposed_at")
        row.parametersProposedRaises = r.string("parameters_proposed_raises")
        row.warningIssued = r.bool("warning_issued")
        row.warningAt = r.date("warning_at")
        row.warningDailyPnL = r.decimal("warning_daily_pnl")
        row.lastMarksAt = r.date("last_marks_at")
        row.lastEventAt = r.date("last_event_at")
        row.lastGlobalPosition = r.int64("last_global_position") ?? 0
        self = row
    }

    mutating func setHalt(_ h: TradingHalt, carried: Bool, dailyPnL: Decimal?) {
        halted = true
        haltReason = h.reason.rawValue
        haltedBy = h.by.description
        haltedAt = h.at
        haltDetail = h.detail
        haltCarried = carried
        haltDailyPnL = dailyPnL
        resumeRequestedBy = nil
        resumeRequestedAt = nil
    }
}
