import Foundation
import Strategy
import Yams

/// Loads the `scanner:` section of `config/trading_config.yaml`: every key required, unknown keys
/// refused (a misspelt key must not silently fall back to a default), values validated.
public enum TradingConfigFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func loadScanner(_ path: String) throws -> FunnelConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Problem(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        guard let tree = try Yams.load(yaml: text) as? [String: Any], let scanner = tree["scanner"] as? [String: Any] else {
            throw Problem(description: "\(path): no scanner: section")
        }
        var unknown: [String] = []
        for (section, value) in scanner {
            guard let keys = FunnelConfiguration.schema[section] else {
                unknown.append("scanner.\(section)")
                continue
            }
            let present = value as? [String: Any] ?? [:]
            for k in present.keys where !keys.contains(k) { unknown.append("scanner.\(section).\(k)") }
        }
        guard unknown.isEmpty else { throw Problem(description: "\(path): unknown keys: \(unknown.sorted().joined(separator: ", "))") }
        do {
            return try YAMLDecoder().decode(FunnelConfiguration.Document.self, from: text).scanner.validated()
        } catch let e as FunnelConfiguration.Invalid {
            throw Problem(description: "\(path): \(e)")
        } catch {
            throw Problem(description: "\(path): \(error)")
        }
    }
}
