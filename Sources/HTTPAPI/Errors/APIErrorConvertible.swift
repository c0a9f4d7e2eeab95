import Application

/// An error that knows its API answer. Each error type maps itself here at the edge, in its own file
/// of `Errors/`; `ErrorMiddleware` only asks. nil: no answer of its own (it becomes a logged 500).
protocol APIErrorConvertible: Error {
    var apiError: APIError? { get }
}

extension APIError: APIErrorConvertible {
    var apiError: APIError? { self }
}

/// Business refusals: a state conflict (halted, closed market, pending reconciliation) is 409; input the
/// rules reject is 422; a failing peer is 503.
extension ApplicationError: APIErrorConvertible {
    var apiError: APIError? {
        switch self {
        case .invalid(let field, let reason): .invalid(field: field, reason: reason)
        case .refused(let code, let message): APIError(.conflict, code: code, message: message)
        case .notFound(let what): .notFound(what)
        case .contention(let stream): APIError(.conflict, code: "contention", message: description, details: ["stream": .string(stream)])
        case .unavailable(let what, let retryable):
            APIError(.serviceUnavailable, code: "unavailable", message: what, details: ["retryable": .bool(retryable)])
        case .unauthenticated(let why):
            APIError(.unauthorized, code: "unauthorized", message: why)
        case .forbidden(let capability, let principal):
            APIError(
                .forbidden, code: "forbidden", message: "\(principal.rawValue) may not do this: it needs the capability \(capability.rawValue)",
                details: ["capability": .string(capability.rawValue), "principal": .string(principal.rawValue)])
        }
    }
}

/// A decider's refusal that reached the edge as it was thrown: its own code, 409 (422 for a field).
extension CommandRejected: APIErrorConvertible {
    var apiError: APIError? { asApplicationError.apiError }
}
