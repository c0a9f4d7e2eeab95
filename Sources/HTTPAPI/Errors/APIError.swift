import Application
import Foundation
import Hummingbird

/// The one error shape of the API: `{"error": {"code", "message", "details"}}` with an HTTP status.
/// Routes throw it (or an error with its own mapping in `Errors/`, which `ErrorMiddleware` applies).
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [String: Detail]

    /// A detail's value, typed as JSON: a flag is a boolean and a count a number, never their text.
    public enum Detail: Sendable, Equatable, Encodable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case bool(Bool)
        case int(Int)
        case strings([String])

        public init(stringLiteral value: String) { self = .string(value) }
        public init(booleanLiteral value: Bool) { self = .bool(value) }
        public init(integerLiteral value: Int) { self = .int(value) }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .bool(let b): try c.encode(b)
            case .int(let i): try c.encode(i)
            case .strings(let a): try c.encode(a)
            }
        }
    }

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [String: Detail] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    static func malformedJSON(_ reason: String) -> APIError { APIError(.badRequest, code: "malformed_json", message: "the request body is not valid JSON: \(reason)") }

    static func invalid(field: String, reason: String) -> APIError {
        APIError(.unprocessableContent, code: "invalid_field", message: "\(field): \(reason)", details: ["field": .string(field)])
    }

    static let tooLarge = APIError(.contentTooLarge, code: "body_too_large", message: "the request body exceeds 65536 bytes", details: ["limit": 65536])

    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", message: what) }

    var body: ByteBuffer {
        struct Envelope: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
                var details: [String: Detail]
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
