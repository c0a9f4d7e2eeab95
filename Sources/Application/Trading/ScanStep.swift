import Domain
import Foundation
import MarketData
import Strategy

/// Runs the scanner funnel over the market as it stands at the decision time: snapshots and daily bars
/// for the whole universe (stage 1), then minute bars and news for the survivors (stages 2–5). Every
/// input is read "as of" the decision time, so the recorded features are exactly what was knowable.
struct ScanStep {
    /// The live source, a recorder around it (capture), or a capture (replay).
    let market: any MarketDataSource
    let dailyHistoryDays: Int

    init(system: TradingSystem, market: (any MarketDataSource)? = nil) {
        self.market = market ?? system.market
        dailyHistoryDays = system.configuration.dailyHistoryDays
    }

    init(market: any MarketDataSource, dailyHistoryDays: Int) {
        self.market = market
        self.dailyHistoryDays = dailyHistoryDays
    }

    struct Output {
        var report: Cycle.ScanReport
        var proposals: [TradeProposal]
        var result: ScanResult
    }

    /// `requested` is when the cycle asked for the scan. The decision time is taken once the stage-1 data
    /// is in (`MarketDataSource`): a live source stamps its snapshots with their arrival, which is later
    /// than the request, and a scan decided "as of" the request would find every snapshot from its own
    /// future and reject the whole universe as missing data. A simulated, recorded or captured source's
    /// clock stands still, so there the two times are the same.
    func run(at requested: Date, session: TradingSession, funnel configuration: FunnelConfiguration) async throws -> Output {
        let universe = try await market.universe()
        let symbols = universe.map(\.symbol)
        let historyStart = session.date.adding(days: -dailyHistoryDays * 7 / 5)
        async let snapshots = market.snapshots(for: symbols, asOf: requested)
        async let daily = market.dailyBars(for: symbols, from: historyStart, asOf: requested)
        let (snaps, bars) = try await (snapshots, daily)
        let now = max(requested, await market.now())
        let entries = universe.map { UniverseEntry(security: $0, snapshot: snaps[$0.symbol], dailyBars: bars[$0.symbol] ?? []) }

        let funnel = try Funnel(configuration: configuration)
        let time = ScanTime(asOf: now, session: session)
        let screen = funnel.screen(entries, at: time)
        // Yesterday's session warms the indicators up.
        let warmup = try await market.calendar(from: session.date.adding(days: -7), through: session.date.adding(days: -1)).last?.open ?? session.open
        async let minute = market.minuteBars(for: screen.symbols, from: warmup, asOf: now)
        async let news = market.news(for: screen.symbols, since: now.addingTimeInterval(-24 * 3600), asOf: now)
        let result = funnel.evaluate(screen, minuteBars: try await minute, news: try await news)

        let counts = FunnelStage.allCases.map { StageCount(stage: $0, passed: $0 == .universe ? result.candidates.count : result.passedCount($0)) }
        let report = Cycle.ScanReport(
            completedAt: now, universeSize: result.universeSize, candidates: result.candidates, universeRejections: result.universeRejections,
            stageCounts: counts, scoringVersion: result.scoringVersion, dataAsOf: now)
        return Output(report: report, proposals: result.proposals, result: result)
    }

    /// The funnel of a cycle's mode: `normal` as configured; `aggressive` twice as wide at every stage
    /// (the original's 200 → 100 → 50 → 20 → 10 shape); `conservative` keeps at most 3 final picks.
    static func configuration(for mode: CycleMode, base: FunnelConfiguration) -> FunnelConfiguration {
        var c = base
        switch mode {
        case .normal:
            break
        case .aggressive:
            c.stageSizes.universe *= 2
            c.stageSizes.catalyst *= 2
            c.stageSizes.technical *= 2
            c.stageSizes.pattern *= 2
            c.stageSizes.final *= 2
        case .conservative:
            c.stageSizes.final = min(c.stageSizes.final, 3)
            c.stageSizes.pattern = max(c.stageSizes.pattern, c.stageSizes.final)
        }
        return c
    }

    static func sizes(_ c: FunnelConfiguration) -> FunnelSizes {
        FunnelSizes(
            universe: c.stageSizes.universe, catalyst: c.stageSizes.catalyst, technical: c.stageSizes.technical, pattern: c.stageSizes.pattern,
            final: c.stageSizes.final)
    }
}
