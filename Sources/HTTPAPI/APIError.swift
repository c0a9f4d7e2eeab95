import Application
import Foundation
import Hummingbird

/// The one error shape of the API: `{"error": {"code", "message", "details"}}` with an HTTP status.
/// Routes throw it (or an `ApplicationError`/`DomainRefusal`, which `ErrorMiddleware` maps here).
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [String: String]

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    static func malformedJSON(_ reason: String) -> APIError { APIError(.badRequest, code: "malformed_json", message: "the request body is not valid JSON: \(reason)") }

    static func invalid(field: String, reason: String) -> APIError {
        APIError(.unprocessableContent, code: "invalid_field", message: "\(field): \(reason)", details: ["field": field])
    }

    static let tooLarge = APIError(.contentTooLarge, code: "body_too_large", message: "the request body exceeds 65536 bytes", details: ["limit": "65536"])

    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", message: what) }


    /// Business refusals: a state conflict (halted, closed market, pending reconciliation) is 409;
    /// input the rules reject is 422; a failing peer is 503.
    static func from(_ error: ApplicationError) -> APIError {
        switch error {
        case .invalid(let field, let reason): return .invalid(field: field, reason: reason)
        case .refused(let code, let message): return APIError(.conflict, code: code, message: message)
        case .notFound(let what): return .notFound(what)
        case .contention(let stream): return APIError(.conflict, code: "contention", message: error.description, details: ["stream": stream])
        case .unavailable(let what, let retryable):
            return APIError(.serviceUnavailable, code: "unavailable", message: what, details: ["retryable": String(retryable)])
        case .unauthenticated(let why):
            return APIError(.unauthorized, code: "unauthorized", message: why)
        case .forbidden(let capability, let principal):
            return APIError(
                .forbidden, code: "forbidden", message: "\(principal.rawValue) may not do this: it needs the capability \(capability.rawValue)",
                details: ["capability": capability.rawValue, "principal": principal.rawValue])
        }
    }

    var body: ByteBuffer {
        struct Envelope: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
                var details: [String: String]
            }
            var error: Inner
        }
        let data = (try? JSONEncoder().encode(Envelope(error: .init(code: code, message: message, details: details)))) ?? Data()
        return ByteBuffer(bytes: data)
    }

    var response: Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}
