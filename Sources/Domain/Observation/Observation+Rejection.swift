import Foundation

extension Observation {
    public enum Rejection: Error, Hashable, Sendable {
        case empty
        case wrongCycle(CycleID)
        /// Observations are appended in time order, so a reader can stop at a horizon.
        case outOfOrder(last: Date)
    }
}
