import Domain
import Foundation
import Synchronization

/// Which candidates of today's cycles to observe after the decision. Prices recorded for them (traded or
/// not) are what ML labels untraded candidates with; the features stay the ones recorded at decision time.
///
/// Two tiers: the candidates that reached the observed stage are priced every minute for the rest of the
/// day (barriers need the path); every other stage-1 candidate is priced once at each label horizon
/// (decision + 5, 15 and 60 minutes, and the minute before the close), which is what its forward returns
/// need, at a few hundred prices per cycle instead of a full path.
public final class ObservationRegistry: Sendable {
    /// Offsets after the decision at which every candidate is priced.
    public static let horizons: [TimeInterval] = [5 * 60, 15 * 60, 60 * 60]

    struct Watch: Sendable {
        var date: NYDate
        var everyMinute: [Symbol]
        var atHorizons: [Symbol]
        /// Horizon instants not priced yet, ascending.
        var pending: [Date]
    }

    private let watched = Mutex<[CycleID: Watch]>([:])

    public init() {}

    /// Registers a cycle decided at `decidedAt`: `symbols` every minute, `horizonSymbols` at the horizons and
    /// at `endOfDay` (the last minute of the session). Horizons before `notBefore` are left out (a restart
    /// does not price a long-past horizon late).
    public func watch(
        _ cycle: CycleID, date: NYDate, symbols: [Symbol], horizonSymbols: [Symbol] = [], decidedAt: Date? = nil, endOfDay: Date? = nil,
        notBefore: Date? = nil
    ) {
        guard !symbols.isEmpty || !horizonSymbols.isEmpty else { return }
        var pending: [Date] = []
        if let decidedAt, !horizonSymbols.isEmpty {
            pending = Self.horizons.map { decidedAt.addingTimeInterval($0) }
            if let endOfDay { pending.append(endOfDay) }
            pending = Array(Set(pending.filter { t in (endOfDay.map { t <= $0 } ?? true) && (notBefore.map { t >= $0 } ?? true) })).sorted()
        }
        let every = Set(symbols)
        let others = horizonSymbols.filter { !every.contains($0) }
        watched.withLock { $0[cycle] = Watch(date: date, everyMinute: symbols, atHorizons: others, pending: pending) }
    }

    /// Cycles of `date` and the symbols to price at `now`: the every-minute ones, plus the horizon ones when
    /// a horizon has come (each horizon once; a late tick prices it late rather than never). Earlier days'
    /// cycles are forgotten: they never come due again.
    public func due(on date: NYDate, at now: Date) -> [(CycleID, [Symbol])] {
        watched.withLock { w in
            w = w.filter { $0.value.date >= date }
            var out: [(CycleID, [Symbol])] = []
            for (id, watch) in w where watch.date == date {
                var symbols = watch.everyMinute
                if let next = watch.pending.first, next <= now {
                    symbols += watch.atHorizons
                    w[id]!.pending.removeAll { $0 <= now }
                }
                if !symbols.isEmpty { out.append((id, symbols)) }
            }
            return out.sorted { $0.0 < $1.0 }
        }
    }
}
