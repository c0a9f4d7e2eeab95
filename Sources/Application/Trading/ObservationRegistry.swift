import Domain
import Foundation
import Synchronization

/// Which candidates of today's cycles to keep observing after the decision. Prices recorded for them
/// (traded or not) are what ML labels untraded candidates with; the features stay the ones recorded at
/// decision time.
public final class ObservationRegistry: Sendable {
    private let watched = Mutex<[CycleID: (date: NYDate, symbols: [Symbol])]>([:])

    public init() {}

    public func watch(_ cycle: CycleID, date: NYDate, symbols: [Symbol]) {
        guard !symbols.isEmpty else { return }
        watched.withLock { $0[cycle] = (date, symbols) }
    }

    /// Cycles of `date` and their watched symbols.
    public func cycles(on date: NYDate) -> [(CycleID, [Symbol])] {
        watched.withLock { w in w.filter { $0.value.date == date }.map { ($0.key, $0.value.symbols) }.sorted { $0.0 < $1.0 } }
    }

    public var allSymbols: Set<Symbol> { watched.withLock { Set($0.values.flatMap(\.symbols)) } }

    /// Forgets days before `date`.
    public func prune(before date: NYDate) { watched.withLock { $0 = $0.filter { $0.value.date >= date } } }
}
