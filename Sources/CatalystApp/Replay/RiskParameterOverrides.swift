import Application
import Domain
import Foundation
import Yams

/// `replay what-if --set key=value`: changes to the risk parameters a recorded day ran with, in the
/// wire keys of `config/risk_parameters.yaml`, checked exactly like an edit of that file (unknown key,
/// wrong type or out-of-range value refused, naming the key).
public struct RiskParameterOverrides: Sendable {
    public let assignments: [(key: String, value: String)]

    /// Parses `key=value` items; refuses a malformed item, an unknown key or a key given twice.
    public init(_ items: [String]) throws {
        var seen: Set<String> = []
        var out: [(String, String)] = []
        let known = Set(RiskParameters.wireKeys)
        for item in items {
            guard let eq = item.firstIndex(of: "=") else { throw RiskParametersFile.Invalid(path: "--set", line: nil, key: item, reason: "expected key=value") }
            let key = item[..<eq].trimmingCharacters(in: .whitespaces)
            let value = item[item.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard known.contains(key) else {
                throw RiskParametersFile.Invalid(path: "--set", line: nil, key: key, reason: "unknown key (known: \(RiskParameters.wireKeys.joined(separator: ", ")))")
            }
            guard !value.isEmpty, !value.contains("\n") else { throw RiskParametersFile.Invalid(path: "--set", line: nil, key: key, reason: "no value") }
            guard seen.insert(key).inserted else { throw RiskParametersFile.Invalid(path: "--set", line: nil, key: key, reason: "given twice") }
            out.append((key, value))
        }
        assignments = out
    }

    /// `base` with the assignments applied, validated as a whole.
    public func apply(to base: RiskParameters) throws -> RiskParameters {
        guard !assignments.isEmpty else { return base }
        var lines = try YAMLEncoder().encode(base).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (key, value) in assignments {
            guard let i = lines.firstIndex(where: { $0.hasPrefix(key + ":") }) else {
                throw RiskParametersFile.Invalid(path: "--set", line: nil, key: key, reason: "not in the parameters document")
            }
            lines[i] = "\(key): \(value)"
        }
        return try RiskParametersFile.parse(lines.joined(separator: "\n"), source: "--set")
    }
}

extension RiskParameterOverrides {
    /// `key=value` changes applied to `base`, checked as an edit of the file would be; a refused change
    /// is `ApplicationError.invalid` naming `set.<key>` (what `POST /api/v1/risk/parameters` answers).
    @Sendable public static func edit(_ items: [String], _ base: RiskParameters) throws -> RiskParameters {
        do {
            return try RiskParameterOverrides(items).apply(to: base)
        } catch let invalid as RiskParametersFile.Invalid {
            throw ApplicationError.invalid(field: "set.\(invalid.key)", reason: invalid.reason)
        }
    }
}
