import Foundation

extension Cycle {
    public struct State: Hashable, Sendable {
        /// Nil until the cycle has started.
        public var status: CycleStatus?
        public var cycleID: CycleID?
        public var idempotencyKey: String?
        public var mode: CycleMode?
        public var sessionMode: SessionMode?
        public var tradingDate: NYDate?
        public var startedAt: Date?
        public var completedStages: [CycleStage]
        public var scanRecorded: Bool
        public var candidateCount: Int
        public var universeRejectionCount: Int
        public var finalists: [Symbol]
        public var signalIDs: Set<SignalID>
        public var finishedAt: Date?
        /// The limits the cycle was started with (what its execution applies).
        public var maxPositions: Int?
        public var riskPerTrade: DecimalValue?
        public var funnel: FunnelSizes?
        public var scanFrequencyMinutes: Int?
        public var configHash: String?

        public var lastStage: CycleStage? { completedStages.last }

        public static let initial = State(
            status: nil, cycleID: nil, idempotencyKey: nil, mode: nil, sessionMode: nil, tradingDate: nil, startedAt: nil,
            completedStages: [], scanRecorded: false, candidateCount: 0, universeRejectionCount: 0, finalists: [], signalIDs: [],
            finishedAt: nil, maxPositions: nil, riskPerTrade: nil, funnel: nil, scanFrequencyMinutes: nil, configHash: nil
        )
    }

    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .started(let e):
            s.status = .running
            s.cycleID = e.cycleID
            s.idempotencyKey = e.idempotencyKey
            s.mode = e.mode
            s.sessionMode = e.sessionMode
            s.tradingDate = e.tradingDate
            s.startedAt = e.startedAt
            s.maxPositions = e.maxPositions
            s.riskPerTrade = e.riskPerTrade
            s.funnel = e.funnel
            s.scanFrequencyMinutes = e.scanFrequencyMinutes
            s.configHash = e.configHash
        case .stageCompleted(let e):
            if !s.completedStages.contains(e.stage) { s.completedStages.append(e.stage) }
        case .completed(let e):
            s.status = .completed
            s.finishedAt = e.completedAt
        case .stopped(let e):
            s.status = .stopped
            s.finishedAt = e.stoppedAt
        case .failed(let e):
            s.status = .failed
            s.finishedAt = e.failedAt
        case .candidateEvaluated:
            s.candidateCount += 1
        case .universeFiltered(let e):
            s.universeRejectionCount += e.rejections.count
        case .scanCompleted(let e):
            s.scanRecorded = true
            s.finalists = e.finalists
        case .signalGenerated(let e):
            s.signalIDs.insert(e.signalID)
        }
        return s
    }
}
