import Foundation

/// Prices of a cycle's top candidates after its decisions, traded or not. The ML labeller needs them
/// for forward returns and triple-barrier labels of candidates that were never positions (issue 9),
/// and they must be what was seen then, not re-fetched later.
public enum Observation {
    public static func stream(_ cycle: CycleID) -> StreamName { .observations(cycle) }
}

/// One candidate's prices at an observation time. High and low cover the minute before it, so a
/// barrier touched between two observations is not missed.
public struct CandidatePrice: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var last: Price
    public var bid: Price?
    public var ask: Price?
    public var high: Price?
    public var low: Price?
    public var volume: Int64?

    public init(symbol: Symbol, last: Price, bid: Price? = nil, ask: Price? = nil, high: Price? = nil, low: Price? = nil, volume: Int64? = nil) {
        self.symbol = symbol
        self.last = last
        self.bid = bid
        self.ask = ask
        self.high = high
        self.low = low
        self.volume = volume
    }
}

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

    public struct State: Hashable, Sendable {
        public var cycleID: CycleID?
        public var lastObservedAt: Date?
        public var observations: Int

        public static let initial = State(cycleID: nil, lastObservedAt: nil, observations: 0)
    }

    public enum Command: Sendable {
        case record(CandidatePrices)
    }

    public enum Rejection: Error, Hashable, Sendable {
        case empty
        case wrongCycle(CycleID)
        /// Observations are appended in time order, so a reader can stop at a horizon.
        case outOfOrder(last: Date)
    }
}

extension Observation: Decider {
    public static var initial: State { .initial }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var s = state
        switch event {
        case .candidatePrices(let e):
            s.cycleID = e.cycleID
            s.lastObservedAt = e.observedAt
            s.observations += 1
        }
        return s
    }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let e):
            if let cycle = state.cycleID, cycle != e.cycleID { throw .wrongCycle(cycle) }
            if let last = state.lastObservedAt {
                if e.observedAt == last { return [] }
                if e.observedAt < last { throw .outOfOrder(last: last) }
            }
            guard !e.prices.isEmpty else { throw .empty }
            return [.candidatePrices(e)]
        }
    }
}
