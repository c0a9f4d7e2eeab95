import Domain
import Foundation

/// What `catalyst session replay` found for one day: per cycle, whether its market data was captured
/// and every recorded decision (candidate, signal, risk decision) that the replay decided differently;
/// the day's entry fills against what their decisions expected, separately.
public struct SessionReplayReport: Sendable, Encodable {
    public var date: String
    public var cycles: [CycleParity] = []
    public var fills: [FillComparison] = []

    /// Every decision that differs, over all cycles.
    public var differences: Int { cycles.reduce(0) { $0 + $1.differences.count } }
    /// Parity is proven: every cycle was captured, every capture verifies, and nothing differs.
    public var parity: Bool { !cycles.isEmpty && cycles.allSatisfy { $0.captured && $0.problems.isEmpty && $0.differences.isEmpty } }

    public struct Counts: Sendable, Encodable, Equatable {
        public var recorded = 0
        public var replayed = 0
    }

    public struct CycleParity: Sendable, Encodable {
        public var cycleID: String
        public var dataAsOf: Date?
        public var dataHash: String?
        public var captured = false
        /// A capture that does not verify, a configuration that changed since, a decision without a hash.
        public var problems: [String] = []
        public var candidates = Counts()
        public var signals = Counts()
        public var decisions = Counts()
        /// One line per decision that differs, naming it and what changed.
        public var differences: [String] = []

        enum CodingKeys: String, CodingKey {
            case captured, problems, candidates, signals, decisions, differences
            case cycleID = "cycle_id"
            case dataAsOf = "data_as_of"
            case dataHash = "data_hash"
        }
    }

    /// An approved entry's fills against the price its decision expected (`intent`'s limit or stop).
    public struct FillComparison: Sendable, Encodable {
        public var approvalID: String
        public var symbol: String
        public var expected: Decimal?
        public var approvedQuantity: Decimal
        public var filledQuantity: Decimal
        public var averagePrice: Decimal?
        /// (average − expected) / expected in basis points, signed so that positive is worse for us.
        public var slippageBps: Decimal?

        enum CodingKeys: String, CodingKey {
            case symbol, expected
            case approvalID = "approval_id"
            case approvedQuantity = "approved_quantity"
            case filledQuantity = "filled_quantity"
            case averagePrice = "average_price"
            case slippageBps = "slippage_bps"
        }
    }

    enum CodingKeys: String, CodingKey {
        case date, cycles, fills, differences, parity
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(date, forKey: .date)
        try c.encode(cycles, forKey: .cycles)
        try c.encode(fills, forKey: .fills)
        try c.encode(differences, forKey: .differences)
        try c.encode(parity, forKey: .parity)
    }

    /// The report as text: a line per cycle, then every difference, then the fills.
    public var text: String {
        var out = ["session replay \(date): \(cycles.count) cycle(s), \(cycles.filter(\.captured).count) captured"]
        for c in cycles {
            let time = c.dataAsOf.map { RFC3339.format($0) } ?? "?"
            guard c.captured else {
                out.append("  \(c.cycleID)  \(time)  not captured" + (c.problems.isEmpty ? "" : ": " + c.problems.joined(separator: "; ")))
                continue
            }
            func pair(_ n: Counts) -> String { n.recorded == n.replayed ? "\(n.recorded)" : "\(n.recorded) → \(n.replayed)" }
            let verdict = c.differences.isEmpty ? "identical" : "\(c.differences.count) difference(s)"
            out.append(
                "  \(c.cycleID)  \(time)  data \(c.dataHash.map { String($0.prefix(12)) } ?? "-")  candidates \(pair(c.candidates))  "
                    + "signals \(pair(c.signals))  decisions \(pair(c.decisions))  \(verdict)")
            for p in c.problems { out.append("    ! \(p)") }
            for d in c.differences { out.append("    ≠ \(d)") }
        }
        if !fills.isEmpty {
            out.append("fills (compared separately; a fill is the broker's, not a decision):")
            for f in fills {
                let expected = f.expected.map { DecimalText.format($0) } ?? "market"
                let filled = f.averagePrice.map { "\(DecimalText.format(f.filledQuantity)) @ \(DecimalText.format(DecimalText.round($0, scale: 4)))" } ?? "unfilled"
                let slip = f.slippageBps.map { "  \(DecimalText.format(DecimalText.round($0, scale: 1))) bps" } ?? ""
                out.append("  \(f.symbol)  approved \(DecimalText.format(f.approvedQuantity)) expecting \(expected)  filled \(filled)\(slip)")
            }
        }
        out.append(
            parity
                ? "parity: every decision of \(cycles.count) cycle(s) decided again identically"
                : "parity NOT shown: \(differences) decision(s) differ, \(cycles.filter { !$0.captured }.count) cycle(s) not captured, "
                    + "\(cycles.filter { !$0.problems.isEmpty }.count) with problems")
        return out.joined(separator: "\n")
    }
}
