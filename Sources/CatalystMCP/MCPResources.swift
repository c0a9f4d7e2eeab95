import EventStore
import Foundation
import Projections

/// The original system's MCP resources (docs/origins.md §MCP), each one query of a read model
/// (`Projections/…/…Query.swift`) or one page of the event store, answered as JSON. Resources without parameters are listed by `resources/list`; those with parameters
/// are URI templates (RFC 6570, `resources/templates/list`) with the filters Claude's five functions read
/// (docs/origins.md §MCP): `positions://history?pattern=bull_flag&days=30`, `status=closed`, `pnl<0`,
/// `trading-cycle://history?hours=24` …
public struct MCPResources: Sendable {
    public struct Entry: Sendable {
        public var uri: String
        public var name: String
        public var description: String
    }

    /// What "the last N days / hours" is measured back from: the wall clock live, the ledger's latest
    /// activity on the simulated market (its days are not today); every answer that uses it says so in
    /// its description.
    public typealias ReferenceClock = ReadReference

    let views: ViewReader
    let store: PostgresEventStore
    let account: String
    let clock: ReferenceClock

    public init(conninfo: String, account: String = "sim", clock: ReferenceClock = .wall) {
        self.views = ViewReader(conninfo: conninfo)
        self.store = PostgresEventStore(conninfo: conninfo, connections: 1)
        self.account = account
        self.clock = clock
    }

    /// Listed by `resources/list`: those with no parameters, and the original system's key resources
    /// (docs/origins.md §MCP) at their defaults; the ones with parameters are also templates.
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
        switch key {
        case "trading-cycle://current":
            return try await row(CyclesQuery.current())
        case "trading-cycle://history":
            let limit = try q.int("limit", default: 50, in: 1...1000)
            return try await rows(CyclesQuery.history(limit: limit, withinHours: try q.span("hours", max: 8760), reference: clock))
        case "trading-cycle://performance":
            return try await rows(ReportsQuery.performance(account: account))
        case "market-scan://latest":
            return try await row(CyclesQuery.latestScan())
        case "market-scan://candidates":
            return try await rows(CandidatesQuery.ofCycle(q["cycle_id"], limit: try q.int("limit", default: 50, in: 1...1000)))
        case "positions://active":
            return try await rows(PositionsQuery.active())
        case "positions://history":
            return try await rows(PositionsQuery.history(try Self.historyFilter(q), reference: clock))
        case "positions://summary":
            return try await row(PositionsQuery.summary())
        case "news://catalysts":
            // With a symbol and no cycle: that symbol's catalysts across cycles (docs/origins.md §MCP: the news of each losing trade).
            let limit = try q.int("limit", default: 50, in: 1...1000)
            return try await rows(CandidatesQuery.catalysts(cycleID: q["cycle_id"], symbol: try q.symbol(), limit: limit))
        case "risk://limits":
            return try await row(RiskQuery.limits(account: account))
        case "risk://violations":
            return try await rows(RiskQuery.denials(account: account, date: try q.date()))
        case "risk://exposure":
            return try await row(RiskQuery.exposure(account: account))
        case "reports://daily":
            return try await row(ReportsQuery.daily(account: account, date: try q.date()))
        case "reports://weekly", "reports://monthly":
            return try await row(ReportsQuery.period(key == "reports://weekly" ? .week : .month, account: account, date: try q.date()))
        case "doctor://pipeline":
            return try await rows(DoctorQuery.pipeline(limit: try q.int("limit", default: 50, in: 1...50)))
        case "events://stream":
            let stream = String(components.path.drop { $0 == "/" })
            guard !stream.isEmpty else { throw Failure.badParameter("id", "events://stream/{id} needs a stream id") }
            let after = try q.int("after", default: 0, in: 0...Int.max)
            let page = try await store.jsonPage(stream: stream, afterPosition: Int64(after), limit: try q.int("limit", default: 50, in: 1...1000))
            return String(decoding: page.events, as: UTF8.self)
        default:
            throw Failure.unknown(uri)
        }
    }

    /// `positions://history`'s parameters as the read model's filter.
    static func historyFilter(_ q: MCPResourceParameters) throws -> PositionsQuery.HistoryFilter {
        var f = PositionsQuery.HistoryFilter()
        f.limit = try q.int("limit", default: 50, in: 1...1000)
        f.status = PositionsQuery.HistoryFilter.Status(rawValue: try q.oneOf("status", ["closed", "open", "all"]) ?? "closed") ?? .closed
        f.outcome = try q.oneOf("pnl", ["negative", "positive"]).map { $0 == "negative" ? .negative : .positive }
        f.pattern = try q.pattern()
        f.days = try q.span("days", max: 3650)
        f.symbol = try q.symbol()
        return f
    }

    func rows(_ query: ViewQuery) async throws -> String { String(decoding: try await views.rows(query), as: UTF8.self) }

    func row(_ query: ViewQuery) async throws -> String { try await views.row(query).map { String(decoding: $0, as: UTF8.self) } ?? "null" }
}
