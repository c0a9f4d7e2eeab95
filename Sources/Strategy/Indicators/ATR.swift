/// Average True Range with Wilder smoothing.
///
/// True range TRᵢ = max(Hᵢ − Lᵢ, |Hᵢ − Cᵢ₋₁|, |Lᵢ − Cᵢ₋₁|). The two seedings in use differ in where TR
/// starts, so the seeding is a parameter:
/// - `.taLib` (our default): TR starts at index 1 (it needs the previous close); the first ATR is at
///   index `period`, the simple mean of TR₁…TRₙ;
/// - `.tulip` (Achelis): TR₀ = H₀ − L₀; the first ATR is at index `period − 1`, the mean of TR₀…TRₙ₋₁.
/// After the seed: ATR = (ATR·(n − 1) + TR) / n.
public enum ATR {
    public enum Seed: String, Sendable, Codable, CaseIterable {
        case taLib
        case tulip
    }

    public static func trueRange(high: [Double], low: [Double], close: [Double]) -> [Double] {
        let n = close.count
        var tr = [Double](repeating: .nan, count: n)
        guard n > 0 else { return tr }
        tr[0] = high[0] - low[0]
        var i = 1
        while i < n {
            let pc = close[i - 1]
            tr[i] = max(high[i] - low[i], abs(high[i] - pc), abs(low[i] - pc))
            i += 1
        }
        return tr
    }

    public static func wilder(high: [Double], low: [Double], close: [Double], period: Int = 14, seed: Seed = .taLib) -> [Double] {
        precondition(period >= 1, "period must be positive")
        let n = close.count
        var out = [Double](repeating: .nan, count: n)
        let tr = trueRange(high: high, low: low, close: close)
        let first = seed == .taLib ? 1 : 0
        let firstOutput = first + period - 1
        guard n > firstOutput else { return out }
        var sum = 0.0
        for i in first...firstOutput { sum += tr[i] }
        let p = Double(period)
        var atr = sum / p
        out[firstOutput] = atr
        var i = firstOutput + 1
        while i < n {
            atr = (atr * (p - 1) + tr[i]) / p
            out[i] = atr
            i += 1
        }
        return out
    }
}
