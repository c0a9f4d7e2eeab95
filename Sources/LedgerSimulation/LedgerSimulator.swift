import Domain
import Foundation

/// A command the simulator expected to succeed was refused by a decider: the generator (not the
/// projection under test) is wrong, so the history stops here instead of silently skipping a fact.
public struct SimulationError: Error, CustomStringConvertible {
    public var description: String
}

/// Generates valid event histories by driving the domain's deciders, the way the command handlers
/// will: open the risk day, run cycles (scan → signals → risk → bracket orders), fill orders against a
/// random-walk market, mark positions, exit flat before the close. Every event comes out of a
/// `decide`, so the history is valid by construction.
///
/// ```swift
/// var sim = LedgerSimulator(SimulationOptions(seed: 7, days: 3))
/// while !sim.isFinished {
///     for request in try sim.nextDay().appendRequests(codec: codec) { _ = try await store.append(request) }
/// }
/// sim.positionStates   // the deciders' own view, to check read models against
/// ```
public struct LedgerSimulator {
    public let options: SimulationOptions
    var rng: SeededRandom

    // Market.
    var symbols: [Symbol] = []
    var sectors: [Symbol: Sector] = [:]
    var prices: [Symbol: Decimal] = [:]

    // The day being simulated.
    var dayIndex = 0
    var calendarDay: NYDate
    var date: NYDate
    var clock = Date(timeIntervalSince1970: 0)
    var equity: Decimal
    var risk = Risk.initial
    var haltMinute: Int?
    var resumeMinute: Int?

    // Aggregates, as the handlers would load them.
    var cycles: [CycleID: CycleRun] = [:]
    var todaysCycles: [CycleID] = []
    var orders: [OrderID: SimOrder] = [:]
    /// Orders that can still change at the broker, in the order they were placed.
    var working: [OrderID] = []
    var positions: [Symbol: Position.State] = [:]
    var protected: Set<PositionID> = []
    var brokerCounter = 0

    // Output.
    var recorder: DecisionRecorder
    public var eventCount: Int { recorder.eventCount }
    var correlation: UUID {
        get { recorder.correlation }
        set { recorder.correlation = newValue }
    }
    var actor: Actor {
        get { recorder.actor }
        set { recorder.actor = newValue }
    }
    public private(set) var riskDays: [NYDate: Risk.State] = [:]

    public init(_ options: SimulationOptions) {
        self.options = options
        self.rng = SeededRandom(seed: options.seed)
        self.calendarDay = options.firstDay
        self.date = options.firstDay
        self.equity = options.startingEquity
        self.recorder = DecisionRecorder(seed: options.seed)
        makeMarket()
    }

    /// Every batch of a whole history.
    public static func history(_ options: SimulationOptions) throws -> [SimulatedBatch] {
        var sim = LedgerSimulator(options)
        var out: [SimulatedBatch] = []
        while !sim.isFinished { out += try sim.nextDay() }
        return out
    }

    public var isFinished: Bool { dayIndex >= options.days }

    // MARK: Ground truth for tests

    public var positionStates: [Symbol: Position.State] { positions }
    public var orderStates: [OrderID: Order.State] { orders.mapValues(\.state) }
    public var cycleStates: [CycleID: Cycle.State] { cycles.mapValues(\.state) }

    /// Simulates the next trading day and returns its batches in append order.
    public mutating func nextDay() throws -> [SimulatedBatch] {
        precondition(!isFinished, "the simulation is finished")
        while calendarDay.isWeekend { calendarDay = calendarDay.adding(days: 1) }
        date = calendarDay
        todaysCycles = []
        try openDay()
        for minute in (9 * 60 + 30)..<(16 * 60) { try step(minute) }
        riskDays[date] = risk
        equity += risk.realizedPnL.amount
        calendarDay = calendarDay.adding(days: 1)
        dayIndex += 1
        return recorder.takeBatches()
    }

    private mutating func step(_ minute: Int) throws {
        clock = date.at(hour: minute / 60, minute: minute % 60)
        movePrices()
        try fillWorkingOrders()
        if minute == haltMinute { try halt() }
        if minute == resumeMinute { try resume(note: "resumed after review") }
        if let slot = options.cycleStarts.firstIndex(of: minute) { try runCycle(slot: slot) }
        try maybeReplaceEntries(minute: minute)
        if minute > 9 * 60 + 30, (minute - 9 * 60 - 30) % max(1, options.markEveryMinutes) == 0 { try markPositions() }
        if minute == 15 * 60 + 45 { try closeTheDay() }
        if minute == 15 * 60 + 50 { try completeCycles() }
    }

    // MARK: Emitting events

    /// The next instant on the simulated clock: events within a minute get increasing times.
    mutating func tick() -> Date {
        clock = clock.addingTimeInterval(0.001)
        return clock
    }

    /// Closes the current batch: everything since the last commit is appended atomically.
    mutating func commit() { recorder.commit() }

    var riskStream: StreamName { Risk.stream(account: options.account, date: date) }

    // MARK: The risk day

    private mutating func openDay() throws {
        clock = date.at(hour: 9, minute: 0)
        correlation = rng.uuid()
        actor = .system
        var parameters = RiskParameters.conservative
        parameters.allowShortSelling = true
        let open = Risk.OpenDay.following(
            risk, account: options.account, date: date, at: tick(), parameters: parameters, startingEquity: Money(equity))
        risk = Risk.initial
        try recorder.decide(Risk.self, .openDay(open), &risk, on: riskStream, "open day")
        commit()
        haltMinute = nil
        resumeMinute = nil
        if risk.halt != nil {
            // A halt carried from yesterday: a human reviews it before the open.
            clock = date.at(hour: 9, minute: 5)
            try resume(note: "reviewed overnight halt")
        }
        if rng.chance(options.manualHaltChance) {
            let at = rng.int(10 * 60...14 * 60)
            haltMinute = at
            resumeMinute = at + rng.int(15...60)
        }
    }

    private mutating func halt() throws {
        correlation = rng.uuid()
        actor = Actor.principal("craig", kind: .human, name: "craig")
        try recorder.decide(Risk.self, .halt(.manual, by: actor, at: tick(), detail: "operator pause"), &risk, on: riskStream, "halt")
        commit()
    }

    mutating func resume(note: String) throws {
        correlation = rng.uuid()
        actor = Actor.principal("craig", kind: .human, name: "craig")
        try recorder.decide(Risk.self, .resume(by: actor, at: tick(), note: note), &risk, on: riskStream, "resume")
        commit()
    }

    var accountSnapshot: AccountSnapshot {
        let now = equity + risk.realizedPnL.amount
        return AccountSnapshot(equity: Money(now), buyingPower: Money(now * 2), lastEquity: Money(equity), asOf: clock)
    }

    mutating func nextBrokerID() -> BrokerOrderID {
        brokerCounter += 1
        return BrokerOrderID(rawValue: "b-\(options.seed)-\(brokerCounter)")
    }
}

/// A cycle the simulator is running.
struct CycleRun {
    var id: CycleID
    var slot: Int
    var state: Cycle.State
    var correlation: UUID
    var approvals = 0
    var denials = 0
    var orders = 0
    var fills = 0
}

/// An order the simulator follows at the broker.
struct SimOrder {
    enum Kind: Equatable {
        case entry
        case leg(LegRole)
        case exit
    }

    var id: OrderID
    var state: Order.State
    var kind: Kind
    var symbol: Symbol
    var sector: Sector
    var brokerID: BrokerOrderID
    var correlation: UUID
    /// Entry: its bracket legs (also carried over to a replacement).
    var legs: [OrderID] = []
    /// Leg: the other leg (one cancels the other).
    var sibling: OrderID?
    var executions = 0
    var splitFill = false
    var placedAt: Date

    var record: Order.Record { state.order! }
    var stream: StreamName { Order.stream(id) }
    var isWorking: Bool { !record.status.isTerminal }
}
