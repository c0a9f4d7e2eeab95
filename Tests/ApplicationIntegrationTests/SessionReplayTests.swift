import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Logging
import MarketData
import Testing

@testable import ApplicationTestKit

/// `catalyst session replay`: a day traded with capture on is decided again on what it captured. The
/// day here is the simulated market traded through the session's own code with capture on, exactly as
/// a live day is (the live `serve` test is `LiveCaptureReplayTests`).
@Suite struct SessionReplayTests {
    static let date = NYDate("2025-03-14")!

    static func replay(_ store: any EventStore, _ capture: any MarketCaptureStore) async throws -> SessionReplayReport {
        var logger = Logger(label: "session-replay-test")
        logger.logLevel = .critical
        let config = try TradingAssembly.config(ProjectFiles(root: TestCluster.repositoryRoot), logger: logger)
        let configuration = TradingConfiguration(account: AccountID(rawValue: "replay"), funnel: config.funnel, configHash: config.configHash)
        return try await SessionReplay(store: store, capture: capture, configuration: configuration).run(date: date)
    }

    @Test func aCapturedDayReplaysWithZeroDifferencesAndAnAlteredQuoteNamesTheDecisionItChanged() async throws {
        let store = InMemoryEventStore()
        let capture = InMemoryMarketCaptureStore()
        let day = try await SimulatedDayRun.run(world: try SimulatedWorld(date: Self.date, seed: 13, symbolCount: 500), store: store, capture: capture)
        #expect(day.signals > 0 && day.approvals > 0, "the day made decisions to replay: \(day.signals) signals, \(day.approvals) approvals")

        let report = try await Self.replay(store, capture)
        #expect(report.cycles.count == day.cycles && report.cycles.allSatisfy(\.captured), "\(report.text)")
        #expect(report.differences == 0 && report.parity, "\(report.text)")
        let decisions = report.cycles.reduce(0) { $0 + $1.decisions.recorded }
        #expect(decisions == day.approvals + day.denials && report.cycles.allSatisfy { $0.decisions.recorded == $0.decisions.replayed }, "\(report.text)")
        #expect(report.cycles.reduce(0) { $0 + $1.candidates.replayed } == day.candidates, "\(report.text)")
        #expect(report.fills.count == day.approvals && report.fills.contains { $0.averagePrice != nil }, "\(report.text)")

        // After the day, one captured quote is changed: the approved entry's ask is moved to its stop, so the
        // entry would fill at its own stop. The replay says the capture was altered and names that decision.
        let approved = try #require(try await Self.firstApproval(store))
        let hash = try #require(approved.inputs?.marketDataHash)
        var recording = try capture.load(hash, day: Self.date).recording
        let symbol = approved.intent.symbol
        var quote = try #require(recording.snapshots[symbol])
        quote.ask = approved.intent.stopLoss ?? quote.lastPrice
        recording.snapshots[symbol] = quote
        let parts = try MarketRecording.partHashes(head: try #require(capture.bytes(hash)))
        let altered = try recording.encoded().parts.first { p in !parts.values.contains(p.hash) }
        capture.replace(try #require(parts["snapshots"]), with: try #require(altered).bytes)

        let after = try await Self.replay(store, capture)
        #expect(!after.parity)
        let lines = after.cycles.flatMap(\.differences)
        #expect(lines.contains { $0.hasPrefix("risk decision \(approved.approvalID) \(symbol)") }, "\(lines)")
        #expect(lines.count == 1, "only that decision changed: \(lines)")
        #expect(after.cycles.flatMap(\.problems).contains { $0.contains("altered") }, "\(after.text)")
    }

    @Test func aDayTradedWithoutCaptureSaysSoAndProvesNothing() async throws {
        let store = InMemoryEventStore()
        _ = try await SimulatedDayRun.run(world: try SimulatedWorld(date: Self.date, seed: 5, symbolCount: 60), store: store)
        let report = try await Self.replay(store, InMemoryMarketCaptureStore())
        #expect(!report.cycles.isEmpty && report.cycles.allSatisfy { !$0.captured }, "\(report.text)")
        #expect(!report.parity && report.text.contains("not captured"), "\(report.text)")
    }

    static func firstApproval(_ store: InMemoryEventStore) async throws -> Risk.Approved? {
        let codec = EventCodec()
        for r in try await store.readAllToEnd() where r.eventType == Risk.Approved.eventType {
            if case .risk(.approved(let a)) = try codec.decode(eventType: r.eventType, schemaVersion: r.schemaVersion, payload: r.payload), a.cycleID != nil {
                return a
            }
        }
        return nil
    }
}
