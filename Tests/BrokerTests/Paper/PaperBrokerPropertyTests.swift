import Broker
import Domain
import Foundation
import PropertyBased
import Testing

/// Determinism and conservation of the paper broker over generated scenarios.
@Suite struct PaperBrokerPropertyTests {
    /// A random-walk tape in cents from 20.00, one trade a minute.
    static func walk(_ steps: [Int], from start: Decimal = 20) -> [(Date, Price)] {
        var cents = NSDecimalNumber(decimal: start * 100).intValue
        return steps.enumerated().map { i, step in
            cents = max(200, cents + step)
            return (Fixture.minute(Double(i)), Price(Decimal(cents) / 100))
        }
    }

    /// Submits a mix of orders (market, limits around the price, a bracket) and advances minute by
    /// minute to the close. Returns the broker.
    static func run(seed: UInt64, steps: [Int], quantities: [Int], partial: Double) async throws -> PaperBroker {
        let b = PaperBroker(
            configuration: PaperConfiguration(seed: seed, partialFillRate: partial, start: Fixture.open, session: Fixture.session),
            feed: TapeFeed([Fixture.aaa: walk(steps), Fixture.bbb: walk(steps.reversed(), from: 35)]))
        for (k, qty) in quantities.enumerated() {
            let symbol = k % 2 == 0 ? Fixture.aaa : Fixture.bbb
            let last = TapeFeed([symbol: k % 2 == 0 ? walk(steps) : walk(steps.reversed(), from: 35)]).lastPrice(symbol, at: b.now)!
            let intent: OrderIntent
            switch k % 4 {
            case 0: intent = Fixture.entry("o-\(k)", symbol, qty: qty)
            case 1: intent = Fixture.entry("o-\(k)", symbol, qty: qty, type: .limit, limit: "\(last.value - Decimal(k % 7) / 10)")
            case 2: intent = Fixture.entry("o-\(k)", symbol, side: .short, qty: qty, type: .limit, limit: "\(last.value + Decimal(k % 5) / 10)")
            default:
                intent = Fixture.bracket(
                    "o-\(k)", symbol, qty: qty, limit: "\(last.value)", takeProfit: "\(last.value + 1)", stopLoss: "\(last.value - 1)")
            }
            _ = try? await b.submit(intent)
            b.advance(to: b.now.addingTimeInterval(60))
        }
        var t = b.now
        while t < Fixture.close {
            t = t.addingTimeInterval(60)
            b.advance(to: t)
        }
        return b
    }

    @Test func theSameSeedAndInputsGiveIdenticalFills() async throws {
        let steps = (0..<390).map { ($0 * 7919 % 23) - 11 }
        let quantities = (0..<12).map { 5 + $0 * 13 }
        let a = try await Self.run(seed: 42, steps: steps, quantities: quantities, partial: 0.5)
        let b = try await Self.run(seed: 42, steps: steps, quantities: quantities, partial: 0.5)
        #expect(!a.allFills.isEmpty)
        #expect(a.allFills == b.allFills)
        #expect(try await a.openOrders() == (try await b.openOrders()))
        let c = try await Self.run(seed: 43, steps: steps, quantities: quantities, partial: 0.5)
        #expect(c.allFills.map(\.brokerOrderID) != a.allFills.map(\.brokerOrderID), "order ids derive from the seed")
    }

    @Test func aboutOneFillEventInTenIsPartialByDefault() async throws {
        let b = PaperBroker(
            configuration: PaperConfiguration(seed: 2025, buyingPowerMultiplier: 100, start: Fixture.open),
            feed: TapeFeed([Fixture.aaa: PaperBrokerFillTests.flat("10", 0...20)]))
        for k in 0..<1000 { _ = try await b.submit(Fixture.entry("rate-\(k)", qty: 100)) }
        let fills = b.advance(to: Fixture.minute(1))
        #expect(fills.count == 1000, "each order gets one fill event in the first window")
        let partial = fills.filter { $0.leavesQuantity.isPositive }.count
        #expect((70...130).contains(partial), "\(partial) of 1,000 first fills were partial")
        for m in 2...20 { b.advance(to: Fixture.minute(Double(m))) }
        #expect(try await b.openOrders().isEmpty, "every remainder filled in a later window")
    }

    @Test func executionsAddUpToEveryOrdersFilledQuantity() async {
        await propertyCheck(
            count: 40, input: Gen.int(in: 0...1_000_000), Gen.int(in: -15...15).array(of: 390), Gen.int(in: 1...400).array(of: 1...10),
            Gen.element(of: [0.0, 0.1, 0.5, 1.0])
        ) { seed, steps, quantities, partial in
            let b = try await Self.run(seed: UInt64(seed), steps: steps, quantities: quantities, partial: partial ?? 0.1)
            let fills = b.allFills
            #expect(Set(fills.map(\.executionID)).count == fills.count, "execution ids are unique")
            var perOrder: [BrokerOrderID: [BrokerFill]] = [:]
            for f in fills { perOrder[f.brokerOrderID, default: []].append(f) }
            for (id, executions) in perOrder {
                guard let order = try await b.order(id: id) else {
                    Issue.record("fill for unknown order \(id)")
                    continue
                }
                let total = executions.reduce(Quantity.zero) { $0 + $1.quantity }
                #expect(total == order.filledQuantity, "Σ executions of \(id) = its filled quantity")
                #expect(executions.last?.cumulativeQuantity == order.filledQuantity)
                #expect(order.filledQuantity <= order.quantity)
                #expect(executions.allSatisfy { $0.side == order.side && $0.quantity.isPositive })
            }
            // Positions net from fills.
            var net: [Symbol: Quantity] = [:]
            for f in fills { net[f.symbol, default: .zero] += f.side == .buy ? f.quantity : -f.quantity }
            let positions = try await b.positions()
            #expect(positions.map(\.quantity) == positions.map { net[$0.symbol] ?? .zero })
            #expect(net.values.filter { !$0.isZero }.count == positions.count)
            // Nothing is left working after the close but good-till-canceled orders (none here).
            #expect(try await b.openOrders().isEmpty)
        }
    }
}
