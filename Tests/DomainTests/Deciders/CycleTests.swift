import Foundation
import Testing

@testable import Domain

@Suite struct CycleTests {
    static let id = CycleID.forIdempotencyKey("2026-03-09/market-open")

    static func start(key: String = "2026-03-09/market-open", now: Date = T.t0, clock: MarketClock? = nil, halt: TradingHalt? = nil) -> Cycle.Command {
        .start(
            Cycle.Start(
                cycleID: id, idempotencyKey: key, mode: .normal, sessionMode: .autonomous, requestedBy: Actor(.cron, name: "market-open"),
                configHash: "cfg", now: now, calendar: clock ?? T.clock(now), halt: halt))
    }

    static var started: Cycle.Event {
        .started(
            Cycle.Started(
                cycleID: id, idempotencyKey: "2026-03-09/market-open", mode: .normal, sessionMode: .autonomous,
                requestedBy: Actor(.cron, name: "market-open"), tradingDate: T.day, startedAt: T.t0, configHash: "cfg", funnel: .original))
    }

    static func report(universe: Int = 3) -> Cycle.ScanReport {
        let winner = CandidateEvaluation(features: T.features("AAPL"), stageReached: .final, finalRank: 1)
        let loser = CandidateEvaluation(
            features: T.features("MSFT"), stageReached: .catalyst, rejection: FunnelRejection(stage: .technical, reason: "rsi_out_of_band", detail: "81"))
        let rejections = (0..<(universe - 2)).map { UniverseRejection(symbol: Symbol("X\($0)")!, reason: "price_out_of_range") }
        return Cycle.ScanReport(
            completedAt: T.at(10, 1), universeSize: universe, candidates: [winner, loser], universeRejections: rejections,
            stageCounts: [StageCount(stage: .universe, passed: 2)], scoringVersion: "s-1", dataAsOf: T.t0)
    }

    @Test func startInsideTheSessionRecordsTheCycle() {
        expectDecision(Cycle.self, when: Self.start(), then: [Self.started])
    }

    @Test func aRetriedStartWithTheSameKeyStartsNothing() {
        expectDecision(Cycle.self, given: [Self.started], when: Self.start(), then: [])
    }

    @Test func aDifferentKeyOnAStartedCycleIsRefused() {
        expectRejection(Cycle.self, given: [Self.started], when: Self.start(key: "other"), then: .startedWithDifferentKey(existing: "2026-03-09/market-open"))
    }

    @Test func startOutsideTheSessionIsRefused() {
        let early = T.at(8, 0)
        expectRejection(Cycle.self, when: Self.start(now: early), then: .outsideTradingSession(nextOpen: T.day.adding(days: 1).at(hour: 9, minute: 30)))
        let closedDay = MarketClock(timestamp: early, isOpen: false, nextOpen: T.open, nextClose: T.at(16, 0), session: nil)
        expectRejection(Cycle.self, when: Self.start(now: early, clock: closedDay), then: .outsideTradingSession(nextOpen: T.open))
    }

    @Test func startAfterAnEarlyCloseIsRefused() {
        let late = T.at(13, 30)
        let clock = MarketClock(timestamp: late, isOpen: false, nextOpen: T.day.adding(days: 1).at(hour: 9, minute: 30), nextClose: T.at(13, 0), session: .earlyClose(T.day))
        expectRejection(Cycle.self, when: Self.start(now: late, clock: clock), then: .outsideTradingSession(nextOpen: clock.nextOpen))
    }

    @Test func startWithoutACalendarAnswerIsRefused() {
        let command = Cycle.Command.start(
            Cycle.Start(cycleID: Self.id, idempotencyKey: "k", mode: .normal, sessionMode: .autonomous, requestedBy: .cron, configHash: "c", now: T.t0, calendar: nil, halt: nil))
        expectRejection(Cycle.self, when: command, then: .calendarUnavailable)
    }

    @Test func startWhileHaltedIsRefused() {
        let halt = TradingHalt(reason: .emergencyStop, by: Actor.principal("craig", kind: .human, name: "craig"), at: T.open, detail: "")
        expectRejection(Cycle.self, when: Self.start(halt: halt), then: .tradingHalted(.emergencyStop))
    }

    @Test(arguments: [
        ("max_positions", Cycle.Start(cycleID: "c", idempotencyKey: "k", mode: .normal, sessionMode: .autonomous, requestedBy: .cron, configHash: "c", maxPositions: -1, now: T.t0, calendar: T.clock(T.t0), halt: nil)),
        ("risk_per_trade", Cycle.Start(cycleID: "c", idempotencyKey: "k", mode: .normal, sessionMode: .autonomous, requestedBy: .cron, configHash: "c", riskPerTrade: DecimalValue("0.2"), now: T.t0, calendar: T.clock(T.t0), halt: nil)),
        ("funnel", Cycle.Start(cycleID: "c", idempotencyKey: "k", mode: .normal, sessionMode: .autonomous, requestedBy: .cron, configHash: "c", funnel: FunnelSizes(universe: 10, catalyst: 20, technical: 5, pattern: 3, final: 1), now: T.t0, calendar: T.clock(T.t0), halt: nil)),
    ])
    func badRequestFieldsAreNamed(field: String, start: Cycle.Start) throws {
        do {
            _ = try Cycle.decide(.start(start), Cycle.initial)
            Issue.record("expected a refusal")
        } catch {
            guard case .invalidField(let name, _) = error else { Issue.record("got \(error)"); return }
            #expect(name == field)
        }
    }

    @Test func stagesAdvanceInOrderAndRetriesAreNoOps() {
        let scan = Cycle.Event.stageCompleted(Cycle.StageCompleted(cycleID: Self.id, stage: .scan, completedAt: T.at(10, 1), itemCount: 2))
        expectDecision(Cycle.self, given: [Self.started], when: .completeStage(.scan, at: T.at(10, 1), itemCount: 2), then: [scan])
        expectDecision(Cycle.self, given: [Self.started, scan], when: .completeStage(.scan, at: T.at(10, 2), itemCount: 2), then: [])
        let risk = Cycle.Event.stageCompleted(Cycle.StageCompleted(cycleID: Self.id, stage: .risk, completedAt: T.at(10, 2)))
        expectRejection(Cycle.self, given: [Self.started, scan, risk], when: .completeStage(.funnel, at: T.at(10, 3), itemCount: nil), then: .stageOutOfOrder(last: .risk, requested: .funnel))
    }

    @Test func commandsBeforeStartAreRefused() {
        expectRejection(Cycle.self, when: .completeStage(.scan, at: T.t0, itemCount: nil), then: .notStarted)
        expectRejection(Cycle.self, when: .complete(at: T.t0, summary: nil), then: .notStarted)
    }

    @Test func aScanBecomesOneEventPerCandidateChunkedRejectionsAndASummary() {
        let state = Cycle.fold([Self.started])
        let events = decided(Cycle.self, .recordScan(Self.report(universe: 1203)), state)
        #expect(events.count == 2 + 3 + 1)
        guard case .candidateEvaluated(let first) = events[0], case .universeFiltered(let chunk) = events[2], case .scanCompleted(let summary) = events.last! else {
            Issue.record("unexpected shape \(events)")
            return
        }
        #expect(first.index == 0)
        #expect(chunk.rejections.count == Cycle.universeRejectionChunkSize)
        #expect(summary.finalists == [T.sym("AAPL")])
        #expect(summary.universeRejectionsRecorded == 1201)
        let after = Cycle.fold(events, from: state)
        #expect(after.candidateCount == 2 && after.universeRejectionCount == 1201 && after.scanRecorded)
        // Retried: nothing new.
        #expect(decided(Cycle.self, .recordScan(Self.report(universe: 1203)), after).isEmpty)
    }

    @Test func anIncompleteScanIsRefused() {
        var report = Self.report()
        report.universeSize = 10
        expectRejection(Cycle.self, given: [Self.started], when: .recordScan(report), then: .inconsistentScan("candidates + stage-1 rejections != universe size"))
    }

    @Test func signalsAreRecordedOncePerIDAndOnlyForFinalists() {
        let state = Cycle.fold([Self.started] + decided(Cycle.self, .recordScan(Self.report()), Cycle.fold([Self.started])))
        let signal = Cycle.SignalInput(signalID: "sig-1", rank: 1, proposal: T.proposal())
        let events = decided(Cycle.self, .recordSignals([signal], at: T.at(10, 2)), state)
        #expect(events == [.signalGenerated(Cycle.SignalGenerated(signalID: "sig-1", cycleID: Self.id, rank: 1, proposal: T.proposal(), generatedAt: T.at(10, 2)))])
        let after = Cycle.fold(events, from: state)
        #expect(decided(Cycle.self, .recordSignals([signal], at: T.at(10, 3)), after).isEmpty)
        do {
            _ = try Cycle.decide(.recordSignals([Cycle.SignalInput(signalID: "sig-2", rank: 2, proposal: T.proposal("MSFT"))], at: T.at(10, 3)), after)
            Issue.record("expected a refusal")
        } catch {
            #expect(error == .signalNotAFinalist(T.sym("MSFT")))
        }
        expectRejection(Cycle.self, given: [Self.started], when: .recordSignals([signal], at: T.t0), then: .scanNotRecorded)
    }

    @Test func stopCompleteAndFailAreTerminalAndIdempotent() {
        let stopped = Cycle.Event.stopped(Cycle.Stopped(cycleID: Self.id, stoppedAt: T.at(11, 0), reason: "halt", by: Actor.principal("craig", kind: .human, name: "craig")))
        expectDecision(Cycle.self, given: [Self.started], when: .stop(reason: "halt", by: Actor.principal("craig", kind: .human, name: "craig"), at: T.at(11, 0)), then: [stopped])
        expectDecision(Cycle.self, given: [Self.started, stopped], when: .stop(reason: "again", by: .system, at: T.at(11, 1)), then: [])
        expectRejection(Cycle.self, given: [Self.started, stopped], when: .complete(at: T.at(12, 0), summary: nil), then: .finished(.stopped))

        let completed = Cycle.Event.completed(Cycle.Completed(cycleID: Self.id, completedAt: T.at(15, 0)))
        expectDecision(Cycle.self, given: [Self.started], when: .complete(at: T.at(15, 0), summary: nil), then: [completed])
        expectDecision(Cycle.self, given: [Self.started, completed], when: .complete(at: T.at(15, 1), summary: nil), then: [])
        expectRejection(Cycle.self, given: [Self.started, completed], when: .fail(stage: nil, errorCode: "x", message: "", at: T.at(15, 2)), then: .finished(.completed))

        let failed = Cycle.Event.failed(Cycle.Failed(cycleID: Self.id, failedAt: T.at(10, 5), stage: .scan, errorCode: "data", message: "503"))
        expectDecision(Cycle.self, given: [Self.started], when: .fail(stage: .scan, errorCode: "data", message: "503", at: T.at(10, 5)), then: [failed])
        expectDecision(Cycle.self, given: [Self.started, failed], when: .fail(stage: .scan, errorCode: "data", message: "503", at: T.at(10, 6)), then: [])
    }

    @Test func cycleIDsAreDerivedFromTheKey() {
        #expect(CycleID.forIdempotencyKey("a") == CycleID.forIdempotencyKey("a"))
        #expect(CycleID.forIdempotencyKey("a") != CycleID.forIdempotencyKey("b"))
        #expect(Cycle.stream(Self.id).rawValue.hasPrefix("cycle-cyc-"))
    }
}
