import Domain
import Foundation

/// The triple barrier's configuration (AFML ch. 3): the profit-taking and stop-loss barriers as multiples
/// of the volatility target, and the vertical barrier as a horizon after the decision.
///
/// The volatility target `trgt` is the candidate's ATR(14) as recorded in its decision event (one-minute
/// bars, the strategy's own `atr_14` feature), so a barrier is `entry ± k × ATR` in price. A candidate whose
/// recorded ATR is missing (indicator still warming up) gets no barrier label (`barrier_hit = no_target`).
/// The vertical barrier is `decision + horizon`, cut at the last observation of that trading day (the
/// strategy is flat at the close), and a vertical touch is labelled 0.
public struct BarrierSpec: Sendable, Hashable, CustomStringConvertible {
    public var profitTaking: Decimal
    public var stopLoss: Decimal
    public var horizon: TimeInterval

    public init(profitTaking: Decimal = 2, stopLoss: Decimal = 1, horizon: TimeInterval = 3600) {
        self.profitTaking = profitTaking
        self.stopLoss = stopLoss
        self.horizon = horizon
    }

    public static let standard = BarrierSpec()

    /// Parses `pt=2,sl=1,horizon=60m` (horizon in `s`, `m` or `h`; every key optional; 0 switches a
    /// horizontal barrier off).
    public init(parsing text: String) throws(LabellingError) {
        self = .standard
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw .badBarriers("expected key=value, got '\(part)'") }
            switch kv[0] {
            case "pt":
                guard let v = Decimal(string: kv[1]), v >= 0 else { throw .badBarriers("pt must be a number ≥ 0, got '\(kv[1])'") }
                profitTaking = v
            case "sl":
                guard let v = Decimal(string: kv[1]), v >= 0 else { throw .badBarriers("sl must be a number ≥ 0, got '\(kv[1])'") }
                stopLoss = v
            case "horizon":
                horizon = try Self.duration(kv[1])
            default:
                throw .badBarriers("unknown key '\(kv[0])' (use pt, sl, horizon)")
            }
        }
    }

    static func duration(_ text: String) throws(LabellingError) -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last, let scale = units[unit], let n = Int(text.dropLast()), n > 0 else {
            throw .badBarriers("horizon must look like 90s, 60m or 2h, got '\(text)'")
        }
        return Double(n) * scale
    }

    public var description: String { "pt=\(profitTaking),sl=\(stopLoss),horizon=\(Int(horizon))s" }
    /// The same with `;` between the keys, for a CSV cell that needs no quoting.
    public var cell: String { description.replacingOccurrences(of: ",", with: ";") }
}

public enum LabellingError: Error, Equatable, CustomStringConvertible {
    case badBarriers(String)

    public var description: String {
        switch self {
        case .badBarriers(let m): "bad --barriers: \(m)"
        }
    }
}
