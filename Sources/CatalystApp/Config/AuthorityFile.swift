import Application
import Foundation
import Yams

/// Loads `config/authority.yaml`: which actions need a second, different human. A missing file is
/// the default (no maker–checker); an unknown key is refused, so a misspelt switch cannot silently
/// leave four-eyes off.
public enum AuthorityFile {
    public static func load(_ path: String) throws -> AuthorityPolicy {
        guard FileManager.default.fileExists(atPath: path) else { return AuthorityPolicy() }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CatalystError.invalidInput(field: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let tree = (try? Yams.load(yaml: text)) as? [String: Any] else {
            throw CatalystError.invalidInput(field: path, reason: "not a YAML mapping")
        }
        for key in tree.keys where !["version", "maker_checker"].contains(key) {
            throw CatalystError.invalidInput(field: "\(path): \(key)", reason: "unknown key (known: version, maker_checker)")
        }
        let section = tree["maker_checker"] as? [String: Any] ?? [:]
        var policy = AuthorityPolicy()
        for (key, value) in section {
            guard let on = value as? Bool else { throw CatalystError.invalidInput(field: "\(path): maker_checker.\(key)", reason: "must be true or false") }
            switch key {
            case "resume_after_loss_limit": policy.resumeAfterLossLimit = on
            case "raise_risk_limit": policy.raiseRiskLimit = on
            default:
                throw CatalystError.invalidInput(field: "\(path): maker_checker.\(key)", reason: "unknown key (known: resume_after_loss_limit, raise_risk_limit)")
            }
        }
        return policy
    }
}
