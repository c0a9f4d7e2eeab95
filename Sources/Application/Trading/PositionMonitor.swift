import Broker
import Domain
import EventStore
import Foundation
import MarketData

/// The once-a-minute watch over open positions: marks them to market (with the risk book, in one batch,
/// so the daily-loss guard sees real marks), exits on the fallback stop/target when a position has no
/// working exit orders, enforces the maximum hold time, flattens everything before the close, and
/// records the prices of the day's top candidates.
public struct PositionMonitor: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) {
        self.system = system
    }

    public struct Tick: Sendable {
        public var marked = 0
        public var exits: [(Symbol, ExitReason)] = []
        public var observed = 0
        public var halts: [Risk.TradingHalted] = []
    }

    @discardableResult
    public func tick(context: CommandContext) async throws -> Tick {
        let now = context.now
        let date = system.tradingDate(now)
        var tick = Tick()
        try await cancelRestingEntriesAfterFlatten(context: context)
        let book = try await RiskDesk(system: system).ensureOpen(date, context: context.followUp(commandID: system.ids.uuid()))
        let held = book.heldSymbols
        let watched = system.observations.due(on: date, at: now)
        let symbols = Array(Set(held).union(watched.flatMap(\.1))).sorted()
        guard !symbols.isEmpty else { return tick }
        let snapshots = try await system.market.snapshots(for: symbols, asOf: now)
        let prices = symbols.compactMap { s in snapshots[s].map { SymbolPrice(s, $0.lastPrice) } }

        if !held.isEmpty {
            let marks = prices.filter { held.contains($0.symbol) }
            tick.halts = try await mark(marks, date: date, context: context.followUp(commandID: system.ids.uuid()))
            tick.marked = marks.count
            if !tick.halts.isEmpty {
                try await EmergencyStop(system: system).flatten(reason: .emergency, note: "daily loss limit", context: context.followUp(commandID: system.ids.uuid()))
            } else {
                tick.exits = try await enforceExits(held: held, prices: Dictionary(uniqueKeysWithValues: marks.map { ($0.symbol, $0.price) }), context: context)
            }
        }
        tick.observed = try await observe(watched, snapshots: snapshots, context: context)
        return tick
    }

    /// One `observation.candidate_prices` per watched cycle, all in one batch.
    func observe(_ watched: [(CycleID, [Symbol])], snapshots: [Symbol: MarketSnapshot], context: CommandContext) async throws -> Int {
        var batch = LedgerBatch()
        var count = 0
        let source = system.broker.mode == .simulated ? "simulated" : "alpaca"
        for (cycle, symbols) in watched {
            let prices = symbols.compactMap { s in snapshots[s].map { CandidatePrice(from: $0) } }
            guard !prices.isEmpty else { continue }
            let stream = StreamName.observations(cycle)
            let loaded = try await system.log.load(Observation.self, stream)
            let record = Observation.CandidatePrices(cycleID: cycle, observedAt: context.now, prices: prices, source: source)
            let events: [Observation.Event]
            do { events = try Observation.decide(.record(record), loaded.state) } catch { throw CommandRejected(error).asApplicationError }
            batch.add(stream, expected: loaded.expected, events)
            count += prices.count
        }
        guard !batch.isEmpty else { return 0 }
        if case .conflict(let c) = try await system.log.append(batch, context: context.followUp(commandID: system.ids.uuid())) {
            // Only this process observes a cycle; a conflict means a second instance — record it and move on.
            system.logger.warning("observation conflict", metadata: ["stream": "\(c.streamID)"])
        }
        return count
    }

    /// Appends a mark per position and the risk book's `risk.marks_recorded` in one batch; returns any
    /// halt the risk book emitted (the daily loss limit reached on unrealized losses).
    func mark(_ marks: [SymbolPrice], date: NYDate, context: CommandContext) async throws -> [Risk.TradingHalted] {
        for _ in 0..<8 {
            var batch = LedgerBatch()
            for m in marks {
                let stream = StreamName.position(account: system.account, symbol: m.symbol)
                let loaded = try await system.log.load(Position.self, stream)
                guard loaded.state.open != nil else { continue }
                let events = (try? Position.decide(.mark(m.price, at: context.now), loaded.state)) ?? []
                batch.add(stream, expected: loaded.expected, events)
            }
            let riskStream = StreamName.risk(account: system.account, date: date)
            let risk = try await system.log.load(Risk.self, riskStream)
            let riskEvents: [Risk.Event]
            do { riskEvents = try Risk.decide(.recordMarks(marks, at: context.now), risk.state) } catch { throw CommandRejected(error).asApplicationError }
            batch.add(riskStream, expected: risk.expected, riskEvents)
            switch try await system.log.append(batch, context: context) {
            case .appended, .alreadyAppended:
                return riskEvents.compactMap { if case .tradingHalted(let h) = $0 { h } else { nil } }
            case .conflict:
                continue
            }
        }
        throw ApplicationError.contention(stream: "marks")
    }

    /// No position may open after the flatten: an entry still resting then (a breakout that has not
    /// triggered) is canceled, or it could fill after the flatten and be carried overnight.
    func cancelRestingEntriesAfterFlatten(context: CommandContext) async throws {
        let now = context.now
        // The ledger first: the market's clock is asked only when an entry is resting.
        let resting = try await system.directory.openOrders().filter {
            $0.intent.purpose.isOpening && $0.parentOrderID == nil && $0.brokerOrderID != nil && !$0.cancelRequested
        }
        guard !resting.isEmpty, let session = try await system.market.clock(asOf: now).session,
            now >= session.close.addingTimeInterval(-Double(system.configuration.flattenMinutesBeforeClose) * 60)
        else { return }
        for o in resting {
            try await OrderCancellation(system: system).cancel(
                o.orderID, reason: "flatten before the close: no new position", context: context.followUp(commandID: system.ids.uuid()))
        }
    }

    /// Stop/target fallback (only when no exit order is working), max hold, and end of day.
    func enforceExits(held: [Symbol], prices: [Symbol: Price], context: CommandContext) async throws -> [(Symbol, ExitReason)] {
        let now = context.now
        let session = try await system.market.clock(asOf: now).session
        let flattenAt = session.map { $0.close.addingTimeInterval(-Double(system.configuration.flattenMinutesBeforeClose) * 60) }
        let openOrders = try await system.directory.openOrders()
        var exits: [(Symbol, ExitReason)] = []
        for symbol in held {
            let stream = StreamName.position(account: system.account, symbol: symbol)
            guard let position = try await system.log.load(Position.self, stream).state.open else { continue }
            let price = prices[symbol]
            let workingExits = openOrders.filter { $0.intent.symbol == symbol && !$0.intent.purpose.isOpening && $0.status != .requested }
            let pendingMarketExit = workingExits.contains { $0.intent.purpose == .exit }
            if pendingMarketExit { continue }
            var reason: ExitReason?
            if let flattenAt, now >= flattenAt {
                reason = .endOfDay
            } else if now.timeIntervalSince(position.openedAt) >= Double(system.configuration.maxHoldMinutes) * 60 {
                reason = .maxHold
            } else if workingExits.isEmpty, let price {
                let long = position.side == .long
                if let stop = position.stop, long ? price <= stop : price >= stop { reason = .stopLoss }
                if let target = position.target, long ? price >= target : price <= target { reason = .takeProfit }
            }
            guard let reason else { continue }
            let step = context.followUp(commandID: system.ids.uuid())
            _ = try? await system.runner.run(Position.self, stream, context: step) { _ in .requestExit(reason, by: .system, at: now) }
            _ = try await OrderPlacement(system: system).placeExit(
                symbol: symbol, side: position.side, quantity: position.quantity, positionID: position.positionID, reason: reason,
                context: step.followUp(commandID: system.ids.uuid()))
            exits.append((symbol, reason))
        }
        return exits
    }
}

extension CandidatePrice {
    init(from s: MarketSnapshot) {
        self.init(symbol: s.symbol, last: s.lastPrice, bid: s.bid, ask: s.ask, high: s.dailyBar?.high, low: s.dailyBar?.low, volume: s.dailyBar?.volume)
    }
}
