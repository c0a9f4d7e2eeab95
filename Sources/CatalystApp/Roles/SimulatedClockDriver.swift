import Application
import Broker
import Domain
import Foundation
import HTTPAPI
import Logging
import MarketData

/// Moves the simulated days forward for `catalyst serve --simulate`: minute by minute from the session
/// open, the paper broker first, then the per-minute duties (`TradingDuties.minute`: reconciliation,
/// approval expiry, position monitoring) — the same order as `SimulatedSession`, but with cycles started
/// by API requests (or, with a crontab, by its workflow lines on the simulated minute) instead of real
/// cron. Time waits for cycles in flight, so a cycle runs on one frozen minute as it does in a simulated
/// session. With several days, the clock jumps from one day's end to the next session's open in the same
/// process (so a soak can watch memory over a week).
public final class SimulatedClockDriver: Sendable {
    let world: SimulatedWorld
    let system: TradingSystem
    let cycles: CycleRunner
    let duties: TradingDuties
    let logger: Logger
    /// The consecutive NYSE sessions to run, the world's own first.
    public let sessions: [TradingSession]
    /// The crontab whose workflow lines start cycles on the simulated minute (nil: only API requests do).
    let crontab: String?
    /// Minutes after the close during which the clock keeps moving (expiries, late fills).
    let minutesAfterClose = 5

    public init(world: SimulatedWorld, system: TradingSystem, cycles: CycleRunner, days: Int = 1, crontab: String? = nil, logger: Logger) {
        self.world = world
        self.system = system
        self.cycles = cycles
        self.logger = logger
        self.crontab = crontab
        self.duties = TradingDuties(system: system)
        let calendar = NYSECalendar()
        var sessions = [world.session]
        while sessions.count < max(1, days) { sessions.append(calendar.nextSession(after: sessions[sessions.count - 1].date)) }
        self.sessions = sessions
    }

    public var now: Date { system.clock.now() }

    /// The session the clock is in: the last one whose open has passed.
    public var session: TradingSession { sessions.last { $0.open <= now } ?? sessions[0] }
    func end(of s: TradingSession) -> Date { s.close.addingTimeInterval(Double(minutesAfterClose) * 60) }

    /// The first minute: the session open of `--date` on a ledger that holds none of these days yet;
    /// otherwise the minute after the latest simulated minute the ledger holds (a restarted server
    /// continues its day instead of replaying it; past the last day's end it stays there, serving reads).
    /// The start-up reconciliation runs at this first tick and opens the trading gate.
    public func open() async throws {
        let start = try await resumePoint()
        if start > world.session.open {
            let day = sessions.last { $0.open <= start } ?? sessions[0]
            if day != sessions[0] { world.broker.beginSession(PaperSession(open: day.open, close: day.close)) }
            logger.notice("resuming the simulated clock where the ledger stands", metadata: ["at": "\(start)", "date": "\(day.date)"])
            // The simulated exchange did not forget what it held because this process died.
            // From the last minute the ledger finished: the tick at `start` looks at the minute before it, as the
            // process that died would have.
            let orders = try await PaperRestart.restore(world, system: system, at: max(day.open, start.addingTimeInterval(-60)))
            logger.notice("the paper broker took back the ledger's book", metadata: ["orders": "\(orders)"])
        }
        try await tick(at: start)
    }

    /// Where the clock starts: see `open()`.
    func resumePoint() async throws -> Date {
        let first = sessions[0].open
        let last = end(of: sessions[sessions.count - 1])
        guard let latest = try await system.log.store.latestOccurrence(from: first, to: last) else { return first }
        let minute = Date(timeIntervalSince1970: (latest.timeIntervalSince1970 / 60).rounded(.down) * 60)
        var next = minute.addingTimeInterval(60)
        // A minute after a day's end continues at the next session's open.
        if let day = sessions.last(where: { $0.open <= minute }), next > end(of: day) {
            next = sessions.first { $0.open > day.open }?.open ?? end(of: day)
        }
        return min(max(next, first), last)
    }

    /// Advances `minutes` simulated minutes; after a day's end, the next one goes to the next session's
    /// open. Returns false once the last day has ended.
    @discardableResult
    public func step(minutes: Int = 1) async throws -> Bool {
        for _ in 0..<minutes {
            let day = session
            var next = now.addingTimeInterval(60)
            if next > end(of: day) {
                guard let following = sessions.first(where: { $0.open > day.open }) else { return false }
                next = following.open
                await cycles.waitIdle()
                // The paper broker works the new day's orders from its open (and expires `day` orders at its close).
                world.broker.beginSession(PaperSession(open: following.open, close: following.close))
                logger.notice("simulated session", metadata: ["date": "\(following.date)"])
            }
            await cycles.waitIdle()
            try await tick(at: next)
        }
        return now.addingTimeInterval(60) <= end(of: session) || sessions.last != session
    }

    func tick(at t: Date) async throws {
        world.setTime(t)
        try await world.venue.advance(to: t)
        try await duties.minute(context: system.context(.system))
        try await fireSchedule(at: t)
    }

    /// The crontab's workflow lines due this New York minute start their cycle, as cron's curl would
    /// through `POST /api/v1/workflow/start` (actor `cron`, the slot as idempotency key).
    func fireSchedule(at t: Date) async throws {
        guard let crontab else { return }
        let schedule = try CronSchedule.parse(crontab, on: NYDate(t).isoWeekday)
        for trigger in schedule.triggers where trigger.minuteOfDay == NewYork.minuteOfDay(t) {
            let context = system.context(Actor(.cron, name: "line-\(trigger.line)"))
            do {
                let started = try await CycleService(system: system).start(trigger.request, context: context)
                if !started.alreadyStarted { await cycles.launch(started.cycleID, context: context) }
            } catch {
                logger.warning("scheduled cycle not started", metadata: ["line": "\(trigger.line)", "at": "\(t)", "error": "\(error)"])
            }
        }
    }

    /// Runs the days at `speed` simulated seconds per real second (`.infinity`: as fast as the minutes
    /// and the cycles in flight allow) until the last day (plus the minutes after the close) ends, or the
    /// task is cancelled. A failed minute is logged and the day goes on.
    public func run(speed: Double) async {
        let started = ContinuousClock.now
        var minute = 0
        while !Task.isCancelled {
            minute += 1
            if speed.isFinite {
                // Pacing counts simulated minutes of trading, so the overnight jump costs no real time.
                let due = started + .seconds(Double(minute) * 60 / speed)
                do { try await Task.sleep(until: due, clock: .continuous) } catch { return }
            } else {
                await Task.yield()
            }
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
