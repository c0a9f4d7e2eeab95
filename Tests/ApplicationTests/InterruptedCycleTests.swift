import Application
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// A process that dies mid-cycle (or loses its database so that not even the failure is recorded)
/// leaves the cycle running. The next process's start-up reconciliation fails it with the reason;
/// finished cycles are untouched, and the same cron slot still starts nothing new.
@Suite struct InterruptedCycleTests {
    @Test func aCycleLeftRunningIsFailedAtTheNextStartUpAndItsSlotStaysUsed() async throws {
        let h = try await SimHarness.make(hour: 10, minute: 0)
        // A finished cycle, then one that was started but whose process "died" before running it.
        let (done, _) = try await h.runCycle(StartCycleRequest(mode: "normal", idempotencyKey: "slot-0930"))
        let orphan = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal", idempotencyKey: "slot-1000"), context: h.context())
        #expect(try await h.events(in: .cycle(orphan.cycleID)).count == 1)

        // The restarted process: same database, a new trading system (another id seed: a real restart
        // draws fresh random ids; a seeded generator would replay the first process's ids).
        let restarted = try await SimHarness.make(hour: 10, minute: 1, seed: 99, reconciled: false, store: h.store)
        let report = try await restarted.reconcileAtStartup()
        #expect(report.interruptedCycles == [orphan.cycleID])
        let state = try await restarted.system.log.load(Cycle.self, .cycle(orphan.cycleID)).state
        #expect(state.status == .failed)
        guard case .cycle(.failed(let failed))? = try await restarted.events(in: .cycle(orphan.cycleID)).last else {
            Issue.record("no cycle.failed event")
            return
        }
        #expect(failed.errorCode == InterruptedCycles.errorCode && failed.message.contains("stopped before it completed"))
        #expect(try await restarted.system.log.load(Cycle.self, .cycle(done.cycleID)).state.status == .completed)

        // A cron retry of the interrupted slot starts nothing new; a second start-up fails nothing more.
        let retry = try await CycleService(system: restarted.system).start(
            StartCycleRequest(mode: "normal", idempotencyKey: "slot-1000"), context: restarted.context())
        #expect(retry.cycleID == orphan.cycleID)
        #expect(try await restarted.reconcileAtStartup().interruptedCycles.isEmpty)
    }
}
