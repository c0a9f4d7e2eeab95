import Domain
import EventStore
import Foundation

/// `risk`: per account and New York trading day, today's realized and unrealized P&L, open exposure by
/// symbol and sector, trades today, the halt and who set it (or lifted it), and every denial with its
/// reasons. Folded from the `risk-<account>-<date>` streams, which mirror every fill and mark.
public struct RiskProjection: Projection {
    public let name = "risk"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = LedgerEvents.types(of: .risk)

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, Risk.Event)] = []
        var streams = Set<String>()
        for e in events {
            guard case .risk(let r) = try LedgerEvents.decode(e) else { continue }
            decoded.append((e, r))
            streams.insert(e.streamID)
        }
        var days: [String: RiskDay] = [:]
        for r in try context.loadAll(from: RiskDayRow.table, where: "stream_id", in: streams) {
            guard let row = RiskDayRow(r) else { throw ProjectionApplyError(event: events[0], reason: "unreadable risk_days row") }
            days[row.streamID] = RiskDay(row: row)
        }
        for r in try context.loadAll(from: RiskBookRow.table, where: "stream_id", in: days.keys) {
            guard let stream = r.string("stream_id"), let b = RiskBookRow(r) else { continue }
            days[stream]?.book[b.symbol] = b
        }
        for r in try context.loadAll(from: RiskPendingRow.table, where: "stream_id", in: days.keys) {
            guard let stream = r.string("stream_id"), let p = RiskPendingRow(r) else { continue }
            days[stream]?.pending[p.approvalID] = p
        }
        for (recorded, event) in decoded {
            if days[recorded.streamID] == nil {
                guard let row = RiskDayRow(streamID: recorded.streamID) else {
                    throw ProjectionApplyError(event: recorded, reason: "risk event outside a risk-<account>-<date> stream")
                }
                days[recorded.streamID] = RiskDay(row: row)
            }
            days[recorded.streamID]!.apply(event, at: recorded.occurredAt, position: recorded.position)
        }
        var dayRows: [[String?]] = []
        var bookRows: [[String?]] = []
        var pendingRows: [[String?]] = []
        var denialRows: [[String?]] = []
        for stream in streams.sorted() {
            guard var day = days[stream] else { continue }
            day.summarize()
            dayRows.append(day.row.values)
            bookRows += day.touchedBook.sorted().map { day.book[$0]!.values(day.row) }
            pendingRows += day.touchedPending.sorted().map { day.pending[$0]!.values(day.row) }
            denialRows += day.denials
        }
        try context.upsert(into: RiskDayRow.table, columns: RiskDayRow.columns, key: ["stream_id"], rows: dayRows)
        try context.upsert(into: RiskBookRow.table, columns: RiskBookRow.columns, key: ["stream_id", "symbol"], rows: bookRows)
        try context.upsert(into: RiskPendingRow.table, columns: RiskPendingRow.columns, key: ["stream_id", "approval_id"], rows: pendingRows)
        try context.upsert(into: "risk_denials", columns: Self.denialColumns, key: ["stream_id", "approval_id"], rows: denialRows)
    }

    static let denialColumns = [
        "stream_id", "approval_id", "account", "trading_date", "symbol", "position_side", "cycle_id", "signal_id", "reasons", "decided_at",
        "global_position",
    ]
}
