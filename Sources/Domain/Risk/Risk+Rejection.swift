import Foundation

extension Risk {
    /// Refusals of a risk command. A denied trade is not a refusal: it is a `risk.denied` event.
    public enum Rejection: Error, Hashable, Sendable {
        case dayNotOpened
        case wrongDay(stream: NYDate, command: NYDate)
        case wrongAccount(stream: AccountID, command: AccountID)
        /// Only a human may lift a halt.
        case humanRequired(Actor)
        case unknownApproval(ApprovalID)
        case invalidParameters([String])
    }
}
