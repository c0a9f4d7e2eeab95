import Foundation
import Testing

@testable import Domain

/// A 4,000-symbol universe must stay appendable as one batch (docs/architecture.md §The event store): many small events, none
/// huge. Also reports encode/decode throughput of the codec (debug build, so only indicative).
@Suite struct ScanBatchTests {
    static func report(candidates: Int, universe: Int) -> Cycle.ScanReport {
        let evaluations = (0..<candidates).map { i in
            CandidateEvaluation(
                features: T.features("C\(i)", price: "\(10 + i % 90).\(i % 100)"), stageReached: i < 5 ? .final : .catalyst, finalRank: i < 5 ? i + 1 : nil,
                rejection: i < 5 ? nil : FunnelRejection(stage: .technical, reason: "rsi_out_of_band", detail: "RSI 81 > 70"))
        }
        let rejections = (0..<(universe - candidates)).map { UniverseRejection(symbol: Symbol("U\($0)")!, reason: "volume_too_low", detail: "312000 < 1000000") }
        return Cycle.ScanReport(
            completedAt: T.at(10, 1), universeSize: universe, candidates: evaluations, universeRejections: rejections,
            stageCounts: [StageCount(stage: .universe, passed: candidates)], scoringVersion: "s-1", dataAsOf: T.t0)
    }

    @Test func aFullUniverseScanIsManySmallEvents() throws {
        // Worst case: every one of 4,000 symbols passes stage 1.
        for (candidates, universe) in [(4000, 4000), (200, 4000)] {
            let events = decided(Cycle.self, .recordScan(Self.report(candidates: candidates, universe: universe)), Cycle.fold([CycleTests.started]))
            let encoded = try events.map { try codec.encode($0) }
            let sizes = encoded.map(\.payload.count)
            let total = sizes.reduce(0, +)
            print("scan \(candidates)/\(universe): \(events.count) events, largest \(sizes.max()!) B, total \(total / 1024) KiB")
            #expect(sizes.max()! < 64 * 1024)
            #expect(events.count == candidates + (universe - candidates + Cycle.universeRejectionChunkSize - 1) / Cycle.universeRejectionChunkSize + 1)
        }
    }

    @Test func codecThroughputIsReported() throws {
        let events = decided(Cycle.self, .recordScan(Self.report(candidates: 2000, universe: 2000)), Cycle.fold([CycleTests.started])).map(\.ledgerEvent)
            + (0..<2000).map { _ in Samples.order[14] }
        let clock = ContinuousClock()
        var encoded: [EncodedEvent] = []
        let encodeTime = try clock.measure { encoded = try events.map { try codec.encode($0) } }
        var decoded: [LedgerEvent] = []
        let decodeTime = try clock.measure { decoded = try encoded.map { try codec.decode($0) } }
        #expect(decoded == events)
        let perSecond = { (d: Duration) in Int(Double(events.count) / (Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds))) }
        print("codec (debug build): \(events.count) events, encode \(perSecond(encodeTime))/s, decode \(perSecond(decodeTime))/s")
    }
}
