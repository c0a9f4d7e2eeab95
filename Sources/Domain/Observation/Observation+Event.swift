import Foundation

extension Observation {
    public enum Event: Sendable, Equatable {
        case candidatePrices(CandidatePrices)
    }

    /// `observation.candidate_prices`: one event per monitor tick for all observed candidates.
    public struct CandidatePrices: DomainEvent {
        public static let eventType = "observation.candidate_prices"
        public static let schemaVersion = 1
        public var cycleID: CycleID
        public var observedAt: Date
        public var prices: [CandidatePrice]
        /// The feed (`iex`, `sip`, `simulated`).
        public var source: String

        public init(cycleID: CycleID, observedAt: Date, prices: [CandidatePrice], source: String) {
            self.cycleID = cycleID
            self.observedAt = observedAt
            self.prices = prices
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case prices, source
            case cycleID = "cycle_id"
            case observedAt = "observed_at"
        }
    }
}
