import Application
import Broker
import Domain
import FakeAlpaca
import Foundation
import Testing

@testable import ApplicationTestKit

/// The daily loss limit reached by realized losses (fills, taken in by reconciliation), against the fake
/// Alpaca server where the test sets every execution price.
@Suite(.serialized) struct DailyLossByFillsTests {
    @Test func aLossRealizedByFillsWarnsOnceThenHaltsAndFlattensTheRest() async throws {
        var parameters = RiskParameters()
        parameters.maxDailyLoss = Money(100)
        try await AlpacaAppHarness.run(risk: parameters) { h in
            // A: bought and sold $0.80 lower: −$80, past the $75 warning, short of the $100 limit.
            let (a, pa) = try await h.filledEntry(0)
            try await h.close(a.intent.symbol, at: pa.value - Decimal(string: "0.80")!)
            try await h.minute()
            var events = try await h.events()
            #expect(events.count("risk.daily_loss_warning") == 1)
            #expect(events.count("risk.trading_halted") == 0)

            // B filled, C resting at the broker, D filled.
            let (b, pb) = try await h.filledEntry(1)
            guard case .placed(let c) = try await h.trade(2) else { throw HarnessError("C not placed") }
            let (d, _) = try await h.filledEntry(3)

            // B sold $0.30 lower: −$110 in total.
            try await h.close(b.intent.symbol, at: pb.value - Decimal(string: "0.30")!)
            try await h.minute()
            events = try await h.events()
            #expect(events.count("risk.daily_loss_warning") == 1, "once a day")
            let halts = events.compactMap { if case .risk(.tradingHalted(let t)) = $0.event { t } else { nil } }
            #expect(halts.map(\.halt.reason) == [.dailyLossLimit])

            // The flatten ran: C canceled at the broker, D being closed with a market order.
            #expect(h.state.order(id: try c.brokerID())?.status == "canceled")
            let exitsOfD = h.state.orders.filter { $0.symbol == d.intent.symbol.rawValue && $0.side == "sell" && $0.type == "market" }
            #expect(exitsOfD.count == 1, "\(h.state.orders.map { "\($0.symbol) \($0.side) \($0.type) \($0.status)" })")
            let requested = events.compactMap { if case .position(.exitRequested(let x)) = $0.event { x } else { nil } }
            #expect(requested.contains { $0.reason == .emergency })
            // Its fill closes D at the price the broker reports.
            let exit = try #require(exitsOfD.first)
            try h.state.fill(exit.id, price: Decimal(string: "12.34")!)
            try await h.minute()
            let closes = try await h.events().compactMap { if case .position(.closed(let x)) = $0.event { x } else { nil } }
            #expect(closes.last?.price == Price(Decimal(string: "12.34")!) && closes.last?.exitReason == .emergency)
        }
    }
}
