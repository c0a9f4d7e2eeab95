import Domain
import Foundation

/// A news event injected into the simulated market, and the move it causes.
struct SimulatedCatalyst: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case earningsBeat, fdaApproval, upgrade, contract, merger
        case earningsMiss, fdaRejection, downgrade, offering, lawsuit

        var isPositive: Bool { [.earningsBeat, .fdaApproval, .upgrade, .contract, .merger].contains(self) }

        /// Log-return range of the move.
        var impact: ClosedRange<Double> {
            switch self {
            case .earningsBeat: 0.04...0.12
            case .fdaApproval: 0.10...0.35
            case .upgrade: 0.02...0.06
            case .contract: 0.03...0.10
            case .merger: 0.15...0.30
            case .earningsMiss: -0.12 ... -0.04
            case .fdaRejection: -0.45 ... -0.15
            case .downgrade: -0.06 ... -0.02
            case .offering: -0.15 ... -0.05
            case .lawsuit: -0.08 ... -0.02
            }
        }
    }

    let kind: Kind
    /// Minute of the session the news lands in; nil when it came out before the open (the move is a gap).
    let minute: Int?
    let receivedAt: Date
    /// Total log move the news causes over the day.
    let impact: Double
    let volumeMultiplier: Double
    let headline: String
    let summary: String
}

/// News templates. They are written the way wires write headlines, and the strategy's lexicon is
/// tested separately on hand-written headlines, so the simulated market does not merely echo it.
enum NewsTemplates {
    static func headline(_ kind: SimulatedCatalyst.Kind, name: String, rng: inout Xoshiro256) -> (String, String) {
        let q = rng.int(1...4)
        let bank = ["Goldman Sachs", "Morgan Stanley", "JPMorgan", "Piper Sandler", "Jefferies", "Barclays"][rng.int(0...5)]
        let amount = [50, 120, 250, 400, 850, 1200][rng.int(0...5)]
        switch kind {
        case .earningsBeat:
            return rng.unit() < 0.5
                ? ("\(name) beats Q\(q) earnings estimates, raises full-year guidance", "Revenue and EPS topped consensus.")
                : ("\(name) reports record quarterly results, tops estimates", "Strong demand drove revenue growth.")
        case .fdaApproval:
            return ("FDA approves \(name)'s lead drug for rare disease", "Approval follows positive Phase 3 trial results.")
        case .upgrade:
            return ("\(bank) upgrades \(name) to Buy, raises price target", "The analyst cites accelerating growth.")
        case .contract:
            return ("\(name) awarded $\(amount) million Pentagon contract", "The multi-year award expands its backlog.")
        case .merger:
            let pct = [25, 32, 40, 48][rng.int(0...3)]
            return ("\(name) to be acquired for cash at a \(pct)% premium", "The boards approved the merger agreement.")
        case .earningsMiss:
            return ("\(name) misses Q\(q) earnings estimates, cuts outlook", "Revenue fell short of consensus.")
        case .fdaRejection:
            return ("FDA rejects \(name)'s lead drug, issues complete response letter", "The agency asked for another trial.")
        case .downgrade:
            return ("\(bank) downgrades \(name) to Underperform", "The analyst sees weakening demand.")
        case .offering:
            return ("\(name) announces $\(amount) million public offering of common stock", "Proceeds fund operations.")
        case .lawsuit:
            return ("Shareholders file class action lawsuit against \(name)", "The complaint alleges misleading statements.")
        }
    }

    /// Items that mention a company without moving it.
    static func chatter(name: String, rng: inout Xoshiro256) -> (String, String) {
        [
            ("\(name) to present at investor conference next week", "Management will host a fireside chat."),
            ("\(name) shares active in morning trade", "Volume is in line with recent sessions."),
            ("\(name) files annual report", "The filing is available on the company website."),
            ("Options traders eye \(name) ahead of the Fed", "Implied volatility is unchanged."),
        ][rng.int(0...3)]
    }
}
