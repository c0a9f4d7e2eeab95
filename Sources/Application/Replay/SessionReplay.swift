import Domain
import EventStore
import Foundation
import Strategy

/// `catalyst session replay --date D`: every cycle of a day that was traded live is decided again on the
/// market data it captured, by the same code (`ScanStep`, the cycle and risk deciders,
/// `RiskEvaluation.evaluation`), and each recorded decision is compared with its replay.
///
/// - The scan runs on the capture its `scan.completed` names (`data_hash`), at the recorded data time.
/// - Signals are the replayed finalists, ranked and capped as the cycle was.
/// - Each risk decision is decided again on the risk book as it stood just before it (the risk day stream
///   folded up to it), the account it recorded (the broker's answer, not market data) and the risk
///   capture it names (`inputs.market_data_hash`).
///
/// Decisions are compared as the events they produce, by value. Fills are the broker's and are listed
/// apart, against the price each decision expected. Reads only: nothing is appended.
public struct SessionReplay: Sendable {
    public let store: any EventStore
    public let codec: EventCodec
    public let capture: any MarketCaptureStore
    /// The funnel in force now (`config/trading_config.yaml`) and the hash it is recorded under.
    public let funnel: FunnelConfiguration
    public let configHash: String?
    public let configuration: TradingConfiguration

    public init(
        store: any EventStore, capture: any MarketCaptureStore, configuration: TradingConfiguration, codec: EventCodec = EventCodec()
    ) {
        self.store = store
        self.capture = capture
        self.configuration = configuration
        self.funnel = configuration.funnel
        self.configHash = configuration.configHash
        self.codec = codec
    }

    public func run(date: NYDate) async throws -> SessionReplayReport {
        var report = SessionReplayReport(date: date.description)
        let day = try await store.events(occurredFrom: date.at(hour: 0, minute: 0), before: date.adding(days: 1).at(hour: 0, minute: 0))
        let cycleStreams = ordered(day.filter { $0.eventType == Cycle.ScanCompleted.eventType }.map(\.streamID))
        let riskStreams = ordered(day.filter { $0.eventType == Risk.Approved.eventType || $0.eventType == Risk.Denied.eventType }.map(\.streamID))
        var risk: [RecordedEvent] = []
        for s in riskStreams { risk += try await store.readStream(s) }
        for stream in cycleStreams {
            report.cycles.append(try await replayCycle(try await store.readStream(stream), risk: risk))
        }
        report.fills = try fills(risk)
        return report
    }

    private func ordered(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    // MARK: One cycle

    private func replayCycle(_ recorded: [RecordedEvent], risk: [RecordedEvent]) async throws -> SessionReplayReport.CycleParity {
        let decoded = try recorded.map { r in (r, try codec.decode(eventType: r.eventType, schemaVersion: r.schemaVersion, payload: r.payload)) }
        var before = Cycle.initial
        var full = Cycle.initial
        var scanSeen = false
        var completed: Cycle.ScanCompleted?
        var ledgerScan: [(RecordedEvent, Cycle.Event)] = []
        var ledgerSignals: [Cycle.SignalGenerated] = []
        for (r, event) in decoded {
            guard let e = Cycle.Event(event) else { continue }
            switch e {
            case .candidateEvaluated, .universeFiltered: scanSeen = true; ledgerScan.append((r, e))
            case .scanCompleted(let c): scanSeen = true; completed = c; ledgerScan.append((r, e))
            case .signalGenerated(let s): ledgerSignals.append(s)
            default: break
            }
            if !scanSeen { before = Cycle.evolve(before, e) }
            full = Cycle.evolve(full, e)
        }
        var parity = SessionReplayReport.CycleParity(cycleID: full.cycleID?.rawValue ?? recorded.first?.streamID ?? "?")
        guard let completed else {
            parity.problems.append("the cycle recorded no scan (\(full.status.map { "\($0)" } ?? "unknown status")): nothing to replay")
            return parity
        }
        parity.dataAsOf = completed.dataAsOf
        parity.dataHash = completed.dataHash
        parity.candidates.recorded = completed.candidatesRecorded
        parity.signals.recorded = ledgerSignals.count
        let decisions = try risk.compactMap { r -> (RecordedEvent, Risk.Event)? in
            guard let e = Risk.Event(try codec.decode(eventType: r.eventType, schemaVersion: r.schemaVersion, payload: r.payload)) else { return nil }
            switch e {
            case .approved(let a) where a.cycleID == full.cycleID: return (r, e)
            case .denied(let d) where d.cycleID == full.cycleID: return (r, e)
            default: return nil
            }
        }
        parity.decisions.recorded = decisions.count
        guard let hash = completed.dataHash else {
            parity.problems.append("the scan was recorded without a data hash (capture was off)")
            return parity
        }
        let loaded: (recording: MarketRecording, problems: [String])
        do { loaded = try capture.load(hash, day: NYDate(completed.dataAsOf)) } catch {
            parity.problems.append("\(error)")
            return parity
        }
        parity.captured = true
        parity.problems += loaded.problems.map { "scan capture: \($0)" }
        if let recordedHash = full.configHash, let configHash, recordedHash != configHash {
            parity.problems.append("the cycle ran under trading configuration \(recordedHash); the replay uses \(configHash)")
        }
        guard let session = loaded.recording.session else {
            parity.problems.append("the scan capture has no session")
            return parity
        }

        // The scan, on the capture, by the cycle's own code.
        let funnel = ScanStep.configuration(for: full.mode ?? .normal, base: self.funnel)
        var scan = try await ScanStep(market: CapturedMarketData(loaded.recording), dailyHistoryDays: configuration.dailyHistoryDays)
            .run(at: completed.dataAsOf, session: session, funnel: funnel)
        scan.report.dataHash = hash
        parity.candidates.replayed = scan.report.candidates.count
        let replayedScan: [Cycle.Event]
        do { replayedScan = try Cycle.decide(.recordScan(scan.report), before) } catch {
            parity.differences.append("scan: the replayed scan is refused by the cycle (\(error))")
            return parity
        }
        parity.differences += try compareScan(ledgerScan.map(\.1), replayedScan)

        // Signals: the replayed finalists, ranked and capped as the cycle was.
        let cycleID = full.cycleID ?? CycleID(rawValue: parity.cycleID)
        let picks = Array(scan.proposals.prefix(full.maxPositions ?? Int.max))
        let inputs = picks.enumerated().map { i, p in
            Cycle.SignalInput(signalID: SignalID(rawValue: "\(cycleID.rawValue)-s\(i + 1)"), rank: i + 1, proposal: p)
        }
        parity.signals.replayed = inputs.count
        var afterScan = before
        for e in replayedScan { afterScan = Cycle.evolve(afterScan, e) }
        let generatedAt = ledgerSignals.first?.generatedAt ?? completed.dataAsOf
        let replayedSignals = ((try? Cycle.decide(.recordSignals(inputs, at: generatedAt), afterScan)) ?? []).compactMap { e -> Cycle.SignalGenerated? in
            if case .signalGenerated(let s) = e { return s }
            return nil
        }
        parity.differences += try compare(
            "signal", recorded: ledgerSignals, replayed: replayedSignals, key: { $0.signalID.rawValue }, name: { "\($0.signalID) \($0.proposal.symbol)" },
            event: { .cycle(.signalGenerated($0)) })

        // Risk decisions, each on the book as it stood just before it.
        let riskByStream = Dictionary(grouping: risk, by: \.streamID)
        for (r, e) in decisions {
            let (signalID, inputsRecorded, decidedAt, approvalID) = Self.facts(e)
            guard let signalID, let input = inputs.first(where: { $0.signalID == signalID }) else {
                parity.differences.append("risk decision \(approvalID): its signal \(signalID?.rawValue ?? "?") is not in the replay")
                continue
            }
            guard let inputsRecorded, let riskHash = inputsRecorded.marketDataHash else {
                parity.problems.append("risk decision \(approvalID) was recorded without a market data hash")
                continue
            }
            let riskCapture: (recording: MarketRecording, problems: [String])
            do { riskCapture = try capture.load(riskHash, day: NYDate(decidedAt)) } catch {
                parity.problems.append("risk decision \(approvalID): \(error)")
                continue
            }
            parity.problems += riskCapture.problems.map { "risk capture of \(approvalID): \($0)" }
            var book = Risk.initial
            for x in riskByStream[r.streamID] ?? [] where x.streamVersion < r.streamVersion {
                if let ev = Risk.Event(try codec.decode(eventType: x.eventType, schemaVersion: x.schemaVersion, payload: x.payload)) { book = Risk.evolve(book, ev) }
            }
            let evaluation = try RiskEvaluation.evaluation(
                input, cycle: full, session: riskCapture.recording.session ?? session,
                inputs: RiskEvaluation.Inputs(recording: riskCapture.recording, account: inputsRecorded.account, hash: riskHash),
                security: riskCapture.recording.securities[input.proposal.symbol], held: book.heldSymbols, configuration: configuration, now: decidedAt)
            parity.decisions.replayed += 1
            let replayed: Risk.Event
            do {
                guard let d = try Risk.decide(.evaluate(evaluation), book).first(where: Self.isDecision) else {
                    parity.differences.append("risk decision \(approvalID) \(input.proposal.symbol): the replay decided nothing")
                    continue
                }
                replayed = d
            } catch {
                parity.differences.append("risk decision \(approvalID) \(input.proposal.symbol): the replay refused it (\(error))")
                continue
            }
            let lines = JSONDiff.lines(r.payload, try codec.encode(.risk(replayed)).payload)
            if !lines.isEmpty || r.eventType != Self.type(replayed) {
                parity.differences.append(
                    "risk decision \(approvalID) \(input.proposal.symbol): \(Self.verdict(e)) → \(Self.verdict(replayed))"
                        + (lines.isEmpty ? "" : "; " + lines.joined(separator: "; ")))
            }
        }
        // A completed cycle decided every signal it ranked: a replayed signal without a recorded decision differs.
        if full.status == .completed {
            let decided = Set(decisions.compactMap { Self.facts($0.1).0 })
            for input in inputs where !decided.contains(input.signalID) {
                parity.differences.append("signal \(input.signalID) \(input.proposal.symbol): the replay ranks it, the ledger recorded no risk decision for it")
            }
        }
        return parity
    }

    private static func isDecision(_ e: Risk.Event) -> Bool {
        switch e {
        case .approved, .denied: true
        default: false
        }
    }

    private static func type(_ e: Risk.Event) -> String {
        if case .approved = e { return Risk.Approved.eventType }
        return Risk.Denied.eventType
    }

    private static func verdict(_ e: Risk.Event) -> String {
        switch e {
        case .approved(let a): "approved \(a.intent.quantity)"
        case .denied(let d): "denied (\(d.violations.map(\.code.rawValue).joined(separator: ", ")))"
        default: "?"
        }
    }

    private static func facts(_ e: Risk.Event) -> (SignalID?, Risk.EvaluationInputs?, Date, String) {
        switch e {
        case .approved(let a): (a.signalID, a.inputs, a.decidedAt, a.approvalID.rawValue)
        case .denied(let d): (d.signalID, d.inputs, d.decidedAt, d.approvalID.rawValue)
        default: (nil, nil, Date(timeIntervalSince1970: 0), "?")
        }
    }

    // MARK: Comparing

    /// Candidates by symbol, stage-1 rejections by symbol, the summary as a whole.
    private func compareScan(_ recorded: [Cycle.Event], _ replayed: [Cycle.Event]) throws -> [String] {
        func split(_ events: [Cycle.Event]) -> ([Cycle.CandidateEvaluated], [UniverseRejection], Cycle.ScanCompleted?) {
            var candidates: [Cycle.CandidateEvaluated] = []
            var rejections: [UniverseRejection] = []
            var done: Cycle.ScanCompleted?
            for e in events {
                switch e {
                case .candidateEvaluated(let c): candidates.append(c)
                case .universeFiltered(let u): rejections += u.rejections
                case .scanCompleted(let s): done = s
                default: break
                }
            }
            return (candidates, rejections, done)
        }
        let (a, ra, sa) = split(recorded)
        let (b, rb, sb) = split(replayed)
        var out = try compare(
            "candidate", recorded: a, replayed: b, key: { $0.evaluation.features.symbol.rawValue }, name: { "\($0.evaluation.features.symbol)" },
            event: { .cycle(.candidateEvaluated(Cycle.CandidateEvaluated(cycleID: $0.cycleID, index: 0, evaluation: $0.evaluation))) })
        let rejectedA = Dictionary(ra.map { ($0.symbol, $0) }, uniquingKeysWith: { x, _ in x })
        let rejectedB = Dictionary(rb.map { ($0.symbol, $0) }, uniquingKeysWith: { x, _ in x })
        for symbol in Set(rejectedA.keys).union(rejectedB.keys).sorted() where rejectedA[symbol] != rejectedB[symbol] {
            func text(_ r: UniverseRejection?) -> String { r.map { "rejected at stage 1 (\($0.reason))" } ?? "not rejected at stage 1" }
            out.append("stage 1 \(symbol): \(text(rejectedA[symbol])) → \(text(rejectedB[symbol]))")
        }
        if let sa, let sb {
            let lines = JSONDiff.lines(try codec.encode(.cycle(.scanCompleted(sa))).payload, try codec.encode(.cycle(.scanCompleted(sb))).payload)
            if !lines.isEmpty { out.append("scan summary: " + lines.joined(separator: "; ")) }
        }
        return out
    }

    /// Matches recorded and replayed events by `key` and names each that differs, with the paths.
    private func compare<T>(
        _ what: String, recorded: [T], replayed: [T], key: (T) -> String, name: (T) -> String, event: (T) -> LedgerEvent
    ) throws -> [String] {
        let a = Dictionary(recorded.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(replayed.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
        var out: [String] = []
        var keys: [String] = []
        for k in recorded.map(key) + replayed.map(key) where !keys.contains(k) { keys.append(k) }
        for k in keys {
            switch (a[k], b[k]) {
            case (let x?, nil): out.append("\(what) \(name(x)): recorded, not in the replay")
            case (nil, let y?): out.append("\(what) \(name(y)): in the replay, not recorded")
            case (let x?, let y?):
                let lines = JSONDiff.lines(try codec.encode(event(x)).payload, try codec.encode(event(y)).payload)
                if !lines.isEmpty { out.append("\(what) \(name(x)): " + lines.joined(separator: "; ")) }
            default: break
            }
        }
        return out
    }

    // MARK: Fills

    private func fills(_ risk: [RecordedEvent]) throws -> [SessionReplayReport.FillComparison] {
        var approvals: [(Risk.Approved)] = []
        var filled: [String: [Risk.FillRecorded]] = [:]
        for r in risk {
            guard let e = Risk.Event(try codec.decode(eventType: r.eventType, schemaVersion: r.schemaVersion, payload: r.payload)) else { continue }
            switch e {
            case .approved(let a) where a.cycleID != nil: approvals.append(a)
            case .fillRecorded(let f): if let id = f.approvalID { filled[id.rawValue, default: []].append(f) }
            default: break
            }
        }
        return approvals.map { a in
            // The entry's own fills: the exits of the same approval are on the other side.
            let fs = (filled[a.approvalID.rawValue] ?? []).filter { $0.side == a.intent.side }
            let quantity = fs.reduce(Decimal(0)) { $0 + $1.quantity.shares }
            let notional = fs.reduce(Decimal(0)) { $0 + $1.quantity.shares * $1.price.value }
            let average = quantity > 0 ? notional / quantity : nil
            let expected = a.assessment.referencePrice.value
            var slip: Decimal?
            if let average, expected > 0 {
                let sign: Decimal = a.intent.side == .buy ? 1 : -1
                slip = sign * (average - expected) / expected * 10_000
            }
            return SessionReplayReport.FillComparison(
                approvalID: a.approvalID.rawValue, symbol: a.intent.symbol.rawValue, expected: expected, approvedQuantity: a.intent.quantity.shares,
                filledQuantity: quantity, averagePrice: average, slippageBps: slip)
        }
    }
}
