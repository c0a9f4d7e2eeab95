import Broker
import Domain
import EventStore
import Foundation
import Logging

/// A venue whose time the session moves (the paper broker): working orders fill, legs trigger, day
/// orders expire as simulated time passes.
public protocol SimulatedVenue: Sendable {
    func advance(to time: Date) async throws
}

/// One trading day on simulated time: the crontab's workflow triggers, the per-minute duties
/// (reconciliation, approvals, monitoring) and the paper broker, minute by minute from the open to the
/// close, as fast as the machine allows or at a chosen speed.
public struct SimulatedSession: Sendable {
    public struct Configuration: Sendable {
        public var session: TradingSession
        public var schedule: CronSchedule
        /// Simulated seconds per real second; nil runs as fast as possible.
        public var speed: Double?
        /// Minutes after the close during which the session keeps reconciling (expiries, late fills).
        public var minutesAfterClose = 5

        public init(session: TradingSession, schedule: CronSchedule, speed: Double?) {
            self.session = session
            self.schedule = schedule
            self.speed = speed
        }
    }

    public struct Progress: Sendable {
        public var minute: Int
        public var minutes: Int
        public var at: Date
        public var cycles: Int
        public var events: Int64
    }

    let system: TradingSystem
    let venue: any SimulatedVenue
    let clock: ManualLedgerClock
    let setMarketTime: @Sendable (Date) -> Void

    public init(
        system: TradingSystem, venue: any SimulatedVenue, clock: ManualLedgerClock, setMarketTime: @escaping @Sendable (Date) -> Void
    ) {
        self.system = system
        self.venue = venue
        self.clock = clock
        self.setMarketTime = setMarketTime
    }

    /// Runs the day and returns the cycles it started (with their outcome).
    public func run(_ configuration: Configuration, progress: (@Sendable (Progress) -> Void)? = nil) async throws -> [CycleID: String] {
        let open = configuration.session.open
        let end = configuration.session.close.addingTimeInterval(Double(configuration.minutesAfterClose) * 60)
        let minutes = Int(end.timeIntervalSince(open) / 60)
        let duties = TradingDuties(system: system)
        let triggers = Dictionary(grouping: configuration.schedule.triggers, by: \.minuteOfDay)
        var cycles: [CycleID: String] = [:]
        let started = ContinuousClock.now

        for minute in 0...minutes {
            let t = open.addingTimeInterval(Double(minute) * 60)
            clock.set(t)
            setMarketTime(t)
            try await venue.advance(to: t)
            let tick = system.context(.system)
            try await duties.minute(context: tick)

            for trigger in triggers[NewYork.minuteOfDay(t)] ?? [] {
                let context = system.context(Actor(.cron, name: "line-\(trigger.line)"))
                do {
                    let start = try await CycleService(system: system).start(trigger.request, context: context)
                    guard !start.alreadyStarted else { continue }
                    let summary = try await CycleExecution(system: system).run(start.cycleID, context: context.followUp(commandID: system.ids.uuid()))
                    cycles[start.cycleID] = "completed: \(summary.signals) signals, \(summary.approvals) approved, \(summary.orders) orders"
                } catch {
                    cycles[CycleID(rawValue: "refused@\(NewYork.minuteOfDay(t))")] = "\(error)"
                    system.logger.warning("scheduled cycle not run", metadata: ["line": "\(trigger.line)", "error": "\(error)"])
                }
            }
            if let p = progress {
                p(Progress(minute: minute, minutes: minutes, at: t, cycles: cycles.count, events: 0))
            }
            if let speed = configuration.speed, speed > 0 {
                let due = started + .seconds(Double(minute + 1) * 60 / speed)
                let now = ContinuousClock.now
                if due > now { try await Task.sleep(until: due, clock: .continuous) }
            }
        }
        return cycles
    }
}
