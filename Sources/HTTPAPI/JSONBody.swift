import Foundation
import Hummingbird

/// Request bodies and JSON answers.
enum JSONBody {
    static let limit = 64 * 1024

    /// Reads and decodes a JSON object body: > 64 KiB → 413, not JSON (or not an object) → 400, a field
    /// of the wrong type → 422 naming the field. An empty body decodes as `{}`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.tooLarge }
        var data: Data
        do {
            let buffer = try await request.body.collect(upTo: limit)
            data = Data(buffer.readableBytesView)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw APIError.tooLarge
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { data = Data("{}".utf8) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw APIError.malformedJSON("\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)")
        }
        guard object is [String: Any] else { throw APIError.malformedJSON("the body must be a JSON object") }
        // PostgreSQL text and jsonb cannot hold U+0000 (and libpq would cut a parameter at it), so a
        // NUL anywhere in the body is refused here, naming the field, instead of failing the append.
        if let field = firstNUL(in: object, path: []) { throw APIError.invalid(field: field.isEmpty ? "body" : field, reason: "must not contain NUL (U+0000) characters") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let e as DecodingError {
            throw field(e)
        }
    }

    /// True when a text has nothing but white space, control or format characters (`"\u{0C}"`, a
    /// no-break space, U+FEFF, U+001F): no more a reason or an operator's name than `""` is.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            s.properties.isWhitespace || s.properties.generalCategory == .control || s.properties.generalCategory == .format
        }
    }

    /// The dotted path of the first string value holding U+0000, if any.
    static func firstNUL(in value: Any, path: [String]) -> String? {
        switch value {
        case let s as String: return s.utf8.contains(0) ? path.joined(separator: ".") : nil
        case let object as [String: Any]:
            // Keys are not checked: an unknown key is dropped by the decoder, a known one has no NUL.
            for (key, child) in object { if let hit = firstNUL(in: child, path: path + [key]) { return hit } }
            return nil
        case let array as [Any]:
            for (i, child) in array.enumerated() { if let hit = firstNUL(in: child, path: path + [String(i)]) { return hit } }
            return nil
        default: return nil
        }
    }

    /// A decoding failure as a 422 naming the field.
    static func field(_ e: DecodingError) -> APIError {
        func name(_ path: [any CodingKey]) -> String { path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .typeMismatch(let t, let c): return .invalid(field: name(c.codingPath), reason: "must be of type \(Self.jsonType(t))")
        case .valueNotFound(let t, let c): return .invalid(field: name(c.codingPath), reason: "must not be null (expected \(Self.jsonType(t)))")
        case .keyNotFound(let k, let c): return .invalid(field: name(c.codingPath + [k]), reason: "is required")
        case .dataCorrupted(let c): return .invalid(field: name(c.codingPath), reason: c.debugDescription)
        @unknown default: return .invalid(field: "body", reason: "\(e)")
        }
    }

    static func jsonType(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: "string"
        case is Int.Type, is Int64.Type: "integer"
        case is Decimal.Type, is Double.Type: "number"
        case is Bool.Type: "boolean"
        default: "\(t)"
        }
    }

    /// An encodable value as a JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return raw(try encoder.encode(value), status: status)
    }

    /// JSON text produced elsewhere (by PostgreSQL's `jsonb_agg`) as a response.
    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
