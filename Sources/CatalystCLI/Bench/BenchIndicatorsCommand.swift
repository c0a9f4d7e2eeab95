import ArgumentParser
import Domain
import Foundation
import MarketData
import Strategy

/// `catalyst bench indicators`: all recorded indicators over symbols × bars, in bars per second.
struct BenchIndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Time the indicator table (SMA, EMA, RSI, MACD, ATR, Bollinger, OBV, VWAP) over symbols × minute bars."
    )

    @Option(help: "Symbols.") var symbols: Int = 4000
    @Option(help: "Minute bars per symbol (390 = one session).") var bars: Int = 390
    @Option(help: "Seed of the random walks.") var seed: UInt64 = 42
    @Option(name: .customLong("repeat"), help: "Repetitions (the fastest is reported).") var repetitions: Int = 3

    func run() throws {
        // Random walks built straight into columns: this measures the indicators, not data generation.
        let open = NYDate(year: 2025, month: 3, day: 14)!.at(hour: 9, minute: 30)
        var rng = Xoshiro256(seed: seed)
        let (series, buildTime) = BenchSupport.timed { () -> [BarSeries] in
            (0..<symbols).map { _ in
                var s = BarSeries()
                s.reserveCapacity(bars)
                var p = 10 + 90 * rng.unit()
                for i in 0..<bars {
                    let o = p
                    p *= exp(0.001 * rng.gaussian())
                    let t = open.addingTimeInterval(Double(i) * 60)
                    s.append(start: t, open: o, high: max(o, p) * 1.0005, low: min(o, p) * 0.9995, close: p, volume: Double(1000 + Int(rng.unit() * 5000)))
                }
                return s
            }
        }
        let session = TradingSession.regular(NYDate(year: 2025, month: 3, day: 14)!)
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<max(1, repetitions) {
            let (sum, t) = BenchSupport.timed { () -> Double in
                var sum = 0.0
                for s in series {
                    let table = IndicatorTable(s) { $0 == session.date ? session : nil }
                    sum += table.row(s.count - 1).reduce(0) { $1.isFinite ? $0 + $1 : $0 }
                }
                return sum
            }
            best = min(best, t)
            checksum = sum
        }
        let total = Double(symbols * bars)
        print("bench indicators: \(symbols) symbols × \(bars) bars = \(Int(total)) bars, 12 columns each (series built in \(BenchSupport.ms(buildTime)))")
        print(String(format: "  fastest of %d: %.1f ms  →  %.2f M bars/s, %.1f µs per symbol", max(1, repetitions), best, total / best / 1000, best * 1000 / Double(symbols)))
        print(String(format: "  checksum %.6f", checksum))
        if let peak = BenchSupport.peakResidentMB() { print(String(format: "  peak RSS (VmHWM): %.1f MB", peak)) }
    }
}
