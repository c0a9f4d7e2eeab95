import Foundation
import PostgresClient

/// The seeds' MCP resources (functional spec §3), each one SQL query over a projection view answered as
/// JSON. Query parameters work as in the seeds: `?limit=`, `?date=`, `?cycle_id=`.
public struct MCPResources: Sendable {
    public struct Entry: Sendable {
        public var uri: String
        public var name: String
        public var description: String
    }

    let conninfo: String
    let account: String

    public init(conninfo: String, account: String = "sim") {
        self.conninfo = conninfo
        self.account = account
    }

    public static let catalog: [Entry] = [
        .init(uri: "trading-cycle://current", name: "Current cycle", description: "The running cycle, else the latest, with its funnel."),
        .init(uri: "trading-cycle://history", name: "Cycle history", description: "Recent cycles, latest first (?limit=)."),
        .init(uri: "trading-cycle://performance", name: "Performance", description: "Performance by period: day, week, month, all."),
        .init(uri: "market-scan://latest", name: "Latest scan", description: "The latest cycle's funnel and finalists."),
        .init(uri: "market-scan://candidates", name: "Candidates", description: "Candidates of a cycle (?cycle_id=, default latest; ?limit=)."),
        .init(uri: "positions://active", name: "Open positions", description: "Open positions with marks and P&L."),
        .init(uri: "positions://history", name: "Closed positions", description: "Closed positions, latest first (?limit=)."),
        .init(uri: "positions://summary", name: "Positions summary", description: "Counts and P&L of open and closed positions."),
        .init(uri: "news://catalysts", name: "Catalysts", description: "Catalysts of the latest cycle's candidates (?cycle_id=)."),
        .init(uri: "risk://limits", name: "Risk limits", description: "The risk limits of the latest risk day."),
        .init(uri: "risk://violations", name: "Risk denials", description: "Risk denials of a day (?date=, default the latest risk day)."),
        .init(uri: "risk://exposure", name: "Exposure", description: "Exposure by symbol and by sector on the latest risk day."),
        .init(uri: "reports://daily", name: "Daily report", description: "A day's performance and risk (?date=, default latest)."),
        .init(uri: "reports://weekly", name: "Weekly report", description: "The week's performance (?date= inside the week)."),
        .init(uri: "reports://monthly", name: "Monthly report", description: "The month's performance (?date= inside the month)."),
        .init(uri: "doctor://pipeline", name: "Pipeline status", description: "The trade pipeline status per cycle (?limit=)."),
        .init(uri: "events://stream/{id}", name: "Event stream", description: "Events of one stream in order (?after=, ?limit=)."),
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
        guard let components = URLComponents(string: uri), let scheme = components.scheme else { throw Failure.unknown(uri) }
        var q: [String: String] = [:]
        for item in components.queryItems ?? [] { q[item.name] = item.value }
        // PostgreSQL text cannot hold U+0000 and libpq would cut a parameter at it (`cycle_id=a%00b`
        // would read cycle `a`), so a NUL anywhere in the decoded URI is refused.
        for (name, value) in q where value.utf8.contains(0) { throw Failure.badParameter(name, "must not contain NUL (U+0000) characters") }
        guard !components.path.utf8.contains(0) else { throw Failure.badParameter("id", "must not contain NUL (U+0000) characters") }
        let host = components.host ?? ""
        let key = "\(scheme)://\(host)"
        let limit = try Self.int(q["limit"], name: "limit", default: 50, max: 1000)
        let date = try Self.date(q["date"])
        let cycle = q["cycle_id"]
        let latestCycle = "(SELECT cycle_id FROM v_cycles ORDER BY started_at DESC LIMIT 1)"
        let latestDay = "(SELECT max(trading_date) FROM v_risk_state WHERE account = $1)"
        switch key {
        case "trading-cycle://current":
            return try await row(
                "SELECT c.*, to_jsonb(f) - 'cycle_id' AS funnel FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) ORDER BY (c.status = 'running') DESC, c.started_at DESC LIMIT 1")
        case "trading-cycle://history":
            return try await rows("SELECT * FROM v_cycles ORDER BY started_at DESC LIMIT \(limit)")
        case "trading-cycle://performance":
            return try await rows("SELECT * FROM v_performance WHERE account = $1 ORDER BY period, period_start DESC", [account])
        case "market-scan://latest":
            return try await row(
                "SELECT c.cycle_id, c.started_at, c.status, to_jsonb(f) - 'cycle_id' AS funnel, (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM (SELECT symbol, final_rank, composite_score, pattern, catalyst, risk_decision FROM v_candidates WHERE cycle_id = c.cycle_id AND is_finalist ORDER BY final_rank) x) AS finalists FROM v_cycles c LEFT JOIN v_candidate_funnel f USING (cycle_id) ORDER BY c.started_at DESC LIMIT 1")
        case "market-scan://candidates":
            return try await rows("SELECT * FROM v_candidates WHERE cycle_id = coalesce($1, \(latestCycle)) LIMIT \(limit)", [cycle])
        case "positions://active":
            return try await rows("SELECT * FROM v_positions_current")
        case "positions://history":
            return try await rows("SELECT * FROM v_positions WHERE status = 'closed' ORDER BY closed_at DESC NULLS LAST LIMIT \(limit)")
        case "positions://summary":
            return try await row(
                "SELECT count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'closed') AS closed, coalesce(sum(unrealized_pnl) FILTER (WHERE status = 'open'), 0) AS unrealized_pnl, coalesce(sum(realized_pnl), 0) AS realized_pnl, count(*) FILTER (WHERE status = 'closed' AND realized_pnl > 0) AS wins, count(*) FILTER (WHERE status = 'closed' AND realized_pnl < 0) AS losses FROM v_positions")
        case "news://catalysts":
            return try await rows(
                "SELECT symbol, catalyst, catalyst_strength, catalyst_score, sentiment, news_ids, stage_reached FROM v_candidates WHERE cycle_id = coalesce($1, \(latestCycle)) AND catalyst IS NOT NULL ORDER BY catalyst_score DESC NULLS LAST LIMIT \(limit)",
                [cycle])
        case "risk://limits":
            return try await row(
                "SELECT account, trading_date, max_daily_loss, warning_fraction, max_positions, max_daily_trades, parameters_hash FROM v_risk_state WHERE account = $1 ORDER BY trading_date DESC LIMIT 1",
                [account])
        case "risk://violations":
            return try await rows("SELECT * FROM v_risk_denials WHERE account = $1 AND trading_date = coalesce($2::date, \(latestDay))", [account, date])
        case "risk://exposure":
            return try await row(
                "SELECT (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_symbol s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_symbol, (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]') FROM v_risk_exposure_by_sector s WHERE s.account = $1 AND s.trading_date = \(latestDay)) AS by_sector",
                [account])
        case "reports://daily":
            return try await row(
                "SELECT d AS date, (SELECT to_jsonb(p) FROM v_performance_daily p WHERE p.account = $1 AND p.trading_date = d) AS performance, (SELECT to_jsonb(r) FROM v_risk_state r WHERE r.account = $1 AND r.trading_date = d) AS risk, (SELECT count(*) FROM v_cycles c WHERE c.trading_date = d) AS cycles FROM (SELECT coalesce($2::date, \(latestDay)) AS d) x",
                [account, date])
        case "reports://weekly", "reports://monthly":
            let period = key == "reports://weekly" ? "week" : "month"
            return try await row(
                "SELECT * FROM v_performance WHERE account = $1 AND period = '\(period)' AND coalesce($2::date, \(latestDay)) BETWEEN period_start AND period_end",
                [account, date])
        case "doctor://pipeline":
            return try await rows("SELECT * FROM v_trade_pipeline_status LIMIT \(min(limit, 50))")
        case "events://stream":
            let stream = String(components.path.drop { $0 == "/" })
            guard !stream.isEmpty else { throw Failure.badParameter("id", "events://stream/{id} needs a stream id") }
            let after = try Self.int(q["after"], name: "after", default: 0, max: Int.max)
            return try await rows(
                "SELECT global_position, stream_version, event_type, occurred_at, payload, metadata FROM events WHERE stream_id = $1 AND global_position > $2::bigint ORDER BY global_position LIMIT \(limit)",
                [stream, String(after)])
        default:
            throw Failure.unknown(uri)
        }
    }

    static func int(_ text: String?, name: String, default value: Int, max: Int) throws -> Int {
        guard let text else { return value }
        guard let v = Int(text), v >= 0, v <= max else { throw Failure.badParameter(name, "must be an integer between 0 and \(max)") }
        return v
    }

    static func date(_ text: String?) throws -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1, (1...12).contains(month),
            let days = Calendar(identifier: .gregorian).range(of: .day, in: .month, for: DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month).date ?? Date()),
            days.contains(day)
        else { throw Failure.badParameter("date", "must be a date YYYY-MM-DD") }
        return text
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
