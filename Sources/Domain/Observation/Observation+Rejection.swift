import Foundation

extension Observation {
    public enum Rejection: DomainRejection, Hashable {
        case empty
        case wrongCycle(CycleID)
        /// Observations are appended in time order, so a reader can stop at a horizon.
        case outOfOrder(last: Date)
    }
}

extension Observation.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .wrongCycle: "wrong_cycle"
        case .outOfOrder: "out_of_order"
        }
    }
}
