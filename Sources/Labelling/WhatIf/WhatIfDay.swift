import Domain
import Foundation

/// One recorded risk day run again under other parameters (see `WhatIf`). The recorded stream is folded
/// into `original` as it was and, re-decided, into `whatIf`.
struct WhatIfDay: Sendable {
    /// What one day hands to the next: the what-if book (its open positions and halt carry over) and
    /// the scale of positions carried over.
    struct Carry: Sendable {
        var state: Risk.State?
        var symbolScale: [Symbol: Decimal] = [:]
    }

    /// Estimated trades' fills and releases, applied in time order among the recorded events.
    enum Scheduled: Sendable {
        case fill(Risk.FillRecorded)
        case release(ApprovalID, at: Date)

        var at: Date {
            switch self {
            case .fill(let f): f.filledAt
            case .release(_, let at): at
            }
        }
    }

    let options: WhatIf.Options
    let paths: [Symbol: PricePath]
    let parameters: RiskParameters
    private(set) var original = Risk.initial
    private(set) var whatIf = Risk.initial
    private var result: WhatIfReport.Day
    /// What-if quantity ÷ recorded quantity per recorded approval (0: denied in the what-if).
    private var scale: [ApprovalID: Decimal] = [:]
    /// The scale of the entry that opened each symbol's position, for its exit fills.
    private var symbolScale: [Symbol: Decimal]
    private var scheduled: [Scheduled] = []
    private var estimatedIndex: [ApprovalID: Int] = [:]
    private var filledOriginal: Set<ApprovalID> = []
    private var filledWhatIf: Set<ApprovalID> = []
    private var session: TradingSession?

    var carry: Carry { Carry(state: whatIf, symbolScale: symbolScale) }

    init(opened: Risk.DayOpened, options: WhatIf.Options, paths: [Symbol: PricePath], carry: Carry) throws {
        self.options = options
        self.paths = paths
        parameters = try options.adjust(opened.parameters)
        symbolScale = carry.symbolScale
        result = WhatIfReport.Day(date: opened.date, originalParametersHash: opened.parametersHash, whatIfParametersHash: parameters.hash)
        original = Risk.evolve(original, .dayOpened(opened))
        let open: Risk.OpenDay
        if let previous = carry.state, let previousDate = previous.date, previousDate < opened.date {
            open = .following(previous, account: opened.account, date: opened.date, at: opened.openedAt, parameters: parameters, startingEquity: opened.startingEquity)
        } else {
            open = Risk.OpenDay(
                account: opened.account, date: opened.date, at: opened.openedAt, parameters: parameters, startingEquity: opened.startingEquity,
                carriedHalt: opened.carriedHalt, carriedPositions: opened.carriedPositions)
        }
        run(.openDay(open))
    }

    mutating func apply(_ r: WhatIf.Recorded) {
        let at = LedgerEvent.risk(r.event).occurredAt
        flush(through: at)
        if case .dayOpened = r.event { return }
        original = Risk.evolve(original, r.event)
        switch r.event {
        case .dayOpened:
            break
        case .parametersChanged:
            result.parameterChangesIgnored += 1
        case .parametersProposed:
            break  // a proposal changes nothing until a second human confirms it
        case .approved(let a):
            redecide(
                r, id: a.approvalID, cycle: a.cycleID, signal: a.signalID, supervised: a.supervised, at: a.decidedAt, inputs: a.inputs,
                symbol: a.intent.symbol, side: a.intent.positionSide, recorded: .approved(quantity: a.intent.quantity.shares), recordedQuantity: a.intent.quantity)
        case .denied(let d):
            redecide(
                r, id: d.approvalID, cycle: d.cycleID, signal: d.signalID, supervised: false, at: d.decidedAt, inputs: d.inputs, symbol: d.symbol,
                side: d.positionSide, recorded: .denied(d.reasonCodes.map(\.rawValue)), recordedQuantity: nil)
        case .approvalReleased(let e):
            if whatIf.pending[e.approvalID] != nil { run(.releaseApproval(e.approvalID, reason: e.reason, at: e.releasedAt)) }
        case .fillRecorded(let f):
            if let id = f.approvalID { filledOriginal.insert(id) }
            applyRecorded(f)
        case .marksRecorded(let m):
            var marks = m.marks
            let marked = Set(marks.map(\.symbol))
            for symbol in whatIf.positions.keys.sorted() where !marked.contains(symbol) {
                if let p = latestPrice(symbol, at: m.markedAt, before: r.position) { marks.append(SymbolPrice(symbol, Price(p))) }
            }
            run(.recordMarks(marks, at: m.markedAt))
        case .dailyLossWarning:
            break  // derived again from the what-if book
        case .tradingHalted(let h):
            // A loss-limit halt is derived again; a human's or Doctor's halt stands as recorded.
            if h.halt.reason != .dailyLossLimit { run(.halt(h.halt.reason, by: h.halt.by, at: h.halt.at, detail: h.halt.detail)) }
        case .tradingResumed(let e):
            // A recorded resume is a fact. One recorded before principals existed names its operator
            // without a credential: replayed as the human it was taken for.
            var by = e.by
            if by.principal == nil { by.principal = PrincipalRef(id: PrincipalID(rawValue: by.name ?? "legacy-operator"), kind: .human) }
            run(.resume(by: by, at: e.at, note: e.note))
        case .resumeRequested:
            break  // a request changes nothing until a human resumes
        }
    }

    mutating func finish() -> WhatIfReport.Day {
        flush(through: .distantFuture)
        result.original = figures(original, verdicts: result.decisions.map(\.original), filled: filledOriginal)
        result.whatIf = figures(whatIf, verdicts: result.decisions.map { $0.whatIf == .kept ? $0.original : $0.whatIf }, filled: filledWhatIf)
        return result
    }

    // MARK: Decisions

    private mutating func redecide(
        _ r: WhatIf.Recorded, id: ApprovalID, cycle: CycleID?, signal: SignalID?, supervised: Bool, at: Date, inputs: Risk.EvaluationInputs?,
        symbol: Symbol, side: PositionSide, recorded: WhatIfReport.Verdict, recordedQuantity: Quantity?
    ) {
        var decision = WhatIfReport.Decision(at: at, approvalID: id.rawValue, symbol: symbol.rawValue, side: side, original: recorded, whatIf: .kept)
        defer { result.decisions.append(decision) }
        guard let inputs else {
            // A v1 decision: nothing to decide again from, so it stands (and reserves room) as recorded.
            whatIf = Risk.evolve(whatIf, r.event)
            scale[id] = recordedQuantity == nil ? 0 : 1
            return
        }
        session = inputs.session ?? session
        let evaluation = inputs.evaluation(approvalID: id, cycleID: cycle, signalID: signal, supervised: supervised, now: at)
        for e in run(.evaluate(evaluation)) {
            switch e {
            case .approved(let a):
                decision.whatIf = .approved(quantity: a.intent.quantity.shares)
                if let q = recordedQuantity {
                    scale[id] = q.isPositive ? a.intent.quantity.shares / q.shares : 0
                } else {
                    scale[id] = 0
                    estimate(a, decidedAt: at, decisionPosition: r.position, supervised: supervised)
                }
            case .denied(let d):
                decision.whatIf = .denied(d.reasonCodes.map(\.rawValue))
                scale[id] = 0
            default:
                break
            }
        }
    }

    // MARK: Fills

    private mutating func applyRecorded(_ f: Risk.FillRecorded) {
        let factor: Decimal
        if let id = f.approvalID, let s = scale[id] {
            factor = s
            symbolScale[f.symbol] = s
        } else {
            factor = symbolScale[f.symbol] ?? 1
        }
        guard factor > 0 else { return }
        var quantity = DecimalText.round(f.quantity.shares * factor, scale: parameters.allowFractionalShares ? 4 : 0, .down)
        let held = whatIf.positions[f.symbol]?.net.quantity.shares ?? 0
        let reduces = (held > 0 && f.side == .sell) || (held < 0 && f.side == .buy)
        if reduces {
            // A scaled exit never turns the what-if book through zero.
            quantity = min(quantity, abs(held))
        } else if f.approvalID == nil, held == 0 {
            return  // the exit of a position the what-if never opened
        }
        guard quantity > 0 else { return }
        var scaled = f
        scaled.quantity = Quantity(quantity)
        if let id = f.approvalID { filledWhatIf.insert(id) }
        run(.recordFill(scaled))
    }

    private mutating func flush(through t: Date) {
        while let next = scheduled.first, next.at <= t {
            scheduled.removeFirst()
            switch next {
            case .fill(let f):
                if let id = f.approvalID { filledWhatIf.insert(id) }
                run(.recordFill(f))
            case .release(let id, let at):
                if whatIf.pending[id] != nil { run(.releaseApproval(id, reason: .orderExpired, at: at)) }
            }
        }
    }

    private mutating func schedule(_ s: Scheduled) {
        let i = scheduled.firstIndex { $0.at > s.at } ?? scheduled.count
        scheduled.insert(s, at: i)
    }

    // MARK: Estimated trades

    private mutating func estimate(_ a: Risk.Approved, decidedAt: Date, decisionPosition: Int64, supervised: Bool) {
        let intent = a.intent
        let plan = TradeEstimate.plan(
            intent: intent, decidedAt: decidedAt, decisionPosition: decisionPosition, path: paths[intent.symbol], session: session,
            supervised: supervised, maxHold: options.maxHold, flattenBeforeClose: options.flattenBeforeClose)
        estimatedIndex[a.approvalID] = result.estimatedTrades.count
        result.estimatedTrades.append(plan.trade(approvalID: a.approvalID, intent: intent))
        let order = OrderID(rawValue: "what-if-\(a.approvalID.rawValue)")
        if let entry = plan.entry {
            schedule(
                .fill(
                    Risk.FillRecorded(
                        orderID: order, executionID: ExecutionID(rawValue: "\(order.rawValue)-entry"), approvalID: a.approvalID, symbol: intent.symbol,
                        sector: a.sector, side: intent.positionSide.entrySide, quantity: intent.quantity, price: Price(entry.price), fee: .zero,
                        filledAt: entry.at)))
        } else {
            schedule(.release(a.approvalID, at: plan.expiresAt ?? decidedAt))
        }
        if let exit = plan.exit {
            schedule(
                .fill(
                    Risk.FillRecorded(
                        orderID: order, executionID: ExecutionID(rawValue: "\(order.rawValue)-exit"), approvalID: nil, symbol: intent.symbol,
                        sector: a.sector, side: intent.positionSide.exitSide, quantity: intent.quantity, price: Price(exit.price), fee: .zero,
                        filledAt: exit.at)))
        }
    }

    // MARK: Support

    @discardableResult
    private mutating func run(_ command: Risk.Command) -> [Risk.Event] {
        let before = whatIf
        guard let events = try? Risk.decide(command, whatIf) else { return [] }
        whatIf = Risk.fold(events, from: whatIf)
        if before.halt == nil, let halt = whatIf.halt, halt.reason == .dailyLossLimit { flattenAll(at: halt.at) }
        return events
    }

    /// The loss limit halts and flattens: the what-if book is closed at the last recorded prices, and
    /// later fills of those positions (recorded or estimated) no longer apply.
    private mutating func flattenAll(at t: Date) {
        scheduled.removeAll {
            if case .fill(let f) = $0, whatIf.positions[f.symbol] != nil { return true }
            return false
        }
        for book in whatIf.positions.values.sorted(by: { $0.symbol < $1.symbol }) where !book.net.isFlat {
            guard let price = latestPrice(book.symbol, at: t, before: .max) ?? book.mark?.value else { continue }
            let side: OrderSide = book.net.quantity.shares > 0 ? .sell : .buy
            let fill = Risk.FillRecorded(
                orderID: OrderID(rawValue: "what-if-flatten"), executionID: ExecutionID(rawValue: "what-if-flatten-\(book.symbol.rawValue)-\(t.timeIntervalSince1970)"),
                approvalID: nil, symbol: book.symbol, sector: book.sector, side: side, quantity: Quantity(abs(book.net.quantity.shares)),
                price: Price(price), fee: .zero, filledAt: t)
            if let events = try? Risk.decide(.recordFill(fill), whatIf) { whatIf = Risk.fold(events, from: whatIf) }
            symbolScale[book.symbol] = 0
            for i in estimatedIndex.values where result.estimatedTrades[i].symbol == book.symbol.rawValue {
                var trade = result.estimatedTrades[i]
                guard let entry = trade.entry, let entered = trade.enteredAt, entered <= t, (trade.exitedAt ?? .distantFuture) > t else { continue }
                trade.exit = price
                trade.exitedAt = t
                trade.exitReason = "halt"
                trade.realized = (price - entry) * trade.quantity * (trade.side == .long ? 1 : -1)
                result.estimatedTrades[i] = trade
            }
        }
    }

    /// The last price recorded for `symbol` at or before `t` (and, for a decision, before its log position).
    private func latestPrice(_ symbol: Symbol, at t: Date, before position: Int64) -> Decimal? {
        guard let path = paths[symbol] else { return nil }
        let end = path.firstIndex(after: t)
        for p in path.points[..<end].reversed() where p.position < position { return p.last }
        return nil
    }

    private func figures(_ s: Risk.State, verdicts: [WhatIfReport.Verdict], filled: Set<ApprovalID>) -> WhatIfReport.Figures {
        var f = WhatIfReport.Figures()
        for v in verdicts {
            if case .approved = v { f.approvals += 1 }
            if case .denied = v { f.denials += 1 }
        }
        f.tradesFilled = filled.count
        f.realizedPnL = s.realizedPnL.amount
        f.dailyPnL = s.dailyPnL.amount
        f.halted = s.halt?.reason.rawValue
        return f
    }
}
