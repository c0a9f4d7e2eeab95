import Foundation

// The scan and signal events live in the cycle stream: they are appended in the cycle's batches.
extension Cycle {
    /// `scan.candidate_evaluated`: one per candidate that passed stage 1, with the features used and,
    /// if it was dropped later, the stage and reason.
    public struct CandidateEvaluated: DomainEvent {
        public static let eventType = "scan.candidate_evaluated"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        /// Position in the scan's candidate list (0-based), so a projection can detect a missing one.
        public var index: Int
        public var evaluation: CandidateEvaluation

        public init(cycleID: CycleID, index: Int, evaluation: CandidateEvaluation) {
            self.cycleID = cycleID
            self.index = index
            self.evaluation = evaluation
        }

        enum CodingKeys: String, CodingKey {
            case index, evaluation
            case cycleID = "cycle_id"
        }
    }

    /// `scan.universe_filtered`: a chunk of stage-1 rejections.
    public struct UniverseFiltered: DomainEvent {
        public static let eventType = "scan.universe_filtered"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        /// The scan's time, like its `scan.completed`.
        public var at: Date
        public var chunk: Int
        public var rejections: [UniverseRejection]

        public init(cycleID: CycleID, at: Date, chunk: Int, rejections: [UniverseRejection]) {
            self.cycleID = cycleID
            self.at = at
            self.chunk = chunk
            self.rejections = rejections
        }

        enum CodingKeys: String, CodingKey {
            case at, chunk, rejections
            case cycleID = "cycle_id"
        }
    }

    /// `scan.completed`: the scan's summary, appended last in the scan's batch.
    public struct ScanCompleted: DomainEvent {
        public static let eventType = "scan.completed"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var completedAt: Date
        public var universeSize: Int
        public var stageCounts: [StageCount]
        public var candidatesRecorded: Int
        public var universeRejectionsRecorded: Int
        /// The final picks in rank order.
        public var finalists: [Symbol]
        public var scoringVersion: String
        /// The market data time the scan saw.
        public var dataAsOf: Date
        /// SHA-256 of the captured market data the scan was decided on (live trading with capture on;
        /// absent otherwise). `catalyst session replay` finds the capture by it and decides again.
        public var dataHash: String?

        public init(
            cycleID: CycleID, completedAt: Date, universeSize: Int, stageCounts: [StageCount], candidatesRecorded: Int,
            universeRejectionsRecorded: Int, finalists: [Symbol], scoringVersion: String, dataAsOf: Date, dataHash: String? = nil
        ) {
            self.dataHash = dataHash
            self.cycleID = cycleID
            self.completedAt = completedAt
            self.universeSize = universeSize
            self.stageCounts = stageCounts
            self.candidatesRecorded = candidatesRecorded
            self.universeRejectionsRecorded = universeRejectionsRecorded
            self.finalists = finalists
            self.scoringVersion = scoringVersion
            self.dataAsOf = dataAsOf
        }

        enum CodingKeys: String, CodingKey {
            case finalists
            case cycleID = "cycle_id"
            case completedAt = "completed_at"
            case universeSize = "universe_size"
            case stageCounts = "stage_counts"
            case candidatesRecorded = "candidates_recorded"
            case universeRejectionsRecorded = "universe_rejections_recorded"
            case scoringVersion = "scoring_version"
            case dataAsOf = "data_as_of"
            case dataHash = "data_hash"
        }
    }

    /// `signal.generated`: the strategy's proposal for one finalist (side, entry, stop, target, pattern,
    /// confidence, composite score and the feature snapshot).
    public struct SignalGenerated: DomainEvent {
        public static let eventType = "signal.generated"
        public static let schemaVersion = 1
        public var signalID: SignalID
        public var cycleID: CycleID
        /// 1-based rank among the cycle's signals.
        public var rank: Int
        public var proposal: TradeProposal
        public var generatedAt: Date

        public init(signalID: SignalID, cycleID: CycleID, rank: Int, proposal: TradeProposal, generatedAt: Date) {
            self.signalID = signalID
            self.cycleID = cycleID
            self.rank = rank
            self.proposal = proposal
            self.generatedAt = generatedAt
        }

        enum CodingKeys: String, CodingKey {
            case rank, proposal
            case signalID = "signal_id"
            case cycleID = "cycle_id"
            case generatedAt = "generated_at"
        }
    }
}
