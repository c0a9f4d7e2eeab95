import Foundation
import Testing

@testable import Domain

enum RiskFixtures {
    static var dayOpened: Risk.Event {
        .dayOpened(
            Risk.DayOpened(
                account: T.account, date: T.day, openedAt: T.at(9, 0), parameters: .conservative, parametersHash: RiskParameters.conservative.hash,
                startingEquity: Money(100_000), carriedHalt: nil, carriedPositions: []))
    }

    static func evaluation(
        _ id: String = "ap-1", _ proposal: TradeProposal = T.proposal(), qty: Int? = nil, now: Date = T.t0, cycle: String = "cyc-1",
        account: AccountSnapshot = T.accountSnapshot, correlations: [SymbolCorrelation] = [], riskPerTrade: DecimalValue? = nil,
        entryType: OrderType = .limit, session: TradingSession? = T.session
    ) -> Risk.Evaluation {
        Risk.Evaluation(
            approvalID: ApprovalID(rawValue: id), cycleID: CycleID(rawValue: cycle), signalID: SignalID(rawValue: "sig-" + id), proposal: proposal,
            entryType: entryType, clientOrderID: ClientOrderID("c-" + id)!, requestedQuantity: qty.map(Quantity.init), riskPerTrade: riskPerTrade,
            account: account, correlations: correlations, now: now, session: session)
    }

    static func fill(_ symbol: String, _ side: OrderSide, _ qty: Int, _ price: String, exec: String, approval: String? = nil, sector: Sector = .informationTechnology, at: Date = T.at(10, 1)) -> Risk.FillRecorded {
        Risk.FillRecorded(
            orderID: OrderID(rawValue: "ord-\(exec)"), executionID: ExecutionID(rawValue: exec), approvalID: approval.map(ApprovalID.init), symbol: T.sym(symbol),
            sector: sector, side: side, quantity: Quantity(qty), price: T.p(price), fee: .zero, filledAt: at)
    }

    /// Decides an evaluation on `state` and returns the state after it.
    static func approve(_ e: Risk.Evaluation, on state: Risk.State) -> Risk.State {
        Risk.fold(decided(Risk.self, .evaluate(e), state), from: state)
    }

    static func codes(_ events: [Risk.Event]) -> [RiskReasonCode] {
        guard case .denied(let d)? = events.first else { return [] }
        return d.reasonCodes
    }
}

@Suite struct RiskTests {
    typealias F = RiskFixtures

    @Test func aSoundProposalIsApprovedWithTheExactOrderIntent() throws {
        let state = Risk.fold([F.dayOpened])
        let events = decided(Risk.self, .evaluate(F.evaluation()), state)
        guard case .approved(let a)? = events.first, events.count == 1 else { Issue.record("not approved: \(events)"); return }
        // Sized to the $10,000 cap at $50.
        #expect(a.intent == OrderIntent(
            clientOrderID: T.coid("c-ap-1"), symbol: T.sym("AAPL"), positionSide: .long, purpose: .entry, quantity: T.q(200), type: .limit,
            limitPrice: T.p("50"), timeInForce: .day, orderClass: .bracket, takeProfit: T.p("52"), stopLoss: T.p("49")))
        #expect(a.intent.side == .buy)
        #expect(a.assessment.rewardRisk == DecimalValue("2"))
        #expect(a.assessment.notional == Money(10_000))
        #expect(a.parametersHash == RiskParameters.conservative.hash)
        expectRoundTrip(events)
    }

    @Test func theRetriedEvaluationDecidesNothing() {
        let state = F.approve(F.evaluation(), on: Risk.fold([F.dayOpened]))
        #expect(decided(Risk.self, .evaluate(F.evaluation()), state).isEmpty)
    }

    @Test func pricesAreRoundedToLegalTicksBeforeApproval() {
        let proposal = T.proposal(entry: "9.050000190734863", stop: "8.70", target: "9.90", atr: "0.15")
        let events = decided(Risk.self, .evaluate(F.evaluation("ap-f", proposal)), Risk.fold([F.dayOpened]))
        guard case .approved(let a)? = events.first else { Issue.record("not approved: \(events)"); return }
        #expect(a.intent.limitPrice == T.p("9.05"))
        #expect(a.intent.limitPrice!.isOnTick && a.intent.takeProfit!.isOnTick && a.intent.stopLoss!.isOnTick)
        let penny = T.proposal("SNDL", entry: "0.512345", stop: "0.4951", target: "0.56789", atr: nil)
        let p2 = decided(Risk.self, .evaluate(F.evaluation("ap-p", penny, qty: 1000)), Risk.fold([F.dayOpened]))
        guard case .approved(let b)? = p2.first else { Issue.record("not approved: \(p2)"); return }
        #expect(b.intent.limitPrice == T.p("0.5123"))
        #expect(b.intent.takeProfit == T.p("0.5679"))
    }

    @Test func aRequestedQuantityIsNeverResized() {
        let events = decided(Risk.self, .evaluate(F.evaluation(qty: 300)), Risk.fold([F.dayOpened]))
        #expect(F.codes(events) == [.maxPositionValue])
        guard case .denied(let d)? = events.first else { return }
        #expect(d.violations[0].limit == DecimalValue("10000") && d.violations[0].actual == DecimalValue("15000"))
    }

    @Test func sizingRespectsTheRiskPerTrade() {
        let events = decided(Risk.self, .evaluate(F.evaluation(riskPerTrade: DecimalValue("0.001"))), Risk.fold([F.dayOpened]))
        guard case .approved(let a)? = events.first else { Issue.record("not approved"); return }
        #expect(a.intent.quantity == T.q(100))  // $100 risk / $1 per share
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let given: [Risk.Event]
        let evaluation: Risk.Evaluation
        let expected: RiskReasonCode
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let opened = F.dayOpened
        let halted = Risk.Event.tradingHalted(Risk.TradingHalted(halt: TradingHalt(reason: .manual, by: Actor.principal("craig", kind: .human, name: "craig"), at: T.open, detail: ""), dailyPnL: .zero))
        let held = (1...5).map { i in Risk.Event.fillRecorded(F.fill("S\(i)", .buy, 10, "10", exec: "e\(i)", sector: .energy)) }
        let aapl = Risk.Event.fillRecorded(F.fill("AAPL", .buy, 10, "50", exec: "ea"))
        let bigTech = Risk.Event.fillRecorded(F.fill("MSFT", .buy, 700, "50", exec: "em"))
        let lossy = [Risk.Event.fillRecorded(F.fill("XOM", .buy, 100, "100", exec: "x1", sector: .energy)),
                     .marksRecorded(Risk.MarksRecorded(markedAt: T.at(10, 5), marks: [SymbolPrice(T.sym("XOM"), T.p("79"))]))]
        var small = T.accountSnapshot
        small.equity = Money(4000)
        var poor = T.accountSnapshot
        poor.buyingPower = Money(5000)
        let params = { (change: (inout RiskParameters) -> Void) -> Risk.Event in
            var p = RiskParameters.conservative
            change(&p)
            return .parametersChanged(Risk.ParametersChanged(changedAt: T.open, parameters: p, parametersHash: p.hash, previousHash: "", by: .system, source: nil))
        }
        let trades = (1...20).map { i in Risk.Event.approved(T.approved("t\(i)", symbol: "T\(i)", qty: 10, coid: "c-t\(i)")) }
        let releases = (1...20).map { i in Risk.Event.approvalReleased(Risk.ApprovalReleased(approvalID: ApprovalID(rawValue: "t\(i)"), releasedAt: T.open, reason: .orderCanceled, unfilledQuantity: T.q(5))) }
        let partialFills = (1...20).map { i in Risk.Event.fillRecorded(F.fill("T\(i)", .buy, 5, "50", exec: "tf\(i)", approval: "t\(i)")) }
        let flats = (1...20).map { i in Risk.Event.fillRecorded(F.fill("T\(i)", .sell, 5, "50", exec: "ts\(i)")) }
        return [
            Case(name: "halted", given: [opened, halted], evaluation: F.evaluation(), expected: .tradingHalted),
            Case(name: "before the open", given: [opened], evaluation: F.evaluation(now: T.at(9, 0)), expected: .marketClosed),
            Case(name: "holiday", given: [opened], evaluation: F.evaluation(session: nil), expected: .marketClosed),
            Case(name: "15 minutes before the close", given: [opened], evaluation: F.evaluation(now: T.at(15, 50)), expected: .entryCutoffBeforeClose),
            Case(name: "daily loss reached", given: [opened] + lossy, evaluation: F.evaluation(), expected: .dailyLossLimit),
            Case(name: "small account", given: [opened], evaluation: F.evaluation(qty: 10, account: small), expected: .minAccountEquity),
            Case(name: "short selling off", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(stop: "51", target: "48", side: .short)), expected: .shortSellingDisabled),
            Case(name: "already held", given: [opened, aapl], evaluation: F.evaluation(), expected: .symbolAlreadyOpen),
            Case(name: "already pending", given: [opened, .approved(T.approved("ap-0"))], evaluation: F.evaluation(), expected: .symbolAlreadyOpen),
            Case(name: "five positions", given: [opened] + held, evaluation: F.evaluation(), expected: .maxPositions),
            Case(name: "twenty trades", given: [opened] + trades + partialFills + flats + releases, evaluation: F.evaluation(), expected: .maxDailyTrades),
            Case(name: "no stop", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(stop: "0")), expected: .stopLossMissing),
            Case(name: "stop above a long entry", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(stop: "50.5")), expected: .stopLossWrongSide),
            Case(name: "stop wider than 5 %", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(stop: "47", target: "56", atr: "0.5")), expected: .stopLossTooWide),
            Case(name: "stop tighter than 2 ATR", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(stop: "49.5", target: "51", atr: "0.5")), expected: .stopLossTooTight),
            Case(name: "target below a long entry", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(target: "49.5")), expected: .takeProfitWrongSide),
            Case(name: "reward/risk 1.2", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(target: "51.2")), expected: .rewardRiskTooLow),
            Case(name: "a $12,000 share", given: [opened], evaluation: F.evaluation("ap-1", T.proposal(entry: "12000", stop: "11760", target: "12480", atr: "100")), expected: .quantityTooSmall),
            Case(name: "over 20 % of equity", given: [opened, params { $0.maxPositionValue = Money(50_000) }], evaluation: F.evaluation(qty: 500), expected: .maxPositionEquityFraction),
            Case(name: "under $500", given: [opened], evaluation: F.evaluation(qty: 5), expected: .minPositionValue),
            Case(name: "sector over 40 %", given: [opened, bigTech], evaluation: F.evaluation(qty: 120), expected: .sectorExposure),
            Case(name: "portfolio over 80 %", given: [opened, params { $0.maxSectorExposureFraction = DecimalValue("1") }] + (1...4).map { i in Risk.Event.fillRecorded(F.fill("B\(i)", .buy, 390, "50", exec: "b\(i)")) }, evaluation: F.evaluation(qty: 100), expected: .maxPortfolioExposure),
            Case(name: "correlated with a holding", given: [opened, aapl], evaluation: F.evaluation("ap-c", T.proposal("MSFT"), correlations: [SymbolCorrelation(symbol: T.sym("AAPL"), correlation: DecimalValue("0.85"))]), expected: .correlation),
            Case(name: "no buying power", given: [opened], evaluation: F.evaluation(qty: 150, account: poor), expected: .insufficientBuyingPower),
        ]
    }()

    @Test(arguments: cases)
    func eachRuleDeniesWithItsReasonCode(_ c: Case) {
        let events = decided(Risk.self, .evaluate(c.evaluation), Risk.fold(c.given))
        #expect(F.codes(events).contains(c.expected), "\(c.name): \(F.codes(events))")
        expectRoundTrip(events)
    }

    /// A requester's narrower `max_positions` counts what the account holds and has pending, like the
    /// parameter does; it never loosens the account's own limit.
    @Test func theRequestersMaxPositionsCountsTheWholeAccount() {
        let held = Risk.fold([F.dayOpened, .fillRecorded(F.fill("HELD", .buy, 10, "50", exec: "h1"))])
        var narrow = F.evaluation()
        narrow.maxPositions = 1
        #expect(F.codes(decided(Risk.self, .evaluate(narrow), held)) == [.maxPositions])
        narrow.maxPositions = 2
        guard case .approved? = decided(Risk.self, .evaluate(narrow), held).first else { Issue.record("room for a second position"); return }
        var wide = F.evaluation()
        wide.maxPositions = 50
        let full = Risk.fold((1...5).map { i in Risk.Event.fillRecorded(F.fill("F\(i)", .buy, 10, "50", exec: "f\(i)")) }, from: Risk.fold([F.dayOpened]))
        #expect(F.codes(decided(Risk.self, .evaluate(wide), full)).contains(.maxPositions), "the account's 5 still apply")
    }

    @Test func theSizeIsHalvedAfterThreeLosingRoundTrips() {
        var events: [Risk.Event] = [F.dayOpened]
        for i in 1...3 {
            events.append(.fillRecorded(F.fill("L\(i)", .buy, 10, "50", exec: "lb\(i)")))
            events.append(.fillRecorded(F.fill("L\(i)", .sell, 10, "49", exec: "ls\(i)")))
        }
        let state = Risk.fold(events)
        #expect(state.consecutiveLosses == 3)
        #expect(F.codes(decided(Risk.self, .evaluate(F.evaluation(qty: 120)), state)) == [.consecutiveLossSizeLimit])
        guard case .approved(let a)? = decided(Risk.self, .evaluate(F.evaluation()), state).first else { Issue.record("not approved"); return }
        #expect(a.intent.quantity == T.q(100))
        let win = Risk.fold([.fillRecorded(F.fill("W", .buy, 10, "50", exec: "wb")), .fillRecorded(F.fill("W", .sell, 10, "51", exec: "ws"))], from: state)
        #expect(win.consecutiveLosses == 0)
    }

    @Test func aFillMovesAnApprovalFromPendingToHeld() {
        let state = F.approve(F.evaluation(), on: Risk.fold([F.dayOpened]))
        #expect(state.pending.count == 1 && state.positionSlotsUsed == 1)
        let fill = F.fill("AAPL", .buy, 120, "49.99", exec: "x1", approval: "ap-1")
        let after = expectDecision(Risk.self, given: [F.dayOpened, .approved(T.approved("ap-1", qty: 200, coid: "c-ap-1"))], when: .recordFill(fill), then: [.fillRecorded(fill)])
        #expect(after.pending[ApprovalID(rawValue: "ap-1")]?.unfilledQuantity == T.q(80))
        #expect(after.positions[T.sym("AAPL")]?.net.quantity == T.q(120))
        #expect(after.positionSlotsUsed == 1)
        #expect(decided(Risk.self, .recordFill(fill), after).isEmpty)
    }

    @Test func releasingAnUnfilledApprovalGivesTheTradeBack() {
        let given: [Risk.Event] = [F.dayOpened, .approved(T.approved())]
        let released = Risk.Event.approvalReleased(Risk.ApprovalReleased(approvalID: "ap-1", releasedAt: T.at(10, 5), reason: .orderCanceled, unfilledQuantity: T.q(100)))
        let after = expectDecision(Risk.self, given: given, when: .releaseApproval("ap-1", reason: .orderCanceled, at: T.at(10, 5)), then: [released])
        #expect(after.tradesToday == 0 && after.pending.isEmpty)
        expectDecision(Risk.self, given: given + [released], when: .releaseApproval("ap-1", reason: .orderCanceled, at: T.at(10, 6)), then: [])
        expectRejection(Risk.self, given: [F.dayOpened], when: .releaseApproval("nope", reason: .orderCanceled, at: T.t0), then: .unknownApproval("nope"))
    }

    @Test func theWarningIsEmittedOnceAndTheHaltAtTheLimit() {
        let opened: [Risk.Event] = [F.dayOpened, .fillRecorded(F.fill("AAPL", .buy, 200, "50", exec: "x1"))]
        let at1 = T.at(11, 0)
        let mark1 = Risk.MarksRecorded(markedAt: at1, marks: [SymbolPrice(T.sym("AAPL"), T.p("42.5"))])
        let warning = Risk.Event.dailyLossWarning(Risk.DailyLossWarning(at: at1, dailyPnL: Money(-1500), threshold: Money(-1500), limit: Money(-2000)))
        expectDecision(Risk.self, given: opened, when: .recordMarks([SymbolPrice(T.sym("AAPL"), T.p("42.5"))], at: at1), then: [.marksRecorded(mark1), warning])

        let at2 = T.at(11, 1)
        let deeper = opened + [.marksRecorded(mark1), warning]
        let state = Risk.fold(deeper)
        let events = decided(Risk.self, .recordMarks([SymbolPrice(T.sym("AAPL"), T.p("40"))], at: at2), state)
        #expect(events.count == 2)
        guard case .tradingHalted(let h)? = events.last else { Issue.record("no halt: \(events)"); return }
        #expect(h.halt.reason == .dailyLossLimit && h.dailyPnL == Money(-2000))
        let halted = Risk.fold(events, from: state)
        // Further losses do not halt twice or warn twice.
        let more = decided(Risk.self, .recordMarks([SymbolPrice(T.sym("AAPL"), T.p("39"))], at: T.at(11, 2)), halted)
        #expect(more.count == 1)
        // A stale or repeated tick is ignored.
        #expect(decided(Risk.self, .recordMarks([SymbolPrice(T.sym("AAPL"), T.p("39"))], at: at2), halted).isEmpty)
    }

    @Test func aRealizedLossOnAFillAlsoHalts() {
        let given: [Risk.Event] = [F.dayOpened, .fillRecorded(F.fill("AAPL", .buy, 200, "50", exec: "x1"))]
        let exit = F.fill("AAPL", .sell, 200, "39.5", exec: "x2", at: T.at(12, 0))
        let events = decided(Risk.self, .recordFill(exit), Risk.fold(given))
        #expect(events.count == 3)
        guard events.count == 3, case .tradingHalted = events[2], case .dailyLossWarning = events[1] else { Issue.record("\(events)"); return }
        #expect(Risk.fold(given + events).realizedPnL == Money(-2100))
    }

    @Test func onlyAHumanLiftsAHalt() {
        let halt = TradingHalt(reason: .dailyLossLimit, by: .system, at: T.open, detail: "")
        let given: [Risk.Event] = [F.dayOpened, .tradingHalted(Risk.TradingHalted(halt: halt, dailyPnL: Money(-2000)))]
        for actor in [Actor.system, .cron, Actor(.doctor, name: "doctor-claude"), Actor(.api, name: "dashboard"), Actor(.mcp), Actor(.operator)] {
            expectRejection(Risk.self, given: given, when: .resume(by: actor, at: T.t0, note: ""), then: .humanRequired(actor))
        }
        let craig = Actor.principal("craig", kind: .human, name: "craig")
        let resumed = Risk.Event.tradingResumed(Risk.TradingResumed(at: T.t0, by: craig, note: "checked", liftedHalt: halt))
        expectDecision(Risk.self, given: given, when: .resume(by: craig, at: T.t0, note: "checked"), then: [resumed])
        expectDecision(Risk.self, given: given + [resumed], when: .resume(by: craig, at: T.t0, note: "checked"), then: [])
    }

    @Test func haltIsIdempotent() {
        let halted = expectDecision(Risk.self, given: [F.dayOpened], when: .halt(.emergencyStop, by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0, detail: "button"), then: [
            .tradingHalted(Risk.TradingHalted(halt: TradingHalt(reason: .emergencyStop, by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0, detail: "button"), dailyPnL: .zero))
        ])
        #expect(decided(Risk.self, .halt(.manual, by: .system, at: T.at(10, 1), detail: ""), halted).isEmpty)
    }

    @Test func theNextDayCarriesTheHaltAndThePositions() {
        var previous = Risk.fold([F.dayOpened, .fillRecorded(F.fill("AAPL", .buy, 10, "50", exec: "x1"))])
        previous = Risk.fold(decided(Risk.self, .halt(.emergencyStop, by: .system, at: T.at(15, 0), detail: ""), previous), from: previous)
        let next = T.day.adding(days: 1)
        let open = Risk.OpenDay.following(previous, account: T.account, date: next, at: next.at(hour: 9, minute: 0), parameters: .conservative, startingEquity: nil)
        let state = Risk.fold(decided(Risk.self, .openDay(open), Risk.initial))
        #expect(state.halt?.reason == .emergencyStop)
        #expect(state.positions[T.sym("AAPL")]?.net.quantity == T.q(10))
        #expect(state.dailyPnL == .zero)
        let evaluation = F.evaluation("ap-n", T.proposal("MSFT"), now: next.at(hour: 10, minute: 0), session: .regular(next))
        #expect(F.codes(decided(Risk.self, .evaluate(evaluation), state)).contains(.tradingHalted))
    }

    @Test func dayAndParameterCommandsAreChecked() {
        expectRejection(Risk.self, when: .evaluate(F.evaluation()), then: .dayNotOpened)
        expectRejection(Risk.self, given: [F.dayOpened], when: .evaluate(F.evaluation(now: T.day.adding(days: 1).at(hour: 10, minute: 0))), then: .wrongDay(stream: T.day, command: T.day.adding(days: 1)))
        var bad = RiskParameters.conservative
        bad.maxDailyLoss = Money(-1)
        bad.maxSectorExposureFraction = DecimalValue("1.4")
        expectRejection(Risk.self, given: [F.dayOpened], when: .changeParameters(bad, by: .system, at: T.t0, source: nil), then: .invalidParameters(["max_daily_loss_usd", "max_sector_exposure_pct"]))
        expectDecision(Risk.self, given: [F.dayOpened], when: .changeParameters(.conservative, by: .system, at: T.t0, source: nil), then: [])
        var looser = RiskParameters.conservative
        looser.maxPositions = 6
        expectDecision(Risk.self, given: [F.dayOpened], when: .changeParameters(looser, by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0, source: "yaml"), then: [
            .parametersChanged(Risk.ParametersChanged(changedAt: T.t0, parameters: looser, parametersHash: looser.hash, previousHash: RiskParameters.conservative.hash, by: Actor.principal("craig", kind: .human, name: "craig"), source: "yaml"))
        ])
        expectDecision(Risk.self, given: [F.dayOpened], when: .openDay(Risk.OpenDay(account: T.account, date: T.day, at: T.t0, parameters: .conservative, startingEquity: nil, carriedHalt: nil, carriedPositions: [])), then: [])
    }

    @Test func theConservativeDefaultsAreTheOriginals() {
        let p = RiskParameters.conservative
        #expect(p.maxDailyLoss == Money(2000) && p.dailyLossWarningFraction == DecimalValue("0.75"))
        #expect(p.maxPositions == 5 && p.maxPositionValue == Money(10_000) && p.minPositionValue == Money(500))
        #expect(p.maxPositionFractionOfEquity == DecimalValue("0.2") && p.maxSectorExposureFraction == DecimalValue("0.4"))
        #expect(p.minRewardRisk == DecimalValue("1.5") && p.maxDailyTrades == 20 && p.maxCorrelation == DecimalValue("0.7"))
        #expect(p.maxStopLossFraction == DecimalValue("0.05") && p.minStopLossATRMultiple == DecimalValue("2"))
        #expect(p.invalidFields().isEmpty)
        #expect(p.hash.count == 64 && p.hash == RiskParameters().hash)
    }

    @Test func parametersRequireEveryKeyOnTheWire() throws {
        let data = try codec.encodeValue(RiskParameters.conservative)
        var object = try JSONDecoder().decode(JSONValue.self, from: data)
        object["max_positions"] = nil
        #expect(throws: DecodingError.self) { try codec.decodeValue(RiskParameters.self, from: try codec.encodeValue(object)) }
    }
}
