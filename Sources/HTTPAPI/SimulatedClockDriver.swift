import Application
import CatalystApp
import Domain
import Foundation
import Logging

/// Moves the simulated day forward for `catalyst serve --simulate`: minute by minute from the session
/// open, the paper broker first, then the per-minute duties (`TradingDuties.minute`: reconciliation,
/// approval expiry, position monitoring) — the same order as `SimulatedSession`, but with cycles started
/// by API requests instead of the crontab. Time waits for cycles in flight, so a cycle runs on one
/// frozen minute as it does in a simulated session.
public final class SimulatedClockDriver: Sendable {
    let world: SimulatedWorld
    let system: TradingSystem
    let cycles: CycleRunner
    let duties: TradingDuties
    let logger: Logger
    /// Minutes after the close during which the clock keeps moving (expiries, late fills).
    let minutesAfterClose = 5

    public init(world: SimulatedWorld, system: TradingSystem, cycles: CycleRunner, logger: Logger) {
        self.world = world
        self.system = system
        self.cycles = cycles
        self.logger = logger
        self.duties = TradingDuties(system: system)
    }

    public var now: Date { system.clock.now() }
    var end: Date { world.session.close.addingTimeInterval(Double(minutesAfterClose) * 60) }

    /// The open: the start-up reconciliation runs here and opens the trading gate.
    public func open() async throws {
        try await tick(at: world.session.open)
    }

    /// Advances `minutes` simulated minutes (stops at the end of the session). Returns false at the end.
    @discardableResult
    public func step(minutes: Int = 1) async throws -> Bool {
        for _ in 0..<minutes {
            let next = now.addingTimeInterval(60)
            guard next <= end else { return false }
            await cycles.waitIdle()
            try await tick(at: next)
        }
        return now.addingTimeInterval(60) <= end
    }

    func tick(at t: Date) async throws {
        world.setTime(t)
        try await world.venue.advance(to: t)
        try await duties.minute(context: system.context(.system))
    }

    /// Runs the day at `speed` simulated seconds per real second until the session (plus the minutes
    /// after the close) ends, or the task is cancelled. A failed minute is logged and the day goes on.
    public func run(speed: Double) async {
        let started = ContinuousClock.now
        var minute = 0
        while !Task.isCancelled {
            minute += 1
            let due = started + .seconds(Double(minute) * 60 / speed)
            do { try await Task.sleep(until: due, clock: .continuous) } catch { return }
            do {
                guard try await step() else {
                    logger.notice("simulated session ended", metadata: ["at": "\(now)"])
                    return
                }
            } catch {
                logger.error("simulated minute failed", metadata: ["at": "\(now)", "error": "\(error)"])
            }
        }
    }
}
