import Foundation

/// One regular trading session of the exchange. Given as input (from the broker's calendar API or the
/// simulated market's rules); the domain never derives it from the wall clock.
public struct TradingSession: Hashable, Sendable, Codable {
    public var date: NYDate
    public var open: Date
    public var close: Date

    public init(date: NYDate, open: Date, close: Date) {
        self.date = date
        self.open = open
        self.close = close
    }

    /// A regular 09:30–16:00 session on `date`.
    public static func regular(_ date: NYDate) -> TradingSession {
        TradingSession(date: date, open: date.at(hour: 9, minute: 30), close: date.at(hour: 16, minute: 0))
    }

    /// A 09:30–13:00 early-close session on `date`.
    public static func earlyClose(_ date: NYDate) -> TradingSession {
        TradingSession(date: date, open: date.at(hour: 9, minute: 30), close: date.at(hour: 13, minute: 0))
    }

    public var isEarlyClose: Bool { close < date.at(hour: 16, minute: 0) }

    public func contains(_ instant: Date) -> Bool { instant >= open && instant < close }

    public var duration: TimeInterval { close.timeIntervalSince(open) }
}

/// The answer to "is the market open now?", as the calendar gives it at a known instant.
public struct MarketClock: Hashable, Sendable, Codable {
    public var timestamp: Date
    public var isOpen: Bool
    public var nextOpen: Date
    public var nextClose: Date
    /// Today's session when `timestamp` falls on a trading day (open or not yet/no longer open).
    public var session: TradingSession?

    public init(timestamp: Date, isOpen: Bool, nextOpen: Date, nextClose: Date, session: TradingSession?) {
        self.timestamp = timestamp
        self.isOpen = isOpen
        self.nextOpen = nextOpen
        self.nextClose = nextClose
        self.session = session
    }

    enum CodingKeys: String, CodingKey {
        case timestamp
        case isOpen = "is_open"
        case nextOpen = "next_open"
        case nextClose = "next_close"
        case session
    }
}
