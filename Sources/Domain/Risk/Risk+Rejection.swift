import Foundation

extension Risk {
    /// Refusals of a risk command. A denied trade is not a refusal: it is a `risk.denied` event.
    public enum Rejection: DomainRejection, Hashable {
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

extension Risk.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .dayNotOpened: "day_not_opened"
        case .wrongDay: "wrong_day"
        case .wrongAccount: "wrong_account"
        case .humanRequired: "human_required"
        case .checkerMustDiffer: "checker_must_differ"
        case .notHalted: "not_halted"
        case .unknownApproval: "unknown_approval"
        case .invalidParameters: "invalid_parameters"
        }
    }
}
