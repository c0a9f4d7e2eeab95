import Foundation

@testable import Domain

/// Turns a generated list of integers into commands. Generating integers (rather than commands) keeps
/// PropertyBased's shrinking: a failure shrinks to the shortest script that still fails.
enum Scripts {
    static let symbols = ["AAPL", "MSFT", "XOM", "JPM", "PFE", "TSLA", "NVDA"].map { Symbol($0)! }
    static let sectors: [Sector] = [.informationTechnology, .informationTechnology, .energy, .financials, .healthCare, .consumerDiscretionary, .informationTechnology]

    static func price(_ n: Int) -> Price { Price(Decimal(100 + n % 19_900) / 100) }
    static func at(_ step: Int) -> Date { T.at(9, 31).addingTimeInterval(Double(step) * 7) }

    // MARK: Orders

    static let orderQuantity = 100

    /// Broker updates, fills (with repeated execution ids, so duplicates happen), cancels and refusals.
    static func orderCommand(_ n: Int, step: Int) -> Order.Command {
        let statuses = BrokerOrderStatus.allCases
        switch n % 24 {
        case 0..<18:
            let status = statuses[n % 24]
            var update = Order.BrokerUpdate(status: status, brokerOrderID: "b-1", at: at(step), source: .tradeStream)
            if status == .partiallyFilled || status == .filled || n % 7 == 0 {
                let qty = n % 5 == 0 ? 100 - (n / 24 % 3) : (n / 24) % 45 + 1
                update.execution = Order.ExecutionReport(executionID: ExecutionID(rawValue: "x\((n / 3) % 40)"), quantity: Quantity(qty), price: price(n), at: at(step))
            }
            if status == .replaced { update.replacedBy = "ord-r" }
            return .applyBrokerUpdate(update)
        case 18, 19: return .requestCancel(reason: "script", at: at(step))
        case 20: return .applyCancelRejected(reason: "script", at: at(step))
        case 21: return .applyReplaceRejected(reason: "script", at: at(step))
        case 22: return .recordSubmitOutcomeUnknown(reason: "timeout", at: at(step))
        default: return .resolveOutcome(n % 2 == 0 ? .found("b-1", .new) : .notFound, at: at(step))
        }
    }

    static var orderStart: [Order.Event] {
        let intent = T.approvedIntent(qty: orderQuantity)
        return [.requested(Order.Requested(orderID: OrderFixtures.id, intent: intent, approvalID: "ap-1", requestedAt: T.t0))]
    }

    // MARK: Positions

    static func positionCommand(_ n: Int, step: Int) -> Position.Command {
        switch n % 10 {
        case 0..<7:
            let side: OrderSide = (n / 10) % 2 == 0 ? .buy : .sell
            let fee = n % 3 == 0 ? Money(Decimal(n % 97) / 100) : .zero
            return .applyFill(
                Position.Fill(
                    account: T.account, orderID: OrderID(rawValue: "ord-\(n % 9)"), executionID: ExecutionID(rawValue: "x\((n / 7) % 60)"), symbol: symbols[0], side: side,
                    quantity: Quantity((n / 20) % 500 + 1), price: price(n), fee: fee, at: at(step), purpose: side == .buy ? .entry : .exit))
        case 7: return .mark(price(n / 10), at: at(step))
        case 8: return .requestExit(ExitReason.allCases[n % ExitReason.allCases.count], by: .system, at: at(step))
        default: return .updateProtection(stop: price(n / 10), target: nil, by: .system, at: at(step))
        }
    }

    // MARK: Risk

    static let humans = [Actor.principal("craig", kind: .human, name: "craig")]
    static let machines = [Actor.system, .cron, Actor(.doctor, name: "doctor-claude"), Actor(.api), Actor(.mcp)]

    /// Approvals from several cycles, fills of approved entries, exits, releases, marks, halts and
    /// resumes by humans and machines.
    static func riskCommand(_ n: Int, step: Int, state: Risk.State) -> Risk.Command {
        let now = at(step)
        let pick = (n / 12) % symbols.count
        switch n % 12 {
        case 0, 1, 2:
            let symbol = symbols[pick].rawValue
            let base = 20 + (n / 100) % 60
            let proposal = T.proposal(symbol, entry: "\(base)", stop: "\(base - 1)", target: "\(base + 2)", atr: "0.4", sector: sectors[pick])
            return .evaluate(
                RiskFixtures.evaluation("ap-\(n % 500)", proposal, qty: n % 3 == 0 ? nil : (n / 7) % 250 + 1, now: now, cycle: "cyc-\(n % 4)"))
        case 3, 4:
            // Fill part or all of a pending entry.
            guard let entry = state.pending.values.sorted(by: { $0.approvalID < $1.approvalID }).first else { return .recordMarks([], at: now) }
            let qty = min(entry.unfilledQuantity, Quantity((n / 12) % 150 + 1))
            return .recordFill(RiskFixtures.fill(entry.symbol.rawValue, entry.side.entrySide, Int(truncating: qty.shares as NSDecimalNumber), "\(entry.price)", exec: "f\(n % 300)", approval: entry.approvalID.rawValue, sector: entry.sector, at: now))
        case 5:
            guard let held = state.positions.values.sorted(by: { $0.symbol < $1.symbol }).first else { return .recordMarks([], at: now) }
            let qty = held.net.quantity.magnitude
            return .recordFill(RiskFixtures.fill(held.symbol.rawValue, held.net.quantity.isPositive ? .sell : .buy, Int(truncating: qty.shares as NSDecimalNumber), "\(price(n / 12))", exec: "s\(n % 300)", sector: held.sector, at: now))
        case 6:
            guard let entry = state.pending.keys.sorted().first else { return .recordMarks([], at: now) }
            return .releaseApproval(entry, reason: .orderCanceled, at: now)
        case 7, 8:
            return .recordMarks(state.positions.keys.sorted().map { SymbolPrice($0, Price(Decimal(5 + (n / 12) % 80))) }, at: now)
        case 9:
            return .halt(.manual, by: machines[n % machines.count], at: now, detail: "script")
        default:
            let actor = (n / 12) % 3 == 0 ? humans[0] : machines[(n / 12) % machines.count]
            return .resume(by: actor, at: now, note: "script")
        }
    }
}
