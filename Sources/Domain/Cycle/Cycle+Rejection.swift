import Foundation

extension Cycle {
    public enum Rejection: DomainRejection, Hashable {
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

extension Cycle.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .invalidField: "invalid_field"
        case .calendarUnavailable: "calendar_unavailable"
        case .outsideTradingSession: "outside_trading_session"
        case .tradingHalted: "trading_halted"
        case .startedWithDifferentKey: "started_with_different_key"
        case .notStarted: "not_started"
        case .finished: "finished"
        case .stageOutOfOrder: "stage_out_of_order"
        case .inconsistentScan: "inconsistent_scan"
        case .scanNotRecorded: "scan_not_recorded"
        case .signalNotAFinalist: "signal_not_a_finalist"
        }
    }

    public var invalidInput: InvalidInput? {
        if case .invalidField(let field, let reason) = self { InvalidInput(field: field, reason: reason) } else { nil }
    }
}
