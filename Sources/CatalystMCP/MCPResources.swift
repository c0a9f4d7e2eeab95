import Foundation
import PostgresClient

/// The seeds' MCP resources (functional spec §3), each one SQL query over a projection view answered as
/// JSON. Resources without parameters are listed by `resources/list`; those with parameters are URI
/// templates (RFC 6570, `resources/templates/list`) with the filters Claude's five functions read (seed
/// 000 §9.3.2, §9.7.2): `positions://history?pattern=bull_flag&days=30`, `status=closed`, `pnl<0`,
/// `trading-cycle://history?hours=24` …
public struct MCPResources: Sendable {
    public struct Entry: Sendable {
        public var uri: String
        public var name: String
        public var description: String
    }

    /// What "the last N days / hours" is measured back from. Live, the wall clock. On the simulated market
    /// the ledger's days are not today, so it is the ledger's latest activity (the newest cycle start,
    /// position open or close); every answer that uses it says so in its description.
    public enum ReferenceClock: Sendable {
        case wall
        case ledger

        var sql: String {
            switch self {
            case .wall: "now()"
            case .ledger:
                "coalesce(greatest((SELECT max(started_at) FROM v_cycles), (SELECT max(coalesce(closed_at, opened_at)) FROM v_positions)), now())"
            }
        }
    }

    let conninfo: String
    let account: String
    let clock: ReferenceClock

    public init(conninfo: String, account: String = "sim", clock: ReferenceClock = .wall) {
        self.conninfo = conninfo
        self.account = account
        self.clock = clock
    }

    /// Listed by `resources/list`: those with no parameters, and the seeds' key resources (seed 000
    /// §9.3.4) at their defaults; the ones with parameters are also templates.
    public static let catalog: [Entry] = [
        .init(uri: "trading-cycle://current", name: "Current cycle", description: "The running cycle, else the latest, with its funnel."),
        .init(uri: "trading-cycle://performance", name: "Performance", description: "Performance by period: day, week, month, all."),
        .init(uri: "market-scan://latest", name: "Latest scan", description: "The latest cycle's funnel and finalists."),
        .init(uri: "positions://active", name: "Open positions", description: "Open positions with marks and P&L."),
        .init(uri: "positions://summary", name: "Positions summary", description: "Counts and P&L of open and closed positions."),
        .init(uri: "risk://limits", name: "Risk limits", description: "The risk limits of the latest risk day."),
        .init(uri: "risk://exposure", name: "Exposure", description: "Exposure by symbol and by sector on the latest risk day."),
        .init(uri: "news://catalysts", name: "Catalysts", description: "The news catalysts of the latest cycle's candidates."),
        .init(uri: "risk://violations", name: "Risk denials", description: "Risk denials of the latest risk day with their reasons."),
        .init(uri: "reports://daily", name: "Daily report", description: "The latest risk day's performance, risk and cycle count."),
    ]

    /// URI templates (RFC 6570): every parameter is optional unless it is in the path.
    public static let templates: [Entry] = [
        .init(
            uri: "positions://history{?limit,status,pattern,days,symbol,pnl}", name: "Position history",
            description:
                "Positions with the pattern, catalyst and scores they were entered on and the R achieved, latest first. limit 1-1000 (default 50); status closed (default), open or all; pattern bull_flag, cup_and_handle, ascending_triangle, abcd, opening_range_breakout; days 1-3650 (opened within the last N days); symbol; pnl negative or positive (also written pnl<0, pnl>0)."
        ),
        .init(
            uri: "trading-cycle://history{?limit,hours}", name: "Cycle history",
            description: "Cycles with their funnel counts, latest first. limit 1-1000 (default 50); hours 1-8760 (started within the last N hours)."),
        .init(
            uri: "market-scan://candidates{?cycle_id,limit}", name: "Candidates",
            description: "Every scanned symbol of a cycle with its stage, drop reason, scores, signal and risk decision. cycle_id (default the latest); limit 1-1000 (default 50)."),
        .init(
            uri: "news://catalysts{?cycle_id,symbol,limit}", name: "Catalysts",
            description: "The news catalysts candidates were scored on. cycle_id (default the latest cycle, or every cycle when symbol is given); symbol; limit 1-1000 (default 50)."),
        .init(uri: "risk://violations{?date}", name: "Risk denials", description: "Risk denials of a day with their reasons. date YYYY-MM-DD (default the latest risk day)."),
        .init(uri: "reports://daily{?date}", name: "Daily report", description: "A day's performance, risk day and cycle count. date YYYY-MM-DD (default the latest risk day)."),
        .init(uri: "reports://weekly{?date}", name: "Weekly report", description: "The performance of the week holding date (default the latest risk day)."),
        .init(uri: "reports://monthly{?date}", name: "Monthly report", description: "The performance of the month holding date (default the latest risk day)."),
        .init(uri: "doctor://pipeline{?limit}", name: "Pipeline status", description: "The trade pipeline status per cycle, latest first. limit 1-50 (default 50)."),
        .init(
            uri: "events://stream/{id}{?after,limit}", name: "Event stream",
            description: "Events of one stream in order: id the stream id (e.g. cycle-…, order-…); after a global position; limit 1-1000 (default 50)."),
    ]

    /// The parameters each resource takes (its template's query names).
    static let parameters: [String: [String]] = [
        "positions://history": ["limit", "status", "pattern", "days", "symbol", "pnl"],
        "trading-cycle://history": ["limit", "hours"],
        "market-scan://candidates": ["cycle_id", "limit"],
        "news://catalysts": ["cycle_id", "symbol", "limit"],
        "risk://violations": ["date"],
        "reports://daily": ["date"],
        "reports://weekly": ["date"],
        "reports://monthly": ["date"],
        "doctor://pipeline": ["limit"],
        "events://stream": ["after", "limit"],
    ]

    public enum Failure: Error, CustomStringConvertible {
        case unknown(String)
        case badParameter(String, String)
        public var description: String {
            switch self {
            case .unknown(let u): "unknown resource: \(u)"
            case .badParameter(let p, let why): "parameter \(p): \(why)"
            }
        }
    }

    /// The resource's JSON text.
    public func read(_ uri: String) async throws -> String {
        guard let components = URLComponents(string: MCPResourceParameters.normalized(uri)), let scheme = components.scheme else { throw Failure.unknown(uri) }
        guard !components.path.utf8.contains(0) else { throw Failure.badParameter("id", "must not contain NUL (U+0000) characters") }
        let key = "\(scheme)://\(components.host ?? "")"
        guard Self.catalog.contains(where: { $0.uri == key }) || Self.parameters[key] != nil else { throw Failure.unknown(uri) }
        let q = try MCPResourceParameters(resource: key, declared: Self.parameters[key] ?? [], items: components.queryItems ?? [])
        let latestCycle = "(SELECT cycle_id FROM v_cycles ORDER BY started_at DESC LIMIT 1)"
        let latestDay = "(SELECT max(trading_date) FROM v_risk_state WHERE account = $1)"
        switch key {
        case "trading-cycle://current":
            return try await row(
                "SELECT c.*, to_jsonb(f) - 'cycle_id' AS funnel FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) ORDER BY (c.status = 'running') DESC, c.started_at DESC LIMIT 1")
        case "trading-cycle://history":
            let limit = try q.int("limit", default: 50, in: 1...1000)
            let hours = try q.span("hours", max: 8760)
            return try await rows(
                "SELECT * FROM v_cycles WHERE ($1::int IS NULL OR started_at >= \(clock.sql) - make_interval(hours => $1::int)) ORDER BY started_at DESC LIMIT \(limit)",
                [hours.map(String.init)])
        case "trading-cycle://performance":
            return try await rows("SELECT * FROM v_performance WHERE account = $1 ORDER BY period, period_start DESC", [account])
        case "market-scan://latest":
            return try await row(
                "SELECT c.cycle_id, c.started_at, c.status, to_jsonb(f) - 'cycle_id' AS funnel, (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM (SELECT symbol, final_rank, composite_score, pattern, catalyst, risk_decision FROM v_candidates WHERE cycle_id = c.cycle_id AND is_finalist ORDER BY final_rank) x) AS finalists FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) ORDER BY c.started_at DESC LIMIT 1")
        case "market-scan://candidates":
            let limit = try q.int("limit", default: 50, in: 1...1000)
            return try await rows("SELECT * FROM v_candidates WHERE cycle_id = coalesce($1, \(latestCycle)) LIMIT \(limit)", [q["cycle_id"]])
        case "positions://active":
            return try await rows("SELECT * FROM v_positions_current")
        case "positions://history":
            return try await positionHistory(q)
        case "positions://summary":
            return try await row(
                "SELECT count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'closed') AS closed, coalesce(sum(unrealized_pnl) FILTER (WHERE status = 'open'), 0) AS unrealized_pnl, coalesce(sum(realized_pnl), 0) AS realized_pnl, count(*) FILTER (WHERE status = 'closed' AND realized_pnl > 0) AS wins, count(*) FILTER (WHERE status = 'closed' AND realized_pnl < 0) AS losses FROM v_positions")
        case "news://catalysts":
            let limit = try q.int("limit", default: 50, in: 1...1000)
            let symbol = try q.symbol()
            // With a symbol and no cycle: that symbol's catalysts across cycles (seed 000 §9.3.2: the news of each losing trade).
            let cycle = q["cycle_id"] != nil || symbol == nil ? "cycle_id = coalesce($1::text, \(latestCycle))" : "($1::text IS NULL OR cycle_id = $1)"
            return try await rows(
                "SELECT cycle_id, symbol, as_of, catalyst, catalyst_strength, catalyst_score, sentiment, news_ids, stage_reached, pattern FROM v_candidates WHERE \(cycle) AND ($2::text IS NULL OR symbol = $2) AND catalyst IS NOT NULL ORDER BY as_of DESC NULLS LAST, catalyst_score DESC NULLS LAST LIMIT \(limit)",
                [q["cycle_id"], symbol])
        case "risk://limits":
            return try await row(
                "SELECT account, trading_date, max_daily_loss, warning_fraction, max_positions, max_daily_trades, parameters_hash FROM v_risk_state WHERE account = $1 ORDER BY trading_date DESC LIMIT 1",
                [account])
        case "risk://violations":
            return try await rows("SELECT * FROM v_risk_denials WHERE account = $1 AND trading_date = coalesce($2::date, \(latestDay))", [account, try q.date()])
        case "risk://exposure":
            return try await row(
                "SELECT (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_symbol s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_symbol, (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_sector s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_sector",
                [account])
        case "reports://daily":
            return try await row(
                "SELECT d AS date, (SELECT to_jsonb(p) FROM v_performance_daily p WHERE p.account = $1 AND p.trading_date = d) AS performance, (SELECT to_jsonb(r) FROM v_risk_state r WHERE r.account = $1 AND r.trading_date = d) AS risk, (SELECT count(*) FROM v_cycles c WHERE c.trading_date = d) AS cycles FROM (SELECT coalesce($2::date, \(latestDay)) AS d) x",
                [account, try q.date()])
        case "reports://weekly", "reports://monthly":
            let period = key == "reports://weekly" ? "week" : "month"
            return try await row(
                "SELECT * FROM v_performance WHERE account = $1 AND period = '\(period)' AND coalesce($2::date, \(latestDay)) BETWEEN period_start AND period_end",
                [account, try q.date()])
        case "doctor://pipeline":
            return try await rows("SELECT * FROM v_trade_pipeline_status LIMIT \(try q.int("limit", default: 50, in: 1...50))")
        case "events://stream":
            let stream = String(components.path.drop { $0 == "/" })
            guard !stream.isEmpty else { throw Failure.badParameter("id", "events://stream/{id} needs a stream id") }
            let after = try q.int("after", default: 0, in: 0...Int.max)
            return try await rows(
                "SELECT global_position, stream_version, event_type, occurred_at, payload, metadata FROM events WHERE stream_id = $1 AND global_position > $2::bigint ORDER BY global_position LIMIT \(try q.int("limit", default: 50, in: 1...1000))",
                [stream, String(after)])
        default:
            throw Failure.unknown(uri)
        }
    }

    /// `positions://history`: each position with what it was entered on (its candidate row: pattern,
    /// catalyst, scores, indicators) and the R it achieved (realized P&L over the initial risk).
    func positionHistory(_ q: MCPResourceParameters) async throws -> String {
        let limit = try q.int("limit", default: 50, in: 1...1000)
        let status = try q.oneOf("status", ["closed", "open", "all"]) ?? "closed"
        let pnl = try q.oneOf("pnl", ["negative", "positive"])
        let sign = pnl.map { $0 == "negative" ? "< 0" : "> 0" }
        let sql = """
            SELECT p.*, c.pattern, c.pattern_confidence, c.catalyst, c.catalyst_strength, c.catalyst_score, c.sentiment, c.composite_score,
                   c.relative_volume, c.gap_percent, c.rsi_14, c.macd_hist, c.atr_14, c.signal_entry, c.signal_stop, c.signal_target,
                   CASE WHEN p.initial_risk > 0 THEN round(p.realized_pnl / p.initial_risk, 3) END AS r_multiple
            FROM v_positions p LEFT JOIN v_candidates c ON c.cycle_id = p.cycle_id AND c.symbol = p.symbol
            WHERE ($1::text = 'all' OR p.status = $1)
              AND ($2::text IS NULL OR c.pattern = $2)
              AND ($3::int IS NULL OR p.opened_at >= \(clock.sql) - make_interval(days => $3::int))
              AND ($4::text IS NULL OR p.symbol = $4)
              \(sign.map { "AND p.realized_pnl + coalesce(p.unrealized_pnl, 0) \($0)" } ?? "")
            ORDER BY coalesce(p.closed_at, p.opened_at) DESC LIMIT \(limit)
            """
        return try await rows(sql, [status, try q.pattern(), try q.span("days", max: 3650).map(String.init), try q.symbol()])
    }

    func rows(_ sql: String, _ binds: [String?] = []) async throws -> String {
        try await query("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text FROM (\(sql)) t", binds) ?? "[]"
    }

    func row(_ sql: String, _ binds: [String?] = []) async throws -> String {
        try await query("SELECT to_jsonb(t)::text FROM (\(sql)) t LIMIT 1", binds) ?? "null"
    }

    func query(_ sql: String, _ binds: [String?]) async throws -> String? {
        let values: [any PGBindable] = binds.map { $0.map { PGValue.text($0) } ?? PGValue.null }
        return try await PGSession(conninfo: conninfo).withConnection { c in try c.query(sql, values).scalar }
    }
}
