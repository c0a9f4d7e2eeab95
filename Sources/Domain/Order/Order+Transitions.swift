import Foundation

extension Order {
    /// The whitelist: for each status, the statuses a broker update may move it to. A fill is checked
    /// as a move to `partiallyFilled` or `filled`. Derived from Alpaca's status semantics
    /// (docs/alpaca.md §Order statuses) and NautilusTrader's transition table. Three local moves are outside the table:
    /// requested → submit_unknown (timeout), submit_unknown → requested (lookup found nothing), and the
    /// restore of the previous status when a cancel or replace is rejected.
    public static let transitions: [Status: Set<Status>] = {
        let w = Status.working
        let acknowledged: Set<Status> = w.union([
            .partiallyFilled, .filled, .canceled, .expired, .rejected, .pendingCancel, .pendingReplace, .stopped, .suspended, .doneForDay,
        ])
        var t: [Status: Set<Status>] = [:]
        // Before the acknowledgement: any first broker status (a marketable order may fill at once,
        // an IOC may be canceled at once).
        t[.requested] = w.union([.partiallyFilled, .filled, .canceled, .expired, .rejected])
        t[.submitUnknown] = t[.requested]
        t[.pendingNew] = acknowledged
        t[.pendingReview] = w.union([.rejected, .canceled, .expired, .pendingCancel])
        t[.accepted] = acknowledged.union([.replaced])
        t[.acceptedForBidding] = acknowledged.union([.replaced])
        t[.new] = [
            .partiallyFilled, .filled, .canceled, .expired, .rejected, .pendingCancel, .pendingReplace, .replaced, .doneForDay, .stopped,
            .suspended, .calculated,
        ]
        // A bracket leg waits in `held` until the entry fills; a stop-loss leg can go straight to filled.
        t[.held] = [
            .new, .accepted, .pendingNew, .acceptedForBidding, .partiallyFilled, .filled, .canceled, .expired, .rejected, .pendingCancel,
            .pendingReplace, .replaced, .suspended,
        ]
        t[.partiallyFilled] = [
            .partiallyFilled, .filled, .canceled, .expired, .pendingCancel, .pendingReplace, .replaced, .doneForDay, .stopped, .suspended,
            .calculated,
        ]
        t[.doneForDay] = [.new, .accepted, .partiallyFilled, .filled, .canceled, .expired, .calculated, .pendingCancel]
        // A fill may race the cancel; a broker that drops the cancel reports the order working again.
        t[.pendingCancel] = [.canceled, .partiallyFilled, .filled, .expired, .rejected, .new, .accepted, .held]
        // The original may fill before the replacement takes effect (then the replace is rejected).
        t[.pendingReplace] = [.replaced, .partiallyFilled, .filled, .canceled, .expired, .rejected, .new, .accepted, .held]
        t[.stopped] = [.partiallyFilled, .filled, .canceled, .expired]
        t[.suspended] = [.new, .accepted, .pendingNew, .held, .canceled, .expired, .rejected, .pendingCancel]
        t[.calculated] = [.partiallyFilled, .filled, .canceled, .expired, .doneForDay]
        // The late fill: an execution that raced the cancel or the expiry is real money and is accepted.
        t[.canceled] = [.partiallyFilled, .filled]
        t[.expired] = [.partiallyFilled, .filled]
        t[.filled] = []
        t[.rejected] = []
        t[.replaced] = []
        return t
    }()

    public static func isAllowed(from: Status, to: Status) -> Bool { transitions[from]?.contains(to) ?? false }

    /// Statuses a partial fill does not leave: the pending request or the terminal state still holds.
    static let statusesKeptByPartialFill: Set<Status> = [.pendingCancel, .pendingReplace, .canceled, .expired]
}
