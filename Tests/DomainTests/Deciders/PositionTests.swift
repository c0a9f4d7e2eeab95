import Foundation
import Testing

@testable import Domain

enum PositionFixtures {
    static func fill(
        _ side: OrderSide, _ qty: Int, _ price: String, exec: String, purpose: OrderPurpose? = nil, reason: ExitReason? = nil, symbol: String = "AAPL",
        minute: Int = 1, fee: String = "0"
    ) -> Position.Command {
        .applyFill(
            Position.Fill(
                account: T.account, orderID: OrderID(rawValue: "ord-\(exec)"), executionID: ExecutionID(rawValue: exec), symbol: T.sym(symbol), side: side,
                quantity: Quantity(qty), price: T.p(price), fee: T.m(fee), at: T.at(10, minute), purpose: purpose ?? (side == .buy ? .entry : .exit),
                exitReason: reason, sector: .informationTechnology, stop: T.p("49"), target: T.p("52")))
    }

    static let id1 = Position.id(account: T.account, symbol: T.sym("AAPL"), sequence: 1)
    static let id2 = Position.id(account: T.account, symbol: T.sym("AAPL"), sequence: 2)

    static var opened: Position.Event {
        .opened(
            Position.Opened(
                positionID: id1, account: T.account, symbol: T.sym("AAPL"), side: .long, orderID: "ord-e1", executionID: "e1", quantity: T.q(100),
                price: T.p("50"), fee: .zero, costBasis: T.m("5000"), openedAt: T.at(10, 1), sector: .informationTechnology, approvalID: nil, cycleID: nil,
                stop: T.p("49"), target: T.p("52")))
    }
}

@Suite struct PositionTests {
    typealias F = PositionFixtures

    @Test func theFirstFillOpensThePosition() {
        let state = expectDecision(Position.self, when: F.fill(.buy, 100, "50", exec: "e1"), then: [F.opened])
        #expect(state.open?.quantity == T.q(100) && state.open?.side == .long)
        expectDecision(Position.self, given: [F.opened], when: F.fill(.buy, 100, "50", exec: "e1"), then: [])
    }

    @Test func sameSideFillsAverageTheEntry() {
        expectDecision(Position.self, given: [F.opened], when: F.fill(.buy, 50, "53", exec: "e2", minute: 2), then: [
            .increased(Position.Increased(positionID: F.id1, orderID: "ord-e2", executionID: "e2", quantity: T.q(50), price: T.p("53"), fee: .zero, quantityAfter: T.q(150), costBasis: T.m("7650"), averageEntryPrice: T.p("51"), at: T.at(10, 2)))
        ])
    }

    @Test func reducingFillsRealizeFromFillPricesAndKeepTheAverage() {
        let increased = Position.Event.increased(Position.Increased(positionID: F.id1, orderID: "ord-e2", executionID: "e2", quantity: T.q(50), price: T.p("53"), fee: .zero, quantityAfter: T.q(150), costBasis: T.m("7650"), averageEntryPrice: T.p("51"), at: T.at(10, 2)))
        expectDecision(Position.self, given: [F.opened, increased], when: F.fill(.sell, 50, "55", exec: "e3", minute: 3), then: [
            .reduced(Position.Reduced(positionID: F.id1, orderID: "ord-e3", executionID: "e3", quantity: T.q(50), price: T.p("55"), fee: .zero, realizedPnL: T.m("200"), quantityAfter: T.q(100), costBasis: T.m("5100"), averageEntryPrice: T.p("51"), at: T.at(10, 3)))
        ])
    }

    @Test func theClosingFillRecordsTheTotalAndTheExitReason() {
        let state = expectDecision(Position.self, given: [F.opened], when: F.fill(.sell, 100, "49", exec: "e2", purpose: .stopLoss, minute: 30), then: [
            .closed(Position.Closed(positionID: F.id1, side: .long, orderID: "ord-e2", executionID: "e2", quantity: T.q(100), price: T.p("49"), fee: .zero, realizedPnL: T.m("-100"), totalRealizedPnL: T.m("-100"), exitReason: .stopLoss, openedAt: T.at(10, 1), closedAt: T.at(10, 30)))
        ])
        #expect(state.open == nil && state.lifetimeRealizedPnL == T.m("-100"))
        // The next position in the symbol gets the next id.
        guard case .opened(let next)? = decided(Position.self, F.fill(.buy, 10, "48", exec: "e3", minute: 40), state).first else { Issue.record("not opened"); return }
        #expect(next.positionID == F.id2)
    }

    @Test func exitReasonsComeFromTheOrderOrTheRequest() {
        let requested = Position.Event.exitRequested(Position.ExitRequested(positionID: F.id1, reason: .maxHold, by: .system, at: T.at(13, 0)))
        expectDecision(Position.self, given: [F.opened], when: .requestExit(.maxHold, by: .system, at: T.at(13, 0)), then: [requested])
        expectDecision(Position.self, given: [F.opened, requested], when: .requestExit(.endOfDay, by: .system, at: T.at(15, 45)), then: [])
        func reason(_ command: Position.Command, given: [Position.Event]) -> ExitReason? {
            guard case .closed(let c)? = decided(Position.self, command, Position.fold(given)).first else { return nil }
            return c.exitReason
        }
        #expect(reason(F.fill(.sell, 100, "51", exec: "x"), given: [F.opened, requested]) == .maxHold)
        #expect(reason(F.fill(.sell, 100, "52", exec: "x", purpose: .takeProfit), given: [F.opened]) == .takeProfit)
        #expect(reason(F.fill(.sell, 100, "51", exec: "x", reason: .endOfDay), given: [F.opened, requested]) == .endOfDay)
        #expect(reason(F.fill(.sell, 100, "51", exec: "x"), given: [F.opened]) == .manual)
    }

    @Test func aFillThroughZeroClosesAndOpensTheOtherSide() {
        let events = decided(Position.self, F.fill(.sell, 150, "52", exec: "e2", minute: 5, fee: "1"), Position.fold([F.opened]))
        #expect(events == [
            .closed(Position.Closed(positionID: F.id1, side: .long, orderID: "ord-e2", executionID: "e2", quantity: T.q(100), price: T.p("52"), fee: T.m("1"), realizedPnL: T.m("199"), totalRealizedPnL: T.m("199"), exitReason: .manual, openedAt: T.at(10, 1), closedAt: T.at(10, 5))),
            .opened(Position.Opened(positionID: F.id2, account: T.account, symbol: T.sym("AAPL"), side: .short, orderID: "ord-e2", executionID: "e2", quantity: T.q(50), price: T.p("52"), fee: .zero, costBasis: T.m("2600"), openedAt: T.at(10, 5), sector: .informationTechnology, approvalID: nil, cycleID: nil, stop: nil, target: nil)),
        ])
        let state = Position.fold([F.opened] + events)
        #expect(state.open?.side == .short && state.open?.net.quantity == T.q(-50))
        #expect(decided(Position.self, F.fill(.sell, 150, "52", exec: "e2"), state).isEmpty)
        expectRoundTrip(events)
    }

    @Test func marksGiveUnrealizedPnLAndTrackExtremes() {
        let marked = expectDecision(Position.self, given: [F.opened], when: .mark(T.p("50.75"), at: T.at(10, 5)), then: [
            .marked(Position.Marked(positionID: F.id1, price: T.p("50.75"), quantity: T.q(100), unrealizedPnL: T.m("75"), highestPrice: T.p("50.75"), lowestPrice: T.p("50"), at: T.at(10, 5)))
        ])
        #expect(marked.open?.unrealizedPnL == T.m("75"))
        #expect(decided(Position.self, .mark(T.p("51"), at: T.at(10, 5)), marked).isEmpty)
        expectRejection(Position.self, when: .mark(T.p("50"), at: T.t0), then: .noOpenPosition)
    }

    @Test func protectionChangesMustBeOnTicks() {
        expectRejection(Position.self, given: [F.opened], when: .updateProtection(stop: T.p("49.005"), target: nil, by: .system, at: T.t0), then: .invalidPrice("49.005 is not a positive price on a legal tick"))
        expectDecision(Position.self, given: [F.opened], when: .updateProtection(stop: T.p("49"), target: T.p("52"), by: .system, at: T.t0), then: [])
        expectDecision(Position.self, given: [F.opened], when: .updateProtection(stop: T.p("49.5"), target: T.p("52"), by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0), then: [
            .protectionChanged(Position.ProtectionChanged(positionID: F.id1, stop: T.p("49.5"), target: T.p("52"), by: Actor.principal("craig", kind: .human, name: "craig"), at: T.t0))
        ])
    }

    @Test func fillsOfAnotherSymbolAreRefused() {
        expectRejection(Position.self, given: [F.opened], when: F.fill(.buy, 1, "10", exec: "z", symbol: "MSFT"), then: .wrongStream(expected: T.sym("AAPL"), got: T.sym("MSFT")))
    }

    @Test func aPhantomPositionIsClosedExternallyWithoutInventingPnL() {
        let broker = Position.BrokerPosition(account: T.account, symbol: T.sym("AAPL"), quantity: .zero, averagePrice: nil, evidence: T.evidence, discrepancyID: "d-1", by: Actor(.doctor, name: "doctor-claude"), at: T.at(10, 30))
        let events = decided(Position.self, .reconcile(broker), Position.fold([F.opened]))
        #expect(events.count == 2)
        guard case .closed(let closed)? = events.last else { Issue.record("\(events)"); return }
        #expect(closed.exitReason == .external && closed.totalRealizedPnL == nil && closed.price == nil)
        let state = Position.fold([F.opened] + events)
        #expect(state.open == nil && state.lifetimeRealizedPnL == nil)
        #expect(decided(Position.self, .reconcile(broker), state).isEmpty)
        expectRoundTrip(events)
    }

    @Test func anOrphanPositionIsOpenedFromTheBrokersEvidence() {
        var broker = Position.BrokerPosition(account: T.account, symbol: T.sym("AAPL"), quantity: T.q(-30), averagePrice: nil, evidence: T.evidence, discrepancyID: "d-2", by: .system, at: T.at(10, 30))
        expectRejection(Position.self, when: .reconcile(broker), then: .averagePriceRequired)
        broker.averagePrice = T.p("10")
        let state = Position.fold(decided(Position.self, .reconcile(broker), Position.initial))
        #expect(state.open?.net == NetPosition(quantity: T.q(-30), costBasis: T.m("-300")))
        #expect(state.open?.pnlComplete == false && state.sequence == 1)
    }
}

@Suite struct NetPositionTests {
    @Test func averageCostNettingInBothDirections() {
        var p = NetPosition.flat
        (p, _) = p.applying(side: .sell, quantity: T.q(10), price: T.p("20"))
        #expect(p.side == .short && p.averagePrice == T.p("20"))
        let (covered, effect) = p.applying(side: .buy, quantity: T.q(4), price: T.p("18"))
        #expect(effect.realized == T.m("8") && covered.quantity == T.q(-6) && covered.averagePrice == T.p("20"))
        let (flipped, flip) = covered.applying(side: .buy, quantity: T.q(10), price: T.p("21"))
        #expect(flip.flipped && flip.closed == T.q(6) && flip.opened == T.q(4) && flip.realized == T.m("-6"))
        #expect(flipped == NetPosition(quantity: T.q(4), costBasis: T.m("84")))
    }

    @Test func roundingStaysInsideTheBasis() {
        var p = NetPosition.flat
        (p, _) = p.applying(side: .buy, quantity: T.q(3), price: T.p("10.01"))
        let (rest, effect) = p.applying(side: .sell, quantity: T.q(1), price: T.p("10"))
        #expect(effect.realized + rest.unrealized(at: T.p("10")) == Money(T.d("-0.03")))
    }
}
