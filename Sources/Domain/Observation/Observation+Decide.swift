import Foundation

extension Observation: Decider {
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
