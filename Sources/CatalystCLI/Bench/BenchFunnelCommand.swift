import CatalystApp
import ArgumentParser
import Domain
import Foundation
import MarketData
import Strategy

/// `catalyst bench funnel`: one full scan of the simulated 4,000-symbol market, timed by phase.
struct BenchFunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "Time the scanner funnel over the simulated market (data gathering and compute separately)."
    )

    @Option(help: "Simulated market seed.") var seed: UInt64 = 42
    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 4000
    @Option(help: "Trading date (New York).") var date: String = "2025-03-14"
    @Option(help: "Decision time, HH:MM New York.") var time: String = "15:30"
    @Option(help: "Scanner configuration file.") var config: String = "config/trading_config.yaml"
    @Option(help: "Override stage 1's size (e.g. 4000 to analyse every symbol that passes the filters).")
    var universeSize: Int?
    @Option(name: .customLong("repeat"), help: "Repetitions of the compute phases (the minimum and median are reported).") var repetitions: Int = 5

    func run() async throws {
        var configuration = try TradingConfigFile.loadScanner(config)
        if let universeSize { configuration.stageSizes.universe = universeSize }
        let funnel = try Funnel(configuration: configuration)
        guard let day = NYDate(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
        let hm = time.split(separator: ":").compactMap { Int($0) }
        guard hm.count == 2 else { throw ValidationError("--time must be HH:MM") }
        let asOf = day.at(hour: hm[0], minute: hm[1])
        let market = SimulatedMarket(seed: seed, symbolCount: symbols, now: asOf)
        guard let session = market.calendar.session(on: day), session.contains(asOf) else {
            throw ValidationError("\(date) \(time) is not inside a session")
        }
        let scanTime = ScanTime(asOf: asOf, session: session)
        print("bench funnel: \(symbols) symbols, seed \(seed), \(date) \(time) New York, stage sizes \(FunnelStage.allCases.map { String(configuration.stageSizes.size(of: $0)) }.joined(separator: "→"))")

        // Stage 1's data: every symbol's snapshot (a session of minute bars generated per symbol) and daily history.
        let (entries, gather1) = try await BenchSupport.timed { () async throws -> [UniverseEntry] in
            let securities = try await market.universe()
            let all = securities.map(\.symbol)
            let snapshots = try await market.snapshots(for: all, asOf: asOf)
            let daily = try await market.dailyBars(for: all, from: day.adding(days: -40), asOf: asOf)
            return securities.map { UniverseEntry(security: $0, snapshot: snapshots[$0.symbol], dailyBars: daily[$0.symbol] ?? []) }
        }
        var screenTimes: [Double] = []
        var screen = funnel.screen(entries, at: scanTime)
        for _ in 0..<max(1, repetitions) {
            let (s, t) = BenchSupport.timed { funnel.screen(entries, at: scanTime) }
            screen = s
            screenTimes.append(t)
        }
        // Stages 2–5's data: minute bars (yesterday for warm-up, and today) and news, for the candidates.
        let ((bars, news), gather2) = try await BenchSupport.timed { () async throws -> ([Symbol: [Bar]], [NewsItem]) in
            let warmup = market.calendar.previousSession(before: day).open
            let bars = try await market.minuteBars(for: screen.symbols, from: warmup, asOf: asOf)
            let news = try await market.news(for: screen.symbols, since: asOf.addingTimeInterval(-24 * 3600), asOf: asOf)
            return (bars, news)
        }
        var evaluateTimes: [Double] = []
        var result = funnel.evaluate(screen, minuteBars: bars, news: news)
        for _ in 0..<max(1, repetitions) {
            let (r, t) = BenchSupport.timed { funnel.evaluate(screen, minuteBars: bars, news: news) }
            result = r
            evaluateTimes.append(t)
        }
        let barCount = bars.values.reduce(0) { $0 + $1.count }
        let compute = (screenTimes.min() ?? 0) + (evaluateTimes.min() ?? 0)
        print("data (simulated market through the port):")
        print("  stage 1 inputs, \(entries.count) snapshots + daily bars: \(BenchSupport.ms(gather1))")
        print("  stages 2–5 inputs, \(barCount) minute bars + \(news.count) news for \(screen.candidates.count) candidates: \(BenchSupport.ms(gather2))")
        print("compute (pure funnel), min / median of \(max(1, repetitions)):")
        print("  stage 1 screen of \(entries.count): \(BenchSupport.ms(screenTimes.min() ?? 0)) / \(BenchSupport.ms(BenchSupport.median(screenTimes)))")
        print("  stages 2–5 over \(screen.candidates.count): \(BenchSupport.ms(evaluateTimes.min() ?? 0)) / \(BenchSupport.ms(BenchSupport.median(evaluateTimes)))")
        print("  total compute: \(BenchSupport.ms(compute))  (target < 1000 ms)")
        print("end to end (data + compute): \(BenchSupport.ms(gather1 + gather2 + compute))")
        print("funnel: " + FunnelStage.allCases.map { "\($0.rawValue) \(result.passedCount($0))" }.joined(separator: ", "))
        for p in result.proposals {
            print("  #\(p.features.symbol) \(p.pattern?.rawValue ?? "-") composite \(p.compositeScore) entry \(p.entry) stop \(p.stop) target \(p.target) catalyst \(p.features.catalyst?.rawValue ?? "-")")
        }
        if let peak = BenchSupport.peakResidentMB() { print(String(format: "peak RSS (VmHWM): %.1f MB (budget 500 MB)", peak)) }
    }
}
