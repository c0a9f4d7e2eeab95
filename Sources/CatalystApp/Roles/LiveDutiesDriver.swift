import Application
import Domain
import Foundation
import Logging
import MarketData
import Synchronization

/// The per-minute duties of a live `catalyst serve` (reconciliation with the broker — the first run is
/// the start-up reconciliation that opens the trading gate —, fills, approval expiry, position
/// monitoring), on the wall clock: every minute from 15 minutes before the open to 15 minutes after the
/// close of each exchange session, and a start-up pass whatever the hour; outside the sessions only while
/// something waits on the broker (see `due(at:)`).
public final class LiveDutiesDriver: Sendable {
    let system: TradingSystem
    let duties: TradingDuties
    let calendar = NYSECalendar()
    let logger: Logger
    private let completedOnce = Mutex(false)

    public init(system: TradingSystem, logger: Logger) {
        self.system = system
        self.duties = TradingDuties(system: system)
        self.logger = logger
    }

    /// Whether `t` is inside a session's watch window.
    func watching(_ t: Date) -> Bool {
        guard let session = calendar.session(on: NYDate(t)) else { return false }
        return t >= session.open.addingTimeInterval(-15 * 60) && t <= session.close.addingTimeInterval(15 * 60)
    }

    /// Whether the duties should run at `t`: inside a session's watch window, or at any hour while
    /// something waits on the broker — no pass has completed yet (the start-up one failed, e.g. the broker
    /// was down) or an order's submission is unresolved (`requested` with no answer, `submit_unknown`).
    /// Those must not wait for the next session to be looked up.
    public func due(at t: Date) async -> Bool {
        if watching(t) || !completedOnce.withLock({ $0 }) { return true }
        do {
            return try await system.directory.openOrders().contains { $0.parentOrderID == nil && [.requested, .submitUnknown].contains($0.status) }
        } catch {
            logger.warning("could not read the open orders; running the duties", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// One pass of the duties now.
    @discardableResult
    public func tick() async throws -> TradingDuties.Minute {
        let minute = try await duties.minute(context: system.context(.system))
        completedOnce.withLock { $0 = true }
        return minute
    }

    /// The start-up pass, then one pass a minute inside the watch window until cancelled. A failed pass
    /// is logged and the next minute tries again (the broker's circuit breaker spaces the retries).
    public func run() async {
        do { try await tick() } catch { logger.error("start-up duties failed", metadata: ["error": "\(error)"]) }
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(60)) } catch { return }
            guard await due(at: system.clock.now()) else { continue }
            do { try await tick() } catch { logger.error("minute duties failed", metadata: ["error": "\(error)"]) }
        }
    }
}
