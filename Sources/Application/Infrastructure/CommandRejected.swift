import Domain

/// A command the rules refused, as every front end sees it: the stable code, a readable message and,
/// when the refusal is about one input field, that field and why. Front ends map it at their edge (the HTTP
/// API in `HTTPAPI/Errors/`, the CLI and MCP through the API's answer).
public protocol CommandRefusal: Error, Sendable, CustomStringConvertible {
    var code: String { get }
    var message: String { get }
    var invalidInput: InvalidInput? { get }
}

extension CommandRefusal {
    public var description: String { message }

    /// The refusal as an application error: a field refusal is invalid input, any other a refusal.
    public var asApplicationError: ApplicationError {
        if let i = invalidInput { return .invalid(field: i.field, reason: i.reason) }
        return .refused(code: code, message: message)
    }
}

/// A decider's own rejection, typed, as `DeciderRunner` throws it (e.g. `CommandRejected<Cycle.Rejection>`).
public struct CommandRejected<Rejection: DomainRejection>: CommandRefusal {
    public let rejection: Rejection

    public init(_ rejection: Rejection) { self.rejection = rejection }

    public var code: String { rejection.code }
    public var invalidInput: InvalidInput? { rejection.invalidInput }

    /// `Cycle.Rejection: tradingHalted(dailyLossLimit)` reads better in a log than a bare case.
    public var message: String {
        let owner = String(reflecting: Rejection.self).split(separator: ".").dropFirst().joined(separator: ".")
        return owner.isEmpty ? "\(rejection)" : "\(owner): \(rejection)"
    }
}
