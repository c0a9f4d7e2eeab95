import Domain
import Foundation

/// One trading cycle as the cycle runner drives it: start, scan (every stage-1 survivor with its
/// features and funnel outcome), signals for the finalists, a risk decision per signal, a bracket order
/// per approval.
extension LedgerSimulator {
    mutating func runCycle(slot: Int) throws {
        let key = "\(date)/slot-\(slot)"
        let id = CycleID.forIdempotencyKey(key)
        var cycle = CycleRun(id: id, slot: slot, state: Cycle.initial, correlation: rng.uuid())
        correlation = cycle.correlation
        actor = Actor(.cron, name: "slot-\(slot)")
        let stream = Cycle.stream(id)
        let now = tick()
        let session = TradingSession.regular(date)
        let clockAnswer = MarketClock(
            timestamp: now, isOpen: true, nextOpen: date.adding(days: 1).at(hour: 9, minute: 30), nextClose: session.close, session: session)
        let sizes = funnelSizes
        let start = Cycle.Start(
            cycleID: id, idempotencyKey: key, mode: rng.pick(CycleMode.allCases), sessionMode: .autonomous, requestedBy: actor,
            configHash: "cfg-sim-1", funnel: sizes, maxPositions: 5, riskPerTrade: DecimalValue("0.01"), scanFrequencyMinutes: 30, now: now,
            calendar: clockAnswer, halt: risk.halt)
        // While halted the cycle is refused: a refusal appends nothing, exactly as the handler would.
        guard (try? Cycle.decide(.start(start), cycle.state)) != nil else { return }
        try recorder.decide(Cycle.self, .start(start), &cycle.state, on: stream, "start cycle")
        commit()
        defer {
            cycles[id] = cycle
            todaysCycles.append(id)
        }

        if rng.chance(options.failCycleChance) {
            try recorder.decide(Cycle.self, .fail(stage: .scan, errorCode: "market_data_unavailable", message: "HTTP 503 from market data", at: tick()),
                &cycle.state, on: stream, "fail cycle")
            commit()
            return
        }

        let report = scanReport(sizes: sizes)
        try recorder.decide(Cycle.self, .recordScan(report), &cycle.state, on: stream, "record scan")
        try recorder.decide(Cycle.self, .completeStage(.scan, at: tick(), itemCount: report.candidates.count), &cycle.state, on: stream, "stage scan")
        try recorder.decide(Cycle.self, .completeStage(.funnel, at: tick(), itemCount: report.finalists.count), &cycle.state, on: stream, "stage funnel")
        try recorder.decide(Cycle.self, .completeStage(.rank, at: tick(), itemCount: report.finalists.count), &cycle.state, on: stream, "stage rank")
        commit()

        let finalists = report.candidates.filter { $0.finalRank != nil }.sorted { $0.finalRank! < $1.finalRank! }
        let inputs = finalists.map { c in
            Cycle.SignalInput(signalID: SignalID(rawValue: "sig-\(compact(date))-\(slot)-\(c.finalRank!)"), rank: c.finalRank!, proposal: proposal(for: c.features))
        }
        try recorder.decide(Cycle.self, .recordSignals(inputs, at: tick()), &cycle.state, on: stream, "record signals")
        commit()

        if rng.chance(options.stopCycleChance) {
            actor = Actor.principal("craig", kind: .human, name: "craig")
            try recorder.decide(Cycle.self, .stop(reason: "operator stopped the cycle", by: actor, at: tick()), &cycle.state, on: stream, "stop cycle")
            commit()
            return
        }

        var approvals: [Risk.Approved] = []
        for input in inputs {
            let tag = "\(compact(date))-\(slot)-\(input.rank)"
            let evaluation = Risk.Evaluation(
                approvalID: ApprovalID(rawValue: "ap-\(tag)"), cycleID: id, signalID: input.signalID, proposal: input.proposal, entryType: .limit,
                timeInForce: .day, clientOrderID: ClientOrderID("c-\(tag)")!, riskPerTrade: DecimalValue("0.01"), account: accountSnapshot,
                tradable: true, shortable: true, now: tick(), session: session)
            let decided = try recorder.decide(Risk.self, .evaluate(evaluation), &risk, on: riskStream, "evaluate \(input.proposal.symbol)")
            commit()
            for event in decided {
                switch event {
                case .approved(let a):
                    approvals.append(a)
                    cycle.approvals += 1
                case .denied:
                    cycle.denials += 1
                default: break
                }
            }
        }
        try recorder.decide(Cycle.self, .completeStage(.risk, at: tick(), itemCount: approvals.count), &cycle.state, on: stream, "stage risk")
        commit()

        for approval in approvals {
            cycle.orders += try placeEntry(approval, cycle: id)
            correlation = cycle.correlation
            actor = Actor(.cron, name: "slot-\(slot)")
        }
        try recorder.decide(Cycle.self, .completeStage(.orders, at: tick(), itemCount: cycle.orders), &cycle.state, on: stream, "stage orders")
        commit()
    }

    /// At 15:50: every cycle still running records its last stages and completes with its counts.
    mutating func completeCycles() throws {
        for id in todaysCycles {
            guard var cycle = cycles[id], cycle.state.status == .running else { continue }
            correlation = cycle.correlation
            actor = Actor(.cron, name: "slot-\(cycle.slot)")
            let stream = Cycle.stream(id)
            try recorder.decide(Cycle.self, .completeStage(.fills, at: tick(), itemCount: cycle.fills), &cycle.state, on: stream, "stage fills")
            try recorder.decide(Cycle.self, .completeStage(.monitor, at: tick(), itemCount: nil), &cycle.state, on: stream, "stage monitor")
            let summary = CycleSummary(
                candidates: cycle.state.candidateCount, signals: cycle.state.signalIDs.count, approvals: cycle.approvals, denials: cycle.denials,
                orders: cycle.orders, fills: cycle.fills)
            try recorder.decide(Cycle.self, .complete(at: tick(), summary: summary), &cycle.state, on: stream, "complete cycle")
            commit()
            cycles[id] = cycle
        }
    }

    var funnelSizes: FunnelSizes {
        let s = options.survivors
        let f = min(options.finalists, s)
        let pattern = max(f, s * 3 / 10)
        let technical = max(pattern, s * 5 / 10)
        let catalyst = max(technical, s * 7 / 10)
        return FunnelSizes(universe: max(catalyst, options.universeSize), catalyst: catalyst, technical: technical, pattern: pattern, final: f)
    }

    /// The scan: survivors drawn from the tradable pool, ranked by composite score; the best reach the
    /// final cut, the rest are dropped at the stage their rank allows, with a reason. The remaining
    /// universe is dropped at stage 1.
    mutating func scanReport(sizes: FunnelSizes) -> Cycle.ScanReport {
        let now = tick()
        var pool = symbols
        var survivors: [FeatureSnapshot] = []
        for _ in 0..<min(options.survivors, pool.count) {
            let symbol = pool.remove(at: rng.int(0...(pool.count - 1)))
            survivors.append(features(symbol, at: now))
        }
        let ranked = survivors.enumerated().sorted {
            ($0.element.scores?.composite ?? 0, -$0.offset) > ($1.element.scores?.composite ?? 0, -$1.offset)
        }
        var rankOf: [Symbol: Int] = [:]
        for (i, r) in ranked.enumerated() { rankOf[r.element.symbol] = i }
        let stages: [(FunnelStage, Int, String)] = [
            (.pattern, sizes.final, "below_final_cut"), (.technical, sizes.pattern, "no_pattern"),
            (.catalyst, sizes.technical, "rsi_out_of_band"), (.universe, sizes.catalyst, "no_catalyst"),
        ]
        let candidates = survivors.map { f -> CandidateEvaluation in
            let r = rankOf[f.symbol]!
            if r < sizes.final { return CandidateEvaluation(features: f, stageReached: .final, finalRank: r + 1) }
            // The last stage whose size still admits this rank.
            let (reached, _, reason) = stages.first { r >= $0.1 && r < size(of: $0.0, sizes) } ?? (.universe, 0, "no_catalyst")
            let droppedAt = FunnelStage.allCases[reached.order + 1]
            return CandidateEvaluation(
                features: f, stageReached: reached, rejection: FunnelRejection(stage: droppedAt, reason: reason, detail: "rank \(r + 1)"))
        }
        let rejectedCount = max(0, sizes.universe - candidates.count)
        let rejections = (0..<rejectedCount).map { i in
            UniverseRejection(symbol: Symbol("Z\(i)")!, reason: i % 3 == 0 ? "price_out_of_range" : "volume_too_low", detail: i % 2 == 0 ? "stage 1" : nil)
        }
        let counts = FunnelStage.allCases.map { stage in
            StageCount(stage: stage, passed: candidates.filter { $0.stageReached >= stage }.count)
        }
        return Cycle.ScanReport(
            completedAt: tick(), universeSize: candidates.count + rejections.count, candidates: candidates, universeRejections: rejections,
            stageCounts: counts, scoringVersion: "sim-1", dataAsOf: now)
    }

    private func size(of stage: FunnelStage, _ s: FunnelSizes) -> Int {
        switch stage {
        case .universe: s.universe
        case .catalyst: s.catalyst
        case .technical: s.technical
        case .pattern: s.pattern
        case .final: s.final
        }
    }

    func compact(_ d: NYDate) -> String { String(format: "%04d%02d%02d", d.year, d.month, d.day) }
}
