import Foundation

/// The prompts of Claude's primary functions (docs/origins.md §MCP): each one names the resources it
/// reads, embeds their answers as read when the prompt is fetched, and says what to compute. A prompt
/// alone, pasted into any model with its embedded data, is a complete analysis request.
public struct MCPPrompts: Sendable {
    public struct Argument: Sendable {
        public var name: String
        public var description: String
        public var required: Bool
    }

    public struct Spec: Sendable {
        public var name: String
        public var title: String
        public var description: String
        public var arguments: [Argument]
    }

    /// One message of a fetched prompt: instructions, or a resource's answer embedded as it was read.
    public enum Part: Sendable, Equatable {
        case text(String)
        case resource(uri: String, json: String)
    }

    let resources: MCPResources

    public init(resources: MCPResources) { self.resources = resources }

    static let patterns = "bull_flag, cup_and_handle, ascending_triangle, abcd, opening_range_breakout"

    public static let specs: [Spec] = [
        .init(
            name: "losing_trades", title: "Why did the last trades lose?",
            description: "Performance analysis: the last losing closed trades with the catalysts they were entered on.",
            arguments: [.init(name: "count", description: "How many losing trades (1-50, default 5).", required: false)]),
        .init(
            name: "training_dataset", title: "Labelled dataset for a pattern",
            description: "ML training data: closed trades of one pattern with their entry features and outcomes.",
            arguments: [
                .init(name: "pattern", description: "One of \(patterns).", required: true),
                .init(name: "limit", description: "How many trades (1-1000, default 100).", required: false),
            ]),
        .init(
            name: "manual_intervention", title: "Close a position or stop trading",
            description: "Manual trade intervention: what the agent may do when news changes, and what needs a human.",
            arguments: [
                .init(name: "reason", description: "Why (recorded with the action).", required: true),
                .init(name: "symbol", description: "The position to close; without it, the whole book is considered.", required: false),
            ]),
        .init(
            name: "risk_optimization", title: "Optimal risk per trade",
            description: "Strategy parameter optimization: win rate, payoff and Kelly fraction from closed trades.",
            arguments: [
                .init(name: "pattern", description: "Only this pattern (\(patterns)); default all.", required: false),
                .init(name: "limit", description: "How many recent trades (1-1000, default 100).", required: false),
            ]),
        .init(
            name: "system_health", title: "System health",
            description: "System health monitoring: cycles, risk denials, the day's report and the trade pipeline.",
            arguments: [.init(name: "hours", description: "How far back (1-168 hours, default 24).", required: false)]),
        .init(
            name: "pattern_performance", title: "Pattern performance",
            description: "Pattern performance analysis: win rate, average R and profit factor of one pattern.",
            arguments: [
                .init(name: "pattern", description: "One of \(patterns).", required: true),
                .init(name: "days", description: "Trades opened within the last N days (1-3650, default 30).", required: false),
            ]),
    ]

    /// The prompt's messages, its resources read now. Bad or undeclared arguments are `Failure.badParameter`.
    public func get(_ name: String, arguments: [String: String]) async throws -> (description: String, parts: [Part]) {
        guard let spec = Self.specs.first(where: { $0.name == name }) else { throw MCPResources.Failure.badParameter("name", "unknown prompt \(name)") }
        for argument in spec.arguments where argument.required && (arguments[argument.name] ?? "").isEmpty {
            throw MCPResources.Failure.badParameter(argument.name, "is required by prompt \(name)")
        }
        let a = try MCPResourceParameters(
            resource: "prompt \(name)", declared: spec.arguments.map(\.name),
            items: arguments.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) })
        var parts: [Part] = []
        func read(_ uri: String) async throws { parts.append(.resource(uri: uri, json: try await resources.read(uri))) }
        switch name {
        case "losing_trades":
            let count = try a.int("count", default: 5, in: 1...50)
            let uri = "positions://history?limit=\(count)&status=closed&pnl=negative"
            parts.append(
                .text(
                    """
                    Why did our last \(count) losing trades lose money?
                    The trades are embedded below from \(uri), each with the pattern, catalyst and scores it was entered on, its \
                    signal's entry, stop and target, the fill (avg_entry_price), the exit (exit_price, exit_reason) and r_multiple \
                    (realized P&L over the initial risk; −1 is a full stop-out). The news behind each one is embedded from \
                    news://catalysts?symbol=<symbol>.
                    For each trade: compare the fill with the signal's entry (slippage, a late or marketable entry), the exit with \
                    the stop (a gap through it), the pattern confidence and the catalyst's strength and sentiment; say whether the \
                    loss was the plan working (about −1 R) or something else. Then name what the losers share, and recommend \
                    concrete changes with the evidence for each. Changing risk limits is a human risk officer's decision: recommend, \
                    never apply.
                    """))
            try await read(uri)
            let symbols = Self.symbols(in: parts.last)
            for symbol in symbols.prefix(count) { try await read("news://catalysts?symbol=\(symbol)&limit=5") }
        case "training_dataset":
            let pattern = try a.pattern() ?? ""
            let limit = try a.int("limit", default: 100, in: 1...1000)
            let uri = "positions://history?pattern=\(pattern)&status=closed&limit=\(limit)"
            parts.append(
                .text(
                    """
                    Generate a labelled dataset for \(pattern) trades.
                    The closed \(pattern) trades are embedded below from \(uri). Make one CSV row per trade with the entry \
                    conditions (avg_entry_price, relative_volume, gap_percent, rsi_14, macd_hist, atr_14), the news context \
                    (catalyst, catalyst_strength, catalyst_score, sentiment), the pattern_confidence and composite_score, and the \
                    outcome: win (realized_pnl > 0) or loss, and r_multiple. Say how many rows there are and how balanced the \
                    labels are; with fewer than 30 rows, say the set is too small to train on.
                    For point-in-time features of every candidate (not only the traded ones), labelled by what the price did next, \
                    call the generate_training_dataset tool, which replays the ledger as it was known at each decision.
                    """))
            try await read(uri)
        case "manual_intervention":
            let reason = a["reason"] ?? ""
            let symbol = try a.symbol()
            let target = symbol.map { "the \($0) position" } ?? "the open positions"
            parts.append(
                .text(
                    """
                    A human reports that the news changed (\(reason)) and asks to act on \(target).
                    The open positions are embedded below from positions://active. What you may do, as the agent:
                    - close_position(symbol, reason): close one position at market; it is recorded as done by this agent.
                    - emergency_stop(reason): halt trading, cancel open orders and flatten every position.
                    - update_position(symbol, stop_loss, take_profit): tighten protection instead of closing.
                    What you may not do: resume_trading only files a request; a human operator must approve the resume. Prefer \
                    the narrowest action that answers the news: close \(symbol ?? "the affected symbol") rather than halt \
                    everything, unless the news touches the whole book. Say which action you take and why, with the position's \
                    current P&L, then log it with log_activity.
                    """))
            try await read("positions://active")
        case "risk_optimization":
            let pattern = try a.pattern()
            let limit = try a.int("limit", default: 100, in: 1...1000)
            let uri = "positions://history?status=closed&limit=\(limit)" + (pattern.map { "&pattern=\($0)" } ?? "")
            parts.append(
                .text(
                    """
                    What is the optimal risk per trade\(pattern.map { " for \($0)" } ?? "")?
                    The last \(limit) closed trades are embedded below from \(uri), and the limits in force from risk://limits. \
                    Compute the win rate W, the payoff ratio R (average win over average loss, from realized_pnl or r_multiple) \
                    and the Kelly fraction K = W − (1 − W) / R. Report them with the sample size, and recommend a fraction of Kelly \
                    (a quarter to a half is usual for a strategy with estimation error) as a risk_per_trade, compared with the \
                    current one. With fewer than 30 trades, say the estimate is too uncertain to act on. Raising a limit is a \
                    human risk officer's decision (maker–checker): recommend, never apply.
                    """))
            try await read(uri)
            try await read("risk://limits")
        case "system_health":
            let hours = try a.int("hours", default: 24, in: 1...168)
            parts.append(
                .text(
                    """
                    Show the system's health over the last \(hours) hours.
                    Embedded below: the cycles from trading-cycle://history?hours=\(hours) (status, stage, funnel counts, \
                    stop reasons, failed stages), the risk denials from risk://violations, the day from reports://daily, and the \
                    trade pipeline from doctor://pipeline. Report: cycles that failed or stopped and at which stage; gaps in \
                    the schedule (cycles should start every scan_frequency_minutes during the session); funnels that came out \
                    empty; risk breaches and halts; orders stuck in the pipeline. Rank the findings by severity, and for anything \
                    wrong suggest the safe next step (run_watchdog diagnoses and applies only the safe fixes).
                    """))
            try await read("trading-cycle://history?hours=\(hours)&limit=1000")
            try await read("risk://violations")
            try await read("reports://daily")
            try await read("doctor://pipeline")
        case "pattern_performance":
            let pattern = try a.pattern() ?? ""
            let days = try a.int("days", default: 30, in: 1...3650)
            let uri = "positions://history?pattern=\(pattern)&days=\(days)&status=closed&limit=1000"
            parts.append(
                .text(
                    """
                    Analyse the performance of \(pattern) over the last \(days) days.
                    The closed \(pattern) trades are embedded below from positions://history?pattern=\(pattern)&days=\(days). \
                    Compute the win rate (wins / trades), the average r_multiple, and the profit factor (the sum of winning \
                    realized_pnl over the sum of losing realized_pnl, as a positive number). Then relate the outcome to the \
                    catalyst (catalyst_score, sentiment) and to pattern_confidence: does a threshold separate winners from losers? \
                    Recommend a change only with the numbers behind it, and say when the sample is too small.
                    """))
            try await read(uri)
        default:
            throw MCPResources.Failure.badParameter("name", "unknown prompt \(name)")
        }
        // The text names every resource it embeds, exactly as read, so the prompt can be re-read by hand.
        let embedded = parts.compactMap { part -> String? in if case .resource(let uri, _) = part { uri } else { nil } }
        if case .text(let text)? = parts.first, !embedded.isEmpty {
            parts[0] = .text(text + "\n\nEmbedded below, as read now: " + embedded.joined(separator: ", ") + ".")
        }
        return (spec.description, parts)
    }

    /// The distinct symbols of an embedded positions answer, in order.
    static func symbols(in part: Part?) -> [String] {
        guard case .resource(_, let json)? = part,
            let rows = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        else { return [] }
        var seen: [String] = []
        for symbol in rows.compactMap({ $0["symbol"] as? String }) where !seen.contains(symbol) { seen.append(symbol) }
        return seen
    }
}
