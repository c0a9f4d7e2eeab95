import Foundation
import Hummingbird

/// Query parameters with Alpaca's validation errors (422 with a code and message).
struct Query {
    let values: [String: String]

    init(_ request: Request) {
        var v: [String: String] = [:]
        for (k, value) in request.uri.queryParameters { v[String(k)] = String(value) }
        values = v
    }

    subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }

    /// Comma-separated, upper-cased symbols; nil when absent.
    var symbols: [String]? { self["symbols"]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() } }

    func date(_ key: String) throws(QueryError) -> Date? {
        guard let text = self[key] else { return nil }
        guard let d = WireTime.parse(text) else { throw QueryError(message: "invalid \(key): \(text)") }
        return d
    }

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws(QueryError) -> Int {
        guard let text = self[key] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw QueryError(message: "invalid \(key): \(text) (must be \(range.lowerBound)–\(range.upperBound))")
        }
        return n
    }
}

struct QueryError: Error {
    var message: String
    var response: Response { FakeResponse.error(status: 422, code: 42_210_000, message: message) }
}

/// Opaque page tokens: base64 of an offset into the full, sorted result.
enum PageToken {
    static func make(_ offset: Int) -> String { Data("offset:\(offset)".utf8).base64EncodedString() }

    static func offset(_ token: String?) throws(QueryError) -> Int {
        guard let token else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), text.hasPrefix("offset:"),
            let n = Int(text.dropFirst(7)), n >= 0
        else { throw QueryError(message: "invalid page_token") }
        return n
    }
}
