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

/// A phrase of token patterns; a pattern ending in `*` matches any token with that prefix.
struct LexiconPhrase: Sendable, Hashable {
    let patterns: [String]
    let text: String

    init(_ text: String) {
        self.text = text
        patterns = text.split(separator: " ").map(String.init)
    }

    /// True when the phrase matches `tokens` starting at `i`.
    func matches(_ tokens: [String], at i: Int) -> Bool {
        guard i + patterns.count <= tokens.count else { return false }
        for (k, p) in patterns.enumerated() {
            let t = tokens[i + k]
            if p.hasSuffix("*") {
                guard t.hasPrefix(p.dropLast()) else { return false }
            } else if p.hasPrefix("*") {
                guard t.hasSuffix(p.dropFirst()), t.count > p.count - 1 else { return false }
            } else {
                guard t == p else { return false }
            }
        }
        return true
    }
}
