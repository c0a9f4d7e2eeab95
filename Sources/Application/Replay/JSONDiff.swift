import Foundation

/// The paths at which two JSON documents differ, as `path: recorded → replayed` lines. Documents are
/// compared by value (key order and whitespace do not matter: PostgreSQL's `jsonb` rewrites both).
enum JSONDiff {
    static func lines(_ recorded: Data, _ replayed: Data, limit: Int = 6) -> [String] {
        let a = try? JSONSerialization.jsonObject(with: recorded, options: [.fragmentsAllowed])
        let b = try? JSONSerialization.jsonObject(with: replayed, options: [.fragmentsAllowed])
        var out: [String] = []
        walk(a, b, path: "", into: &out, limit: limit)
        return out
    }

    private static func walk(_ a: Any?, _ b: Any?, path: String, into out: inout [String], limit: Int) {
        guard out.count < limit else { return }
        if let x = a as? [String: Any], let y = b as? [String: Any] {
            for key in Set(x.keys).union(y.keys).sorted() {
                walk(x[key], y[key], path: path.isEmpty ? key : "\(path).\(key)", into: &out, limit: limit)
            }
            return
        }
        if let x = a as? [Any], let y = b as? [Any] {
            if x.count != y.count { out.append("\(path): \(x.count) items → \(y.count) items") }
            for i in 0..<min(x.count, y.count) { walk(x[i], y[i], path: "\(path)[\(i)]", into: &out, limit: limit) }
            return
        }
        let l = text(a)
        let r = text(b)
        if l != r { out.append("\(path): \(l) → \(r)") }
    }

    private static func text(_ v: Any?) -> String {
        guard let v, !(v is NSNull) else { return v == nil ? "(absent)" : "null" }
        if let s = v as? String { return "\"\(s)\"" }
        if JSONSerialization.isValidJSONObject([v]), let d = try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) {
            return String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
        }
        return "\(v)"
    }
}
