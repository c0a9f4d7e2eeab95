import Foundation

extension Risk {
    /// Refusals of a risk command. A denied trade is not a refusal: it is a `risk.denied` event.
    public enum Rejection: Error, Hashable, Sendable {
        case dayNotOpened
        case wrongDay(stream: NYDate, command: NYDate)
        case wrongAccount(stream: AccountID, command: AccountID)
        /// Only a human may lift a halt.
        case humanRequired(Actor)
        /// Maker–checker: the human who asked first cannot also be the one who confirms.
        case checkerMustDiffer(Actor)
        /// Nothing to resume: trading is not halted.
        case notHalted
        case unknownApproval(ApprovalID)
        case invalidParameters([String])
    }
}
