import Foundation

extension Observation {
    public enum Command: Sendable {
        case record(CandidatePrices)
    }
}
