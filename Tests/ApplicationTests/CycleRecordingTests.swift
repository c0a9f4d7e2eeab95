import Application
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// A cycle records every step: its stages in order, every stage-1 candidate and every stage-1
/// rejection, signals only for finalists, and exactly one risk decision per signal.
@Suite struct CycleRecordingTests {
    @Test func aCycleRecordsEveryStep() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let (started, summary) = try await h.runCycle()
        #expect(summary.signals > 0, "the chosen day and time must produce signals")
        let stream = StreamName.cycle(started.cycleID)
        let events = try await h.events(in: stream)

        // Order of the record: started, the scan, the stages in order, completed last.
        guard case .cycle(.started) = events.first else { Issue.record("first event is not cycle.started"); return }
        guard case .cycle(.completed(let completed)) = events.last else { Issue.record("last event is not cycle.completed"); return }
        let stages = events.compactMap { e -> CycleStage? in if case .cycle(.stageCompleted(let s)) = e { s.stage } else { nil } }
        #expect(stages == [.scan, .funnel, .rank, .risk, .orders])

        // Every symbol of the universe is accounted for exactly once: a candidate or a stage-1 rejection.
        var candidates: [Symbol] = []
        var rejected: [Symbol] = []
        var finalists: [Symbol] = []
        var signals: [(SignalID, Symbol)] = []
        for e in events {
            switch e {
            case .cycle(.candidateEvaluated(let c)): candidates.append(c.evaluation.features.symbol)
            case .cycle(.universeFiltered(let u)): rejected += u.rejections.map(\.symbol)
            case .cycle(.scanCompleted(let s)):
                finalists = s.finalists
                #expect(s.universeSize == SimHarness.symbols)
                #expect(s.candidatesRecorded == candidates.count)
            case .cycle(.signalGenerated(let s)): signals.append((s.signalID, s.proposal.symbol))
            default: break
            }
        }
        let universe = try await h.market.universe().map(\.symbol)
        #expect(candidates.count + rejected.count == universe.count)
        #expect(Set(candidates + rejected) == Set(universe))
        #expect(candidates.count == summary.candidates)
        #expect(completed.summary?.candidates == candidates.count)

        // Signals: finalists only, at most the cycle's limit.
        #expect(!signals.isEmpty)
        for (_, symbol) in signals { #expect(finalists.contains(symbol), "\(symbol) is not a finalist") }
        #expect(signals.count == min(finalists.count, 5))

        // One risk decision per signal, on the account's risk day stream.
        var decisions: [ApprovalID: Int] = [:]
        for e in try await h.events(in: .risk(account: h.account, date: SimHarness.date)) {
            if case .risk(.approved(let a)) = e, a.cycleID == started.cycleID { decisions[a.approvalID, default: 0] += 1 }
            if case .risk(.denied(let d)) = e, d.cycleID == started.cycleID { decisions[d.approvalID, default: 0] += 1 }
        }
        #expect(decisions.count == signals.count && decisions.values.allSatisfy { $0 == 1 })
        for (id, _) in signals { #expect(decisions[ApprovalID(rawValue: id.rawValue)] == 1, "no decision for \(id)") }
        #expect(summary.approvals + summary.denials == signals.count)
    }

    /// Running the same cycle again (a crashed worker's retry) records nothing new.
    /// Whatever process runs a cycle (a `serve`, a session), its candidates that reached the observed stage
    /// are watched from then on: the next minutes record their prices, which the ML labels of untraded
    /// candidates are made of. (Before, only the simulated session registered them, so `serve` recorded none.)
    @Test func aCycleRegistersItsCandidatesForObservation() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let (started, _) = try await h.runCycle()
        var expected: Set<Symbol> = []
        for e in try await h.events(in: .cycle(started.cycleID)) {
            if case .cycle(.candidateEvaluated(let c)) = e, c.evaluation.stageReached >= h.system.configuration.observedStage {
                expected.insert(c.evaluation.features.symbol)
            }
        }
        var all: Set<Symbol> = []
        for e in try await h.events(in: .cycle(started.cycleID)) {
            if case .cycle(.candidateEvaluated(let c)) = e { all.insert(c.evaluation.features.symbol) }
        }
        #expect(!expected.isEmpty && all.count > expected.count)
        let decided = h.now
        try await h.runMinutes(to: decided.addingTimeInterval(6 * 60))
        let observations = try await h.events(in: .observations(started.cycleID)).compactMap { e -> Observation.CandidatePrices? in
            if case .observation(.candidatePrices(let o)) = e { o } else { nil }
        }
        #expect(observations.count == 6)
        // Every minute the candidates that got far enough; at decision + 5 minutes every candidate, once.
        for o in observations {
            let symbols = Set(o.prices.map(\.symbol))
            #expect(symbols == (o.observedAt == decided.addingTimeInterval(300) ? all : expected), "at \(o.observedAt)")
        }
    }

    /// A restarted process watches the day's earlier cycles as the stopped one did: the start-up run
    /// registers them again from the log, so their label prices do not end at the restart. A horizon that
    /// passed while nothing ran is not priced late.
    @Test func aRestartedProcessWatchesTheDaysEarlierCyclesAgain() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let (started, _) = try await h.runCycle()
        let decided = h.now
        let restarted = TradingSystem(
            log: EventLog(store: h.store, ids: SeededIDGenerator(seed: 99)), broker: h.broker, market: h.market, clock: h.clock,
            configuration: h.system.configuration, riskParameters: FixedRiskParameters())
        #expect(restarted.observations.due(on: SimHarness.date, at: decided.addingTimeInterval(60)).isEmpty)
        let report = try await Reconciler(system: restarted).run(.startup, context: restarted.context(.system))
        #expect(report.restoredObservations == [started.cycleID])
        var everyMinute: Set<Symbol> = []
        for minute in 1...7 {
            let t = decided.addingTimeInterval(Double(minute) * 60)
            let before = h.system.observations.due(on: SimHarness.date, at: t)
            if minute == 1 { everyMinute = Set(before.first?.1 ?? []) }
            let after = restarted.observations.due(on: SimHarness.date, at: t)
            #expect(after.map(\.0) == before.map(\.0) && after.map { Set($0.1) } == before.map { Set($0.1) }, "minute \(minute)")
            #expect(after.first?.1.isEmpty == false)
        }

        // Restarted 20 minutes after the decision: the +5 and +15 minute horizons are gone, +60 still comes.
        let late = TradingSystem(
            log: EventLog(store: h.store, ids: SeededIDGenerator(seed: 98)), broker: h.broker, market: h.market, clock: h.clock,
            configuration: h.system.configuration, riskParameters: FixedRiskParameters())
        h.move(to: decided.addingTimeInterval(20 * 60))
        _ = try await ObservationRestore(system: late).restore(at: h.now)
        #expect(!everyMinute.isEmpty)
        #expect(Set(late.observations.due(on: SimHarness.date, at: h.now).first?.1 ?? []) == everyMinute)
        let atHour = Set(late.observations.due(on: SimHarness.date, at: decided.addingTimeInterval(3600)).first?.1 ?? [])
        #expect(atHour.count > everyMinute.count && atHour.isSuperset(of: everyMinute))
    }

    @Test func rerunningACompletedCycleRecordsNothing() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let (started, _) = try await h.runCycle()
        let before = try await h.events().count
        let again = try await CycleExecution(system: h.system).run(started.cycleID, context: h.context())
        #expect(again.signals == 0 && again.orders == 0)
        #expect(try await h.events().count == before)
    }

    /// A stopped cycle places nothing more.
    @Test func aStoppedCycleDoesNotRun() async throws {
        let h = try await SimHarness.make(hour: SimHarness.busy.hour, minute: SimHarness.busy.minute)
        let service = CycleService(system: h.system)
        let started = try await service.start(StartCycleRequest(mode: "normal"), context: h.context())
        _ = try await service.stop(started.cycleID, reason: "operator", context: h.context(SimHarness.operatorActor))
        let summary = try await CycleExecution(system: h.system).run(started.cycleID, context: h.context())
        #expect(summary.orders == 0)
        let events = try await h.events()
        #expect(events.count("order.requested") == 0 && events.count("scan.completed") == 0)
    }
}
