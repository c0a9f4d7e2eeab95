import Domain
import Foundation

/// The observation watches that a stopped process had registered for today's cycles, registered again
/// at start-up. The registry lives in memory. Without this step, a restarted `serve` would stop recording
/// the prices that the ML labels of the day's earlier candidates are made of, and the labels would end
/// silently at the restart.
///
/// The watches come from the log, as `CycleExecution` registered them: the scan's candidates, the scan
/// time as the decision time, and the session's last minute. A label horizon that passed while no process
/// ran is not priced late. A price taken an hour after its horizon would pass for that horizon's price.
public struct ObservationRestore: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    /// How late a horizon may still be priced after a restart.
    public static let lateHorizonTolerance: TimeInterval = 60

    /// Registers the watches of every recent cycle of `now`'s trading date that recorded its scan; returns
    /// those cycles.
    @discardableResult
    public func restore(at now: Date) async throws -> [CycleID] {
        let today = system.tradingDate(now)
        let observed = system.configuration.observedStage
        var restored: [CycleID] = []
        for stream in try await system.directory.recentStreams(.cycle) {
            var cycleID: CycleID?
            var scannedAt: Date?
            var everyMinute: [Symbol] = [], all: [Symbol] = []
            for event in try await system.log.events(stream) {
                switch event {
                case .cycle(.candidateEvaluated(let c)):
                    cycleID = c.cycleID
                    all.append(c.evaluation.features.symbol)
                    if c.evaluation.stageReached >= observed { everyMinute.append(c.evaluation.features.symbol) }
                case .cycle(.scanCompleted(let s)):
                    cycleID = s.cycleID
                    scannedAt = s.completedAt
                default:
                    break
                }
            }
            guard let cycleID, let scannedAt, system.tradingDate(scannedAt) == today, !all.isEmpty,
                let session = try await system.market.clock(asOf: scannedAt).session
            else { continue }
            system.observations.watch(
                cycleID, date: today, symbols: everyMinute, horizonSymbols: all, decidedAt: scannedAt, endOfDay: session.close.addingTimeInterval(-60),
                notBefore: now.addingTimeInterval(-Self.lateHorizonTolerance))
            restored.append(cycleID)
        }
        if !restored.isEmpty {
            system.logger.notice("observation watches restored at start-up", metadata: ["cycles": "\(restored.count)"])
        }
        return restored
    }
}
