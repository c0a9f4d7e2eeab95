import Domain
import Foundation
import Testing

@testable import Strategy

/// The funnel's invariants: sizes, accounting, determinism, point-in-time and bad data.
struct FunnelTests {
    /// Thresholds opened up so that every stage is limited by its size, not by its filters.
    static var permissive: FunnelConfiguration {
        var c = FunnelConfiguration()
        c.catalyst.newsRequired = false
        c.catalyst.minCatalystStrength = 0
        c.catalyst.minSentiment = -1
        c.technical.rsiMin = 0
        c.technical.rsiMax = 100
        c.technical.minRelativeVolume = 0
        c.technical.requireAboveSMA20 = false
        c.patterns.minConfidence = 0
        c.weights.minComposite = 0
        return c
    }

    @Test func conservativeDefaultsPickTheTextbookSetup() throws {
        let f = FunnelFixture(seed: 1)
        let result = try Funnel().run(universe: f.universe, minuteBars: f.minuteBars, news: f.news, at: f.time)
        let pick = try #require(result.proposals.first)
        #expect(pick.symbol == Symbol("ACME")!)
        #expect(pick.side == .long)
        #expect(pick.pattern == .bullFlag)
        #expect(pick.stop < pick.entry && pick.entry < pick.target)
        #expect(pick.entry.isOnTick && pick.stop.isOnTick && pick.target.isOnTick)
        #expect(pick.features.catalyst == .earnings)
        #expect(pick.features.scores!.composite >= Decimal(string: "0.7")!)
        #expect(pick.features.newsIDs.count == 2)
        // Pattern levels were preferred: the stop is the flag's low, under the entry.
        #expect(pick.stop.value >= Decimal(52) && pick.stop.value < Decimal(53))
        // Everything else lacked a catalyst under the conservative defaults.
        let reasons = result.rejectionCounts[.catalyst] ?? [:]
        #expect((reasons["no_catalyst"] ?? 0) + (reasons["catalyst_too_weak"] ?? 0) > 0)
    }

    @Test func stageSizesAreRespectedAndFilledWhenEnoughPass() throws {
        let f = FunnelFixture(seed: 2)
        let config = Self.permissive
        let result = try Funnel(configuration: config).run(universe: f.universe, minuteBars: f.minuteBars, news: f.news, at: f.time)
        var previous = result.universeSize
        for stage in FunnelStage.allCases {
            let n = result.passedCount(stage)
            #expect(n <= config.stageSizes.size(of: stage), "\(stage) passed \(n)")
            #expect(n <= previous)
            previous = n
        }
        // With open thresholds the first three stages are limited by their sizes alone.
        #expect(result.passedCount(.universe) == 100)
        #expect(result.passedCount(.catalyst) == 35)
        #expect(result.passedCount(.technical) == 20)
        #expect(result.proposals.count == result.passedCount(.final))
        #expect(result.proposals.count <= 5)
    }

    @Test(arguments: [UInt64(3), 4, 5])
    func everyoneIsAccountedForExactlyOnce(seed: UInt64) throws {
        let f = FunnelFixture(seed: seed)
        for config in [FunnelConfiguration(), Self.permissive] {
            let result = try Funnel(configuration: config).run(universe: f.universe, minuteBars: f.minuteBars, news: f.news, at: f.time)
            let all = result.universeRejections.map(\.symbol) + result.candidates.map(\.features.symbol)
            #expect(all.count == f.universe.count)
            #expect(Set(all) == Set(f.universe.map(\.security.symbol)))
            #expect(result.universeRejections.allSatisfy { RejectionReason(rawValue: $0.reason) != nil })
            for c in result.candidates {
                // Exactly one of: a final rank, or a rejection at the stage after the last one passed.
                #expect((c.finalRank == nil) != (c.rejection == nil))
                if let r = c.rejection {
                    #expect(r.stage.order == c.stageReached.order + 1, "\(c.features.symbol) reached \(c.stageReached), rejected at \(r.stage)")
                    #expect(RejectionReason(rawValue: r.reason) != nil, "unknown reason \(r.reason)")
                } else {
                    #expect(c.stageReached == .final)
                }
            }
            let ranked = result.candidates.compactMap(\.finalRank).sorted()
            #expect(ranked == Array(1...max(ranked.count, 1)).prefix(ranked.count).map { $0 })
            #expect(result.proposals.map(\.symbol) == result.candidates.filter { $0.finalRank != nil }
                .sorted { $0.finalRank! < $1.finalRank! }.map(\.features.symbol))
        }
    }

    @Test func wholeFunnelIsDeterministicFromASeedAndIndependentOfInputOrder() throws {
        let funnel = try Funnel(configuration: Self.permissive)
        let a = FunnelFixture(seed: 42)
        let b = FunnelFixture(seed: 42)
        let ra = funnel.run(universe: a.universe, minuteBars: a.minuteBars, news: a.news, at: a.time)
        let rb = funnel.run(universe: b.universe, minuteBars: b.minuteBars, news: b.news, at: b.time)
        #expect(ra == rb)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(ra.candidates) == encoder.encode(rb.candidates))
        #expect(try encoder.encode(ra.proposals) == encoder.encode(rb.proposals))

        var rng = TestRNG(seed: 7)
        var shuffledUniverse = a.universe
        shuffledUniverse.shuffle(using: &rng)
        var shuffledNews = a.news
        shuffledNews.shuffle(using: &rng)
        let rc = funnel.run(universe: shuffledUniverse, minuteBars: a.minuteBars, news: shuffledNews, at: a.time)
        #expect(rc.candidates == ra.candidates)
        #expect(rc.proposals == ra.proposals)
        #expect(Set(rc.universeRejections) == Set(ra.universeRejections))

        let other = FunnelFixture(seed: 43)
        #expect(funnel.run(universe: other.universe, minuteBars: other.minuteBars, news: other.news, at: other.time) != ra)
    }

    @Test func staleAndMissingDataAreRecordedNotCrashedOnOrZeroed() throws {
        var f = FunnelFixture(seed: 8)
        let symbols = f.universe.map(\.security.symbol)
        f.modify(symbols[0]) { $0.snapshot = nil }
        // The last minute bar is from 10:10: 38 minutes old at 10:48.
        let old = f.minuteBars[symbols[1]]![40]
        f.modify(symbols[1]) { $0.snapshot!.minuteBar = old }
        f.modify(symbols[2]) { $0.dailyBars = Array($0.dailyBars.suffix(2)) }
        f.modify(symbols[3]) { $0.snapshot!.dailyBar = nil }
        f.modify(symbols[4]) { e in
            // Yesterday's daily bar where today's should be.
            e.snapshot!.dailyBar = e.dailyBars.last!
        }
        f.modify(symbols[5]) { e in e.snapshot!.asOf = FunnelFixture.asOf.addingTimeInterval(60) }
        let result = try Funnel(configuration: Self.permissive).run(universe: f.universe, minuteBars: f.minuteBars, news: f.news, at: f.time)
        let reason = Dictionary(uniqueKeysWithValues: result.universeRejections.map { ($0.symbol, $0.reason) })
        #expect(reason[symbols[0]] == "missing_data")
        #expect(reason[symbols[1]] == "stale_data")
        #expect(reason[symbols[2]] == "missing_data")
        #expect(reason[symbols[3]] == "missing_data")
        #expect(reason[symbols[4]] == "stale_data")
        #expect(reason[symbols[5]] == "missing_data")
    }

    @Test func candidateWithoutMinuteBarsIsDroppedWithAReason() throws {
        var f = FunnelFixture(seed: 9)
        let funnel = try Funnel(configuration: Self.permissive)
        let screen = funnel.screen(f.universe, at: f.time)
        let victim = screen.candidates[0].security.symbol
        f.minuteBars[victim] = nil
        let result = funnel.evaluate(screen, minuteBars: f.minuteBars, news: f.news)
        let c = try #require(result.candidates.first { $0.features.symbol == victim })
        // It may be cut at the catalyst stage first; if it reaches the technical stage, missing data drops it.
        if c.stageReached >= .catalyst {
            #expect(c.rejection?.reason == "missing_data")
            #expect(c.rejection?.stage == .technical)
        }
        #expect(c.features.indicators == IndicatorValues(), "no indicator may be made up")
    }

    @Test func plantedFutureBarIsExcluded() throws {
        let f = FunnelFixture(seed: 1)
        var planted = f.minuteBars
        let acme = Symbol("ACME")!
        let t = FunnelFixture.asOf
        // A bar that starts before the decision but only becomes available after it, at an absurd price.
        planted[acme]!.append(FunnelFixture.bar(t.addingTimeInterval(-30), 53, 99, 53, 99, 9_000_000, available: t.addingTimeInterval(31)))
        let funnel = try Funnel()
        let clean = funnel.run(universe: f.universe, minuteBars: f.minuteBars, news: f.news, at: f.time)
        let dirty = funnel.run(universe: f.universe, minuteBars: planted, news: f.news, at: f.time)
        #expect(clean == dirty)
        #expect(dirty.proposals.first?.features.indicators.sma20 == clean.proposals.first?.features.indicators.sma20)
    }

    @Test func invalidConfigurationIsRefusedWithEveryProblem() {
        var c = FunnelConfiguration()
        c.stageSizes.catalyst = 200
        c.technical.rsiMin = 80
        c.weights.catalyst = -1
        #expect(throws: FunnelConfiguration.Invalid.self) { try Funnel(configuration: c) }
        #expect(c.problems().count == 3)
    }
}
