import Foundation

extension Cycle: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .start(let start):
            return try decideStart(start, state)
        case .recordScan(let report):
            let cycleID = try running(state)
            if state.scanRecorded { return [] }
            return try scanEvents(report, cycleID: cycleID)
        case .recordSignals(let inputs, let at):
            let cycleID = try running(state)
            guard state.scanRecorded else { throw .scanNotRecorded }
            var events: [Event] = []
            for input in inputs where !state.signalIDs.contains(input.signalID) {
                guard state.finalists.contains(input.proposal.symbol) else { throw .signalNotAFinalist(input.proposal.symbol) }
                events.append(
                    .signalGenerated(
                        SignalGenerated(signalID: input.signalID, cycleID: cycleID, rank: input.rank, proposal: input.proposal, generatedAt: at)
                    ))
            }
            return events
        case .completeStage(let stage, let at, let itemCount):
            let cycleID = try running(state)
            if state.completedStages.contains(stage) { return [] }
            if let last = state.lastStage, stage < last { throw .stageOutOfOrder(last: last, requested: stage) }
            return [.stageCompleted(StageCompleted(cycleID: cycleID, stage: stage, completedAt: at, itemCount: itemCount))]
        case .complete(let at, let summary):
            if state.status == .completed { return [] }
            let cycleID = try running(state)
            return [.completed(Completed(cycleID: cycleID, completedAt: at, summary: summary))]
        case .stop(let reason, let by, let at):
            if state.status == .stopped { return [] }
            let cycleID = try running(state)
            return [.stopped(Stopped(cycleID: cycleID, stoppedAt: at, reason: reason, by: by))]
        case .fail(let stage, let code, let message, let at):
            if state.status == .failed { return [] }
            let cycleID = try running(state)
            return [.failed(Failed(cycleID: cycleID, failedAt: at, stage: stage, errorCode: code, message: message))]
        }
    }

    private static func running(_ state: State) throws(Rejection) -> CycleID {
        guard let status = state.status, let id = state.cycleID else { throw .notStarted }
        guard status == .running else { throw .finished(status) }
        return id
    }

    private static func decideStart(_ start: Start, _ state: State) throws(Rejection) -> [Event] {
        if let key = state.idempotencyKey {
            // The same key maps to the same stream: a retried cron call is a no-op.
            if key == start.idempotencyKey { return [] }
            throw .startedWithDifferentKey(existing: key)
        }
        if start.idempotencyKey.isEmpty { throw .invalidField(field: "idempotency_key", reason: "empty") }
        if let max = start.maxPositions, max < 0 { throw .invalidField(field: "max_positions", reason: "negative") }
        if let risk = start.riskPerTrade, risk.value <= 0 || risk.value > Decimal(string: "0.1")! {
            throw .invalidField(field: "risk_per_trade", reason: "must be in (0, 0.1]")
        }
        if let minutes = start.scanFrequencyMinutes, minutes <= 0 {
            throw .invalidField(field: "scan_frequency", reason: "must be positive")
        }
        if !start.funnel.isNarrowing { throw .invalidField(field: "funnel", reason: "sizes must be positive and narrowing") }
        guard let clock = start.calendar else { throw .calendarUnavailable }
        let inSession = clock.session.map { $0.contains(start.now) } ?? clock.isOpen
        guard inSession else { throw .outsideTradingSession(nextOpen: clock.nextOpen) }
        if let halt = start.halt { throw .tradingHalted(halt.reason) }
        return [
            .started(
                Started(
                    cycleID: start.cycleID, idempotencyKey: start.idempotencyKey, mode: start.mode, sessionMode: start.sessionMode,
                    requestedBy: start.requestedBy, tradingDate: NYDate(start.now), startedAt: start.now, configHash: start.configHash,
                    funnel: start.funnel, maxPositions: start.maxPositions, riskPerTrade: start.riskPerTrade,
                    scanFrequencyMinutes: start.scanFrequencyMinutes
                ))
        ]
    }

    private static func scanEvents(_ report: ScanReport, cycleID: CycleID) throws(Rejection) -> [Event] {
        let symbols = report.candidates.map(\.features.symbol)
        guard Set(symbols).count == symbols.count else { throw .inconsistentScan("duplicate candidate symbols") }
        guard report.candidates.count + report.universeRejections.count == report.universeSize else {
            throw .inconsistentScan("candidates + stage-1 rejections != universe size")
        }
        let ranks = report.candidates.compactMap(\.finalRank)
        guard Set(ranks).count == ranks.count else { throw .inconsistentScan("duplicate final ranks") }
        for c in report.candidates where (c.finalRank == nil) == (c.rejection == nil) {
            throw .inconsistentScan("\(c.features.symbol): a candidate has either a final rank or a rejection")
        }

        var events: [Event] = []
        events.reserveCapacity(report.candidates.count + report.universeRejections.count / Cycle.universeRejectionChunkSize + 2)
        for (index, candidate) in report.candidates.enumerated() {
            events.append(.candidateEvaluated(CandidateEvaluated(cycleID: cycleID, index: index, evaluation: candidate)))
        }
        var chunk = 0
        var start = 0
        while start < report.universeRejections.count {
            let end = min(start + Cycle.universeRejectionChunkSize, report.universeRejections.count)
            events.append(
                .universeFiltered(UniverseFiltered(cycleID: cycleID, at: report.completedAt, chunk: chunk, rejections: Array(report.universeRejections[start..<end]))))
            chunk += 1
            start = end
        }
        events.append(
            .scanCompleted(
                ScanCompleted(
                    cycleID: cycleID, completedAt: report.completedAt, universeSize: report.universeSize, stageCounts: report.stageCounts,
                    candidatesRecorded: report.candidates.count, universeRejectionsRecorded: report.universeRejections.count,
                    finalists: report.finalists, scoringVersion: report.scoringVersion, dataAsOf: report.dataAsOf,
                    dataHash: report.dataHash
                )))
        return events
    }
}
