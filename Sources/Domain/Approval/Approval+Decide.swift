import Foundation

extension Approval: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .request(let approved, let at, let timeout):
            if let existing = state.request {
                guard existing.approvalID == approved.approvalID, existing.intent == approved.intent else { throw .differentRequest }
                return []
            }
            guard timeout > 0 else { throw .invalidTimeout }
            return [
                .requested(
                    Requested(
                        approvalID: approved.approvalID, cycleID: approved.cycleID, signalID: approved.signalID, intent: approved.intent,
                        requestedAt: at, expiresAt: at.addingTimeInterval(timeout)))
            ]
        case .grant(let by, let at, let note):
            let request = try pending(state, ifAlready: .granted)
            guard let request else { return [] }
            guard by.isHuman else { throw .humanRequired(by) }
            guard at < request.expiresAt else { throw .expired(at: request.expiresAt) }
            return [.granted(Granted(approvalID: request.approvalID, by: by, at: at, note: note))]
        case .deny(let by, let at, let reason):
            let request = try pending(state, ifAlready: .denied)
            guard let request else { return [] }
            guard by.isHuman else { throw .humanRequired(by) }
            return [.denied(Denied(approvalID: request.approvalID, by: by, at: at, reason: reason))]
        case .expire(let at):
            let request = try pending(state, ifAlready: .expired)
            guard let request else { return [] }
            guard at >= request.expiresAt else { throw .notYetExpired(expiresAt: request.expiresAt) }
            return [.expired(Expired(approvalID: request.approvalID, at: at))]
        }
    }

    /// The pending request; nil when the same outcome is already recorded (a retry).
    private static func pending(_ state: State, ifAlready same: Outcome) throws(Rejection) -> Requested? {
        guard let request = state.request, let outcome = state.outcome else { throw .notRequested }
        if outcome == same { return nil }
        guard outcome == .pending else { throw .alreadyDecided(outcome) }
        return request
    }
}
