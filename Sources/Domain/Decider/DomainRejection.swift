/// A decider's refusal: a closed enum whose every case carries an explicit, stable wire code.
///
/// The code is what clients see (`trading_halted`, `overfill` …) and what they branch on, so it is
/// written out case by case in each `X+Rejection.swift`, never derived from the Swift case name: a
/// rename in the code cannot silently change the API.
public protocol DomainRejection: Error, Sendable, Equatable {
    /// The stable wire code.
    var code: String { get }
    /// The field at fault and why, when the refusal is about one field of the caller's input.
    var invalidInput: InvalidInput? { get }
}

extension DomainRejection {
    public var invalidInput: InvalidInput? { nil }
}

/// One field of a command's input that the rules refuse, by its wire name.
public struct InvalidInput: Sendable, Hashable {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}
