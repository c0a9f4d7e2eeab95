import Domain
import Foundation

/// The query parameters of one resource read, checked against what that resource declares. A value that
/// does not parse, or a parameter the resource does not take, is the caller's error (JSON-RPC -32602) with
/// a message naming the parameter: a confused agent learns what to send instead of reading a silently
/// unfiltered answer.
struct MCPResourceParameters {
    let resource: String
    let declared: [String]
    private let values: [String: String]

    /// The original system wrote the P&L sign as `pnl<0` / `pnl>0` (docs/origins.md §MCP); those
    /// spellings mean `pnl=negative` / `pnl=positive`, also percent-encoded.
    static func normalized(_ uri: String) -> String {
        var text = uri
        for (from, to) in [("pnl<0", "pnl=negative"), ("pnl%3C0", "pnl=negative"), ("pnl%3c0", "pnl=negative"), ("pnl>0", "pnl=positive"), ("pnl%3E0", "pnl=positive"), ("pnl%3e0", "pnl=positive")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    init(resource: String, declared: [String], items: [URLQueryItem]) throws {
        self.resource = resource
        self.declared = declared
        var values: [String: String] = [:]
        for item in items {
            let value = item.value ?? ""
            // PostgreSQL text cannot hold U+0000 and libpq would cut a parameter at it (`cycle_id=a%00b`
            // would read cycle `a`), so a NUL anywhere in the decoded URI is refused.
            guard !value.utf8.contains(0), !item.name.utf8.contains(0) else {
                throw MCPResources.Failure.badParameter(item.name, "must not contain NUL (U+0000) characters")
            }
            guard declared.contains(item.name) else {
                let takes = declared.isEmpty ? "no parameters" : "only " + declared.joined(separator: ", ")
                throw MCPResources.Failure.badParameter(item.name, "is not a parameter of \(resource) (it takes \(takes))")
            }
            guard values[item.name] == nil else { throw MCPResources.Failure.badParameter(item.name, "is given twice") }
            values[item.name] = value
        }
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }

    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw MCPResources.Failure.badParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return v
    }

    /// An optional whole number of hours or days (1 … `max`).
    func span(_ name: String, max: Int) throws -> Int? {
        guard values[name] != nil else { return nil }
        return try int(name, default: 0, in: 1...max)
    }

    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let text = values[name] else { return nil }
        guard allowed.contains(text) else {
            throw MCPResources.Failure.badParameter(name, "must be one of \(allowed.joined(separator: ", ")), not \"\(text)\"")
        }
        return text
    }

    func pattern() throws -> String? { try oneOf("pattern", PatternKind.allCases.map(\.rawValue)) }

    /// A ticker: 1–12 letters, digits, `.` or `-`, upper-cased.
    func symbol() throws -> String? {
        guard let text = values["symbol"] else { return nil }
        let upper = text.uppercased()
        guard (1...12).contains(upper.count), upper.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" }) else {
            throw MCPResources.Failure.badParameter("symbol", "must be a ticker (1-12 letters, digits, '.' or '-'), not \"\(text)\"")
        }
        return upper
    }

    func date() throws -> String? {
        guard let text = values["date"] else { return nil }
        guard text.allSatisfy({ $0 == "-" || ($0.isASCII && $0.isNumber) }), NYDate(text) != nil else {
            throw MCPResources.Failure.badParameter("date", "must be a date YYYY-MM-DD, not \"\(text)\"")
        }
        return text
    }
}
