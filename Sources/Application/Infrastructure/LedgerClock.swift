import Foundation
import Synchronization

/// Where the application reads "now". Deciders never read a clock; handlers take the time from this and
/// pass it in, so a simulated day runs at any speed and replays identically.
public protocol LedgerClock: Sendable {
    func now() -> Date
}

public struct SystemLedgerClock: LedgerClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock the caller moves: simulated sessions and tests.
public final class ManualLedgerClock: LedgerClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
