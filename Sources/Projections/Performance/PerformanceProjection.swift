import Domain
import EventStore
import Foundation

/// `performance`: trading results per New York day (`perf_days`), aggregated by the views into weeks,
/// months and all time: P&L, trades, win rate, profit factor, expectancy in R, average win and loss,
/// max drawdown, and Sharpe and Sortino from daily returns (see docs/ml-replay.md and `projections/performance/README.md` for the conventions).
public struct PerformanceProjection: Projection {
    public let name = "performance"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = [
        Risk.DayOpened.eventType, Position.Opened.eventType, Position.Increased.eventType, Position.Reduced.eventType,
        Position.Closed.eventType, Position.Adjusted.eventType,
    ]

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, LedgerEvent)] = []
        var positionKeys = Set<String>()
        var accountKeys = Set<String>()
        for e in events {
            let event = try LedgerEvents.decode(e)
            decoded.append((e, event))
            switch event {
            case .risk(.dayOpened(let d)): accountKeys.insert(d.account.rawValue)
            case .position(let p):
                positionKeys.insert(PositionsProjection.positionID(of: p).rawValue)
                if case .opened(let o) = p { accountKeys.insert(o.account.rawValue) }
                if case .adjusted(let a) = p { accountKeys.insert(a.account.rawValue) }
            default: break
            }
        }
        var positions: [String: PerfPositionRow] = [:]
        for (id, r) in try context.loadRows(from: PerfPositionRow.table, keyColumn: "position_id", keys: positionKeys) {
            positions[id] = PerfPositionRow(r)
        }
        accountKeys.formUnion(positions.values.map(\.account))
        var levels: [String: Decimal] = [:]
        for (account, r) in try context.loadRows(from: "perf_accounts", keyColumn: "account", keys: accountKeys) {
            levels[account] = r.decimal("level") ?? 0
        }
        var days: [String: PerfDayRow] = [:]
        var dayKeys = Set<String>()
        var dates = NYDateCache()
        // Every day key this batch can touch, loaded in one query.
        for (recorded, event) in decoded {
            switch event {
            case .risk(.dayOpened(let d)): dayKeys.insert(PerfDayRow.key(d.account.rawValue, d.date.description))
            case .position(let p):
                let account: String? =
                    if case .opened(let o) = p { o.account.rawValue } else { positions[PositionsProjection.positionID(of: p).rawValue]?.account }
                if let account { dayKeys.insert(PerfDayRow.key(account, dates.date(recorded.occurredAt))) }
            default: break
            }
        }
        for (key, r) in try context.loadRows(from: PerfDayRow.table, keyColumn: "day_key", keys: dayKeys) { days[key] = PerfDayRow(r) }
        var touchedDays = Set<String>()
        var touchedPositions = Set<String>()

        func day(_ account: String, _ date: String) -> String {
            let key = PerfDayRow.key(account, date)
            if days[key] == nil { days[key] = PerfDayRow(account: account, tradingDate: date, level: levels[account] ?? 0) }
            touchedDays.insert(key)
            return key
        }
        func realize(_ account: String, _ amount: Decimal, fee: Decimal, at: Date) {
            let key = day(account, dates.date(at))
            let level = (levels[account] ?? 0) + amount
            levels[account] = level
            days[key]!.realize(amount, level: level)
            days[key]!.fees += fee
        }

        for (_, event) in decoded {
            switch event {
            case .risk(.dayOpened(let d)):
                let key = day(d.account.rawValue, d.date.description)
                days[key]!.dayOpened = true
                days[key]!.startingEquity = d.startingEquity?.amount
            case .position(.opened(let o)):
                var p = PerfPositionRow(positionID: o.positionID.rawValue, account: o.account.rawValue, stop: o.stop?.value)
                p.opening(o.quantity, at: o.price)
                positions[p.positionID] = p
                touchedPositions.insert(p.positionID)
                realize(p.account, -o.fee.amount, fee: o.fee.amount, at: o.openedAt)
            case .position(.adjusted(let a)) where a.quantityBefore.isZero:
                positions[a.positionID.rawValue] = PerfPositionRow(positionID: a.positionID.rawValue, account: a.account.rawValue, stop: nil)
                touchedPositions.insert(a.positionID.rawValue)
            case .position(.increased(let e)):
                guard var p = positions[e.positionID.rawValue] else { continue }
                p.opening(e.quantity, at: e.price)
                positions[p.positionID] = p
                touchedPositions.insert(p.positionID)
                realize(p.account, -e.fee.amount, fee: e.fee.amount, at: e.at)
            case .position(.reduced(let e)):
                guard let p = positions[e.positionID.rawValue] else { continue }
                realize(p.account, e.realizedPnL.amount, fee: e.fee.amount, at: e.at)
            case .position(.closed(let e)):
                guard let p = positions[e.positionID.rawValue] else { continue }
                realize(p.account, e.realizedPnL.amount, fee: e.fee.amount, at: e.closedAt)
                let r: Decimal? =
                    if let total = e.totalRealizedPnL, let risk = p.initialRisk, risk > 0 {
                        DecimalText.round(total.amount / risk, scale: 6, .plain)
                    } else { nil }
                days[day(p.account, dates.date(e.closedAt))]!.trade(pnl: e.totalRealizedPnL?.amount, r: r)
            default:
                continue
            }
        }
        try context.upsert(into: PerfDayRow.table, columns: PerfDayRow.columns, key: ["day_key"], rows: touchedDays.sorted().map { days[$0]!.values })
        try context.upsert(
            into: PerfPositionRow.table, columns: PerfPositionRow.columns, key: ["position_id"],
            rows: touchedPositions.sorted().map { positions[$0]!.values })
        try context.upsert(
            into: "perf_accounts", columns: ["account", "level"], key: ["account"],
            rows: levels.keys.sorted().map { [$0, SQLText.decimal(levels[$0])] })
    }
}

/// New York dates of instants, cached per UTC hour (New York's offset only changes on the hour), so a
/// batch of fills does not go through `Calendar` once per event.
struct NYDateCache {
    private var byHour: [Int64: String] = [:]

    mutating func date(_ instant: Date) -> String {
        let hour = Int64((instant.timeIntervalSince1970 / 3600).rounded(.down))
        if let d = byHour[hour] { return d }
        let d = NYDate(instant).description
        byHour[hour] = d
        return d
    }
}
