import Foundation

extension Cycle {
    public enum Rejection: Error, Hashable, Sendable {
        /// A request field is out of range; `field` is its wire name.
        case invalidField(field: String, reason: String)
        case calendarUnavailable
        case outsideTradingSession(nextOpen: Date?)
        case tradingHalted(HaltReason)
        /// The cycle stream already holds a cycle started with another key.
        case startedWithDifferentKey(existing: String)
        case notStarted
        case finished(CycleStatus)
        case stageOutOfOrder(last: CycleStage, requested: CycleStage)
        case inconsistentScan(String)
        case scanNotRecorded
        case signalNotAFinalist(Symbol)
    }
}
