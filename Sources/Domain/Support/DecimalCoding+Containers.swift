import Foundation

// Helpers so payload types with raw `Decimal` fields still write them as strings, the wire rule for
// every number that is not a count.
extension KeyedEncodingContainer {
    mutating func encodeDecimal(_ value: Decimal, forKey key: Key) throws {
        try encode(DecimalText.format(value), forKey: key)
    }

    mutating func encodeDecimalIfPresent(_ value: Decimal?, forKey key: Key) throws {
        if let value { try encodeDecimal(value, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// Accepts a decimal string (our format) or a JSON number (payloads written before decimals were
    /// strings, and peers that write numbers).
    func decodeDecimal(forKey key: Key) throws -> Decimal {
        if let text = try? decode(String.self, forKey: key) {
            guard let value = DecimalText.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a plain decimal: \(text)")
            }
            return value
        }
        return try decode(Decimal.self, forKey: key)
    }

    func decodeDecimalIfPresent(forKey key: Key) throws -> Decimal? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeDecimal(forKey: key)
    }
}
