import Broker
import Domain
import EventStore
import Foundation

/// The account's risk day: opens it (carrying a halt and open positions over from the previous trading
/// day), keeps its parameters in step with the configuration, and answers "is trading halted?".
public struct RiskDesk: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public func stream(_ date: NYDate) -> StreamName { StreamName.risk(account: system.account, date: date) }

    /// The day's state, opening the day first if nobody has yet. Idempotent: concurrent openers converge
    /// on one `risk.day_opened` through the stream's expected version.
    ///
    /// What it appends (the day, a parameters change) goes under command ids of its own: callers go on
    /// to append their own command (a halt, a decision, a fill) under `context`'s id, and the store
    /// would take that second append for a retry of the first and silently drop it.
    @discardableResult
    public func ensureOpen(_ date: NYDate, context: CommandContext) async throws -> Risk.State {
        let loaded = try await system.log.load(Risk.self, stream(date))
        var state = loaded.state
        if !state.isOpened {
            let previous = try await previousDay(before: date)
            let parameters = system.riskParameters.current()
            let equity = try? await system.broker.account().equity
            let open: Risk.OpenDay =
                previous.map {
                    Risk.OpenDay.following($0, account: system.account, date: date, at: context.now, parameters: parameters, startingEquity: equity)
                }
                ?? Risk.OpenDay(
                    account: system.account, date: date, at: context.now, parameters: parameters, startingEquity: equity, carriedHalt: nil,
                    carriedPositions: [])
            state = try await system.runner.run(Risk.self, stream(date), context: context.followUp(commandID: system.ids.uuid())) { _ in
                .openDay(open)
            }.state
        }
        return try await syncParameters(date, state: state, context: context.followUp(commandID: system.ids.uuid()))
    }

    /// Appends `risk.parameters_changed` when the configuration file changed since its values were last
    /// applied. A change made through the API (`setParameters`) stands until the file itself changes.
    func syncParameters(_ date: NYDate, state: Risk.State, context: CommandContext) async throws -> Risk.State {
        let wanted = system.riskParameters.current()
        guard state.fileParametersHash != wanted.hash, state.parametersHash != wanted.hash else { return state }
        let source = system.riskParameters.sourceDescription
        return try await system.runner.run(Risk.self, stream(date), context: context) { _ in
            .changeParameters(wanted, by: context.actor, at: context.now, source: source)
        }.state
    }

    /// The most recent earlier risk day within two weeks (weekends and holidays have none).
    func previousDay(before date: NYDate) async throws -> Risk.State? {
        for back in 1...14 {
            let loaded = try await system.log.load(Risk.self, stream(date.adding(days: -back)))
            if loaded.state.isOpened { return loaded.state }
        }
        return nil
    }

    /// The halt in force today, if any (a halt carries over days until a human resume).
    public func halt(on date: NYDate, context: CommandContext) async throws -> TradingHalt? {
        try await ensureOpen(date, context: context).halt
    }

    /// Halts trading (emergency stop, manual halt). Idempotent while already halted.
    public func halt(_ reason: HaltReason, detail: String, context: CommandContext) async throws -> Risk.State {
        let date = system.tradingDate(context.now)
        try await ensureOpen(date, context: context)
        return try await system.runner.run(Risk.self, stream(date), context: context) { _ in
            .halt(reason, by: context.actor, at: context.now, detail: detail)
        }.state
    }

    public enum ParametersOutcome: Sendable, Equatable {
        case changed(RiskParameters)
        case unchanged(RiskParameters)
        /// Maker–checker: the change loosens these limits and waits for a second, different human.
        case awaitingSecondHuman(raises: [String])
    }

    /// A risk officer's change of today's limits (they stand for the following days until changed again,
    /// or until the configuration file changes). With `makerChecker`, a change that loosens any limit
    /// needs a second, different human to set the same values.
    public func setParameters(_ parameters: RiskParameters, reason: String, makerChecker: Bool, context: CommandContext) async throws -> ParametersOutcome {
        let date = system.tradingDate(context.now)
        let before = try await ensureOpen(date, context: context)
        if before.parametersHash == parameters.hash { return .unchanged(parameters) }
        do {
            let outcome = try await system.runner.run(Risk.self, stream(date), context: context) { _ in
                .setParameters(parameters, by: context.actor, at: context.now, reason: reason, makerChecker: makerChecker)
            }
            for e in outcome.events { if case .parametersProposed(let p) = e { return .awaitingSecondHuman(raises: p.raises) } }
            return .changed(outcome.state.parameters)
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
    }

    /// The limits in force today (the file's until a day is opened).
    public func parametersInForce(now: Date) async throws -> RiskParameters {
        let state = try await system.log.load(Risk.self, stream(system.tradingDate(now))).state
        return state.isOpened ? state.parameters : system.riskParameters.current()
    }

    /// What a resume did: lifted the halt, or recorded a request that waits for a human (an agent
    /// asked) or for a second, different human (maker–checker after a loss-limit halt).
    public enum ResumeOutcome: Sendable, Equatable {
        case resumed
        case notHalted
        case awaitingHuman
        case awaitingSecondHuman
    }

    /// Lifts a halt when a human asks (the decider refuses anyone else); anyone else's ask is recorded
    /// as a request for a human (`risk.resume_requested`). With `makerChecker` a daily-loss-limit halt
    /// needs two different humans.
    public func resume(note: String, makerChecker: Bool = false, onlyRequest: Bool = false, context: CommandContext) async throws -> ResumeOutcome {
        let date = system.tradingDate(context.now)
        let before = try await ensureOpen(date, context: context)
        guard before.halt != nil else { return .notHalted }
        do {
            if onlyRequest || !context.actor.isHuman {
                _ = try await system.runner.run(Risk.self, stream(date), context: context) { _ in
                    .requestResume(by: context.actor, at: context.now, note: note)
                }
                return .awaitingHuman
            }
            let state = try await system.runner.run(Risk.self, stream(date), context: context) { _ in
                .resume(by: context.actor, at: context.now, note: note, makerChecker: makerChecker)
            }.state
            return state.halt == nil ? .resumed : .awaitingSecondHuman
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
    }
}
