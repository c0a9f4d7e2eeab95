/// A trading cycle. Derived once from the StartCycle idempotency key, so a retried cron call maps to
/// the same cycle.
public struct CycleID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// Our own id for an order (one stream per order). Never the broker's id.
public struct OrderID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// The id the broker assigns to an order (Alpaca `id`).
public struct BrokerOrderID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A position: one per symbol from flat to flat.
public struct PositionID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A signal produced by the strategy for one candidate in one cycle.
public struct SignalID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One broker execution (Alpaca `execution_id` or activity id). Fills are deduplicated on it.
public struct ExecutionID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A news item id as given by its source.
public struct NewsID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// The id sent to the broker as `client_order_id`: our idempotency key with the broker.
/// Alpaca documents a maximum of 48 characters; construction refuses anything longer or empty.
public struct ClientOrderID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public static let maxLength = 48
    public let rawValue: String

    public init?(_ raw: String) {
        guard !raw.isEmpty, raw.utf8.count <= Self.maxLength,
            raw.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else { return nil }
        self.rawValue = raw
    }

    public var description: String { rawValue }
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let id = ClientOrderID(raw) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid client_order_id: \(raw)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A US equity ticker: 1–12 characters of A–Z, 0–9, `.`, `-` or `/`, stored upper-case.
public struct Symbol: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ raw: String) {
        let upper = raw.uppercased()
        guard (1...12).contains(upper.utf8.count),
            upper.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 47 })
        else { return nil }
        self.rawValue = upper
    }

    public var description: String { rawValue }
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let s = Symbol(raw) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid symbol: \(raw)") }
        self = s
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
