import Domain
import Foundation

/// Cycles that a stopped process left running (killed, or its database went away mid-cycle so even
/// the failure could not be recorded). At start-up the trading process is the only one running cycles
/// for its account, so any cycle still running then can never finish: it is failed with the reason,
/// and a later cycle for the same cron slot is refused by the slot's idempotency key, never run twice.
public struct InterruptedCycles: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public static let errorCode = "interrupted"

    /// Fails every cycle of the recent window that is still running; returns their ids.
    @discardableResult
    public func failAll(context: CommandContext) async throws -> [CycleID] {
        var failed: [CycleID] = []
        for stream in try await system.directory.recentStreams(.cycle) {
            let state = try await system.log.load(Cycle.self, stream).state
            guard state.status == .running, let id = state.cycleID else { continue }
            let stage = state.lastStage
            let now = context.now
            _ = try await system.runner.run(Cycle.self, stream, context: context.followUp(commandID: system.ids.uuid())) { _ in
                .fail(
                    stage: stage, errorCode: Self.errorCode,
                    message: "the process running this cycle stopped before it completed (last completed stage: \(stage.map(\.rawValue) ?? "none")); failed at start-up",
                    at: now)
            }
            system.logger.warning("failed an interrupted cycle at start-up", metadata: ["cycle": "\(id)"])
            failed.append(id)
        }
        return failed
    }
}
