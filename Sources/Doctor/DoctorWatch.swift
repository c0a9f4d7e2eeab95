import Domain
import Foundation
import Logging
import ServiceLifecycle

/// `catalyst doctor watch`: the original loop as a service. Every 5 minutes within market hours (New
/// York 09:15–16:15 on exchange sessions) it runs one pass — check, allowed fixes, re-check, log — and
/// outside them it sleeps. A failed pass is logged and the loop goes on; SIGTERM/SIGINT end it between
/// passes (or cut a sleep short).
public struct DoctorWatch: Service {
    public var interval: Duration
    public var hours: DoctorHours
    let pass: @Sendable (Date) async throws -> Void
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        interval: Duration = .seconds(300), hours: DoctorHours, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        pass: @escaping @Sendable (Date) async throws -> Void
    ) {
        self.interval = interval
        self.hours = hours
        self.logger = logger
        self.now = now
        self.pass = pass
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let t = now()
            if hours.contains(t) {
                do {
                    try await pass(t)
                } catch {
                    logger.error("doctor pass failed", metadata: ["error": "\(error)"])
                }
            } else {
                logger.debug("outside market hours", metadata: ["at": "\(t)"])
            }
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        logger.notice("doctor watch stopped")
    }
}

/// When the watchdog runs: 09:15–16:15 New York time (the original's buffers around the session) on
/// days the exchange is open.
public struct DoctorHours: Sendable {
    public var startMinute = 9 * 60 + 15
    public var endMinute = 16 * 60 + 15
    let isSession: @Sendable (NYDate) -> Bool

    public init(isSession: @escaping @Sendable (NYDate) -> Bool) { self.isSession = isSession }

    /// Every minute of every day: for soaks whose ledger runs on a simulated clock while the wall clock
    /// may be on a weekend.
    public static var always: DoctorHours {
        var h = DoctorHours(isSession: { _ in true })
        h.startMinute = 0
        h.endMinute = 24 * 60
        return h
    }

    public func contains(_ t: Date) -> Bool {
        let minute = CycleChecks.minuteOfDay(t)
        return isSession(NYDate(t)) && minute >= startMinute && minute < endMinute
    }
}
