/// Splits news text into lower-case word tokens for the lexicons.
///
/// Letters, digits and apostrophes stay inside a token ("didn't", "q3"); everything else separates
/// tokens. Clause punctuation (, ; : . ! ? — and the word "but") becomes the boundary token `|`, which
/// stops a negation's scope: "did not comment, but shares surge" must not negate "surge".
enum Tokenizer {
    static let boundary = "|"

    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty {
                // Possessive "'s" adds nothing to matching ("Acme's" → "acme").
                if current.hasSuffix("'s") { current.removeLast(2) }
                let trimmed = current.trimmingApostrophes()
                if !trimmed.isEmpty { out.append(trimmed == "but" ? boundary : trimmed) }
                current = ""
            }
        }
        for scalar in text.unicodeScalars {
            let ch = Character(scalar)
            if ch.isLetter || ch.isNumber {
                current.append(contentsOf: ch.lowercased())
            } else if ch == "'" || ch == "’" {
                current.append("'")
            } else {
                flush()
                if ",;:.!?—–()".contains(ch), out.last != boundary { out.append(boundary) }
            }
        }
        flush()
        return out
    }
}

extension String {
    fileprivate func trimmingApostrophes() -> String {
        var s = Substring(self)
        while s.first == "'" { s = s.dropFirst() }
        while s.last == "'" { s = s.dropLast() }
        return String(s)
    }
}

/// A phrase of token patterns; a pattern ending in `*` matches any token with that prefix, one starting
/// with `*` any token with that suffix. Patterns are parsed once, so matching allocates nothing.
struct LexiconPhrase: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case exact(String)
        case prefix(String)
        case suffix(String)

        @inline(__always) func matches(_ t: String) -> Bool {
            switch self {
            case .exact(let s): t == s
            case .prefix(let s): t.hasPrefix(s)
            case .suffix(let s): t.count > s.count && t.hasSuffix(s)
            }
        }
    }

    let parts: [Part]
    let text: String
    var count: Int { parts.count }

    init(_ text: String) {
        self.text = text
        parts = text.split(separator: " ").map { p in
            if p.hasSuffix("*") { return .prefix(String(p.dropLast())) }
            if p.hasPrefix("*") { return .suffix(String(p.dropFirst())) }
            return .exact(String(p))
        }
    }

    /// True when the phrase matches `tokens` starting at `i`.
    func matches(_ tokens: [String], at i: Int) -> Bool {
        guard i + parts.count <= tokens.count else { return false }
        for k in 0..<parts.count where !parts[k].matches(tokens[i + k]) { return false }
        return true
    }
}
