import Foundation
import Testing

@testable import Domain

/// The original system's production failures (docs/origins.md §Production failures), each pinned by a test.
@Suite struct RegressionTests {
    // MARK: "Every long submitted as a sell" (2025-12-04, 81 positions)

    @Test func theSideFollowsFromPositionSideAndPurposeExhaustively() {
        let table: [PositionSide: [OrderPurpose: OrderSide]] = [
            .long: [.entry: .buy, .scaleIn: .buy, .exit: .sell, .scaleOut: .sell, .stopLoss: .sell, .takeProfit: .sell],
            .short: [.entry: .sell, .scaleIn: .sell, .exit: .buy, .scaleOut: .buy, .stopLoss: .buy, .takeProfit: .buy],
        ]
        for side in PositionSide.allCases {
            for purpose in OrderPurpose.allCases {
                #expect(OrderIntent.expectedSide(positionSide: side, purpose: purpose) == table[side]![purpose]!, "\(side) \(purpose)")
                let intent = OrderIntent(clientOrderID: T.coid("c"), symbol: T.sym("AAPL"), positionSide: side, purpose: purpose, quantity: T.q(1), type: .market, timeInForce: .day)
                #expect(intent.side == table[side]![purpose]!)
            }
        }
    }

    @Test func aLongEntryIsNeverSentAsASell() throws {
        // Approved long entries are buys, and their legs sells.
        let events = decided(Risk.self, .evaluate(RiskFixtures.evaluation()), Risk.fold([RiskFixtures.dayOpened]))
        guard case .approved(let approval)? = events.first else { Issue.record("not approved"); return }
        #expect(approval.intent.side == .buy)
        // A sell slipped into the intent (e.g. by a hand-edited or decoded payload) is refused.
        var forged = approval.intent
        forged.side = .sell
        expectRejection(Order.self, when: .request(Order.Request(orderID: .forApproval(approval.approvalID), intent: forged, authorization: .approval(approval), at: T.t0)), then: .invalidIntent([.sideInconsistent(expected: .buy)]))
        // Even if the approval itself were forged the same way.
        var forgedApproval = approval
        forgedApproval.intent = forged
        expectRejection(Order.self, when: .request(Order.Request(orderID: .forApproval(approval.approvalID), intent: forged, authorization: .approval(forgedApproval), at: T.t0)), then: .invalidIntent([.sideInconsistent(expected: .buy)]))
        // The legs of a long bracket exit on the sell side.
        let requested = Order.Requested(orderID: .forApproval(approval.approvalID), intent: approval.intent, approvalID: approval.approvalID, legs: [Order.LegLink(orderID: "l1", role: .takeProfit), Order.LegLink(orderID: "l2", role: .stopLoss)], requestedAt: T.t0)
        #expect(Order.legRequests(for: requested, at: T.t0).allSatisfy { $0.intent.side == .sell })
    }

    @Test func aDecodedIntentWithTheWrongSideIsCaught() throws {
        let approved = T.approved()
        let json = String(decoding: try codec.encodeValue(approved.intent), as: UTF8.self).replacingOccurrences(of: #""side":"buy""#, with: #""side":"sell""#)
        let decoded = try codec.decodeValue(OrderIntent.self, from: Data(json.utf8))
        #expect(decoded.violations() == [.sideInconsistent(expected: .buy)])
    }

    // MARK: "95 % of orders rejected for sub-penny prices" (Python floats)

    @Test func aFloatPriceIsNeverSent() throws {
        let float = 9.050000190734863
        let proposal = T.proposal(entry: "\(float)", stop: "\(8.700000047683716)", target: "\(9.899999618530273)", atr: "0.15")
        let events = decided(Risk.self, .evaluate(RiskFixtures.evaluation("ap-f", proposal)), Risk.fold([RiskFixtures.dayOpened]))
        guard case .approved(let approval)? = events.first else { Issue.record("not approved: \(events)"); return }
        #expect(approval.intent.limitPrice == T.p("9.05") && approval.intent.stopLoss == T.p("8.7") && approval.intent.takeProfit == T.p("9.9"))
        // What may be sent (the intent) carries only tick prices; the recorded inputs keep the proposal as given.
        let payload = String(decoding: try codec.encodeValue(approval.intent), as: UTF8.self)
        #expect(payload.contains(#""limit_price":"9.05""#))
        #expect(!payload.contains("9.0500001") && !payload.contains("8.7000000") && !payload.contains("9.8999996"))
        #expect(approval.inputs?.entry == Price(Decimal(string: "\(float)")!))
        // An off-tick price cannot be requested either.
        var offTick = approval.intent
        offTick.limitPrice = Price(Decimal(float))
        #expect(offTick.violations().contains(.priceNotOnTick(.limitPrice)))
        expectRejection(Order.self, when: .request(Order.Request(orderID: .forApproval(approval.approvalID), intent: offTick, authorization: .approval(approval), at: T.t0)), then: .invalidIntent(offTick.violations()))
        // Prices are decimal strings on the wire; a JSON float is not even read as a price intent field.
        #expect(throws: DecodingError.self) { try codec.decodeValue(Price.self, from: Data("\"9.05e0\"".utf8)) }
    }

    // MARK: "Max positions counted per cycle; a new cycle each scan" (36 open positions)

    @Test func riskLimitsCountPerAccountAndDayNotPerCycle() {
        var state = Risk.fold([RiskFixtures.dayOpened])
        let symbols = ["AAPL", "MSFT", "XOM", "JPM", "PFE"]
        let sectors: [Sector] = [.informationTechnology, .informationTechnology, .energy, .financials, .healthCare]
        for (i, symbol) in symbols.enumerated() {
            let evaluation = RiskFixtures.evaluation("ap-\(i)", T.proposal(symbol, sector: sectors[i]), qty: 100, cycle: "cycle-\(i)")
            let events = decided(Risk.self, .evaluate(evaluation), state)
            guard case .approved = events.first else { Issue.record("\(symbol) not approved: \(events)"); return }
            state = Risk.fold(events, from: state)
        }
        let sixth = RiskFixtures.evaluation("ap-6", T.proposal("NVDA"), qty: 100, cycle: "cycle-6")
        #expect(RiskFixtures.codes(decided(Risk.self, .evaluate(sixth), state)).contains(.maxPositions))
        // The guarding stream names the account and the day, and nothing about the cycle.
        #expect(Risk.stream(account: T.account, date: T.day).rawValue == "risk-paper-2026-03-09")
    }

    // MARK: "Emergency stop not sticky: the next cron run trades again"

    @Test func aHaltStaysUntilAHumanResumes() {
        var day1 = Risk.fold([RiskFixtures.dayOpened])
        day1 = Risk.fold(decided(Risk.self, .halt(.emergencyStop, by: .system, at: T.at(11, 0), detail: "loss"), day1), from: day1)
        // The next cron cycle is refused, and so is every approval.
        let cycle = Cycle.Start(cycleID: "cyc-2", idempotencyKey: "k2", mode: .normal, sessionMode: .autonomous, requestedBy: .cron, configHash: "c", now: T.at(11, 30), calendar: T.clock(T.at(11, 30)), halt: day1.halt)
        expectRejection(Cycle.self, when: .start(cycle), then: .tradingHalted(.emergencyStop))
        #expect(RiskFixtures.codes(decided(Risk.self, .evaluate(RiskFixtures.evaluation(now: T.at(11, 30))), day1)) == [.tradingHalted])
        // No machine can lift it.
        for actor in Scripts.machines { expectRejection(Risk.self, given: [RiskFixtures.dayOpened], when: .resume(by: actor, at: T.at(12, 0), note: ""), then: .humanRequired(actor)) }
        // The next day starts halted.
        let day2Date = T.day.adding(days: 1)
        let open = Risk.OpenDay.following(day1, account: T.account, date: day2Date, at: day2Date.at(hour: 9, minute: 0), parameters: .conservative, startingEquity: nil)
        var day2 = Risk.fold(decided(Risk.self, .openDay(open), Risk.initial))
        #expect(day2.halt?.reason == .emergencyStop)
        // A human lifts it, and trading resumes.
        day2 = Risk.fold(decided(Risk.self, .resume(by: Actor.principal("craig", kind: .human, name: "craig"), at: day2Date.at(hour: 9, minute: 15), note: "reviewed"), day2), from: day2)
        #expect(day2.halt == nil)
        let evaluation = RiskFixtures.evaluation("ap-d2", now: day2Date.at(hour: 10, minute: 0), session: .regular(day2Date))
        guard case .approved? = decided(Risk.self, .evaluate(evaluation), day2).first else { Issue.record("not approved after resume"); return }
    }

    // MARK: "Risk checked 100 shares; the trade sent 200"

    @Test func anApprovalFor100SharesCannotSend200() throws {
        let approval = T.approved(qty: 100)
        var doubled = approval.intent
        doubled.quantity = T.q(200)
        let id = OrderID.forApproval(approval.approvalID)
        expectRejection(Order.self, when: .request(Order.Request(orderID: id, intent: doubled, authorization: .approval(approval), at: T.t0)), then: .intentMismatch(["qty"]))
        // Not through a second order for the same approval: it lands on the same stream.
        let placed = Order.fold(decided(Order.self, .request(Order.Request(orderID: id, intent: approval.intent, authorization: .approval(approval), at: T.t0)), Order.initial))
        expectRejection(Order.self, given: [.requested(Order.Requested(orderID: id, intent: approval.intent, approvalID: approval.approvalID, requestedAt: T.t0))], when: .request(Order.Request(orderID: id, intent: doubled, authorization: .approval(approval), at: T.t0)), then: .alreadyRequested(id))
        // Not through a replace.
        var working = Order.fold([.submitted(Order.Submitted(orderID: id, brokerOrderID: "b-1", brokerStatus: .new, status: .new, submittedAt: T.t0))], from: placed)
        let replace = Order.ReplaceRequest(newOrderID: "r", newClientOrderID: T.coid("r"), changes: Order.ReplaceChanges(quantity: T.q(200)), at: T.at(10, 1))
        #expect(throws: Order.Rejection.replaceIncreasesQuantity(remaining: T.q(100), requested: T.q(200))) { try Order.decideReplace(replace, working) }
        // Not through fills either.
        let fill = { (exec: String, qty: Int) in Order.Command.applyBrokerUpdate(Order.BrokerUpdate(status: .partiallyFilled, brokerOrderID: "b-1", at: T.at(10, 2), execution: Order.ExecutionReport(executionID: ExecutionID(rawValue: exec), quantity: T.q(qty), price: T.p("50"), at: T.at(10, 2)))) }
        working = Order.fold(decided(Order.self, fill("e1", 100), working), from: working)
        #expect(throws: Order.Rejection.overfill(ordered: T.q(100), filled: T.q(100), execution: T.q(100))) { try Order.decide(fill("e2", 100), working) }
    }
}

@Suite struct OrderIntentTests {
    static func intent(_ change: (inout OrderIntent) -> Void) -> OrderIntent {
        var i = T.approvedIntent()
        change(&i)
        return i
    }

    @Test func aValidBracketHasNoViolations() {
        #expect(T.approvedIntent().violations().isEmpty)
    }

    @Test(arguments: [
        (intent { $0.clientOrderID = nil }, IntentViolation.clientOrderIDMissing),
        (intent { $0.quantity = .zero }, .quantityNotPositive),
        (intent { $0.quantity = Quantity(Decimal(string: "10.5")!) }, .fractionalQuantityNotAllowed),
        (intent { $0.limitPrice = nil }, .limitPriceMissing),
        (intent { $0.type = .market }, .limitPriceNotAllowed),
        (intent { $0.stopPrice = T.p("49") }, .stopPriceNotAllowed),
        (intent { $0.type = .stop }, .stopPriceMissing),
        (intent { $0.limitPrice = T.p("-1") }, .priceNotPositive(.limitPrice)),
        (intent { $0.takeProfit = T.p("52.001") }, .priceNotOnTick(.takeProfit)),
        (intent { $0.stopLoss = nil }, .bracketLegsMissing),
        (intent { $0.orderClass = .simple }, .legsNotAllowedForClass),
        (intent { $0.takeProfit = T.p("48") }, .bracketPricesInverted),
        (intent { $0.timeInForce = .ioc }, .timeInForceNotAllowed),
        (intent { $0.extendedHours = true }, .extendedHoursNotAllowed),
        (intent { $0.type = .trailingStop }, .trailingStopNotSupported),
    ])
    func eachBrokerRuleIsChecked(intent: OrderIntent, expected: IntentViolation) {
        #expect(intent.violations().contains(expected), "\(intent.violations())")
    }

    @Test func roundingFavoursUsOnLimitsAndIsNearestOnStops() {
        let raw = OrderIntent(
            clientOrderID: T.coid("c"), symbol: T.sym("AAPL"), positionSide: .long, purpose: .entry, quantity: T.q(1), type: .limit,
            limitPrice: T.p("50.017"), timeInForce: .day, orderClass: .bracket, takeProfit: T.p("52.011"), stopLoss: T.p("49.006"))
        let rounded = raw.roundedToTicks()
        #expect(rounded.limitPrice == T.p("50.01") && rounded.takeProfit == T.p("52.02") && rounded.stopLoss == T.p("49.01"))
        #expect(rounded.violations().isEmpty)
        #expect(raw.differences(from: rounded) == ["limit_price", "take_profit", "stop_loss"])
    }
}
