import Application
import Domain
import Foundation
import MarketData
import Testing

@testable import ApplicationTestKit

/// StartCycle: typed refusals that name the field, the exchange calendar, the halt, and idempotency.
@Suite struct StartCycleTests {
    static func field(of error: any Error) -> String? {
        if case ApplicationError.invalid(let field, _) = error { return field }
        return nil
    }

    @Test(arguments: [
        (StartCycleRequest(mode: "yolo"), "mode"),
        (StartCycleRequest(maxPositions: -1), "max_positions"),
        (StartCycleRequest(maxPositions: 0), "max_positions"),
        (StartCycleRequest(maxPositions: 51), "max_positions"),
        (StartCycleRequest(riskPerTrade: Decimal(string: "0.1000001")!), "risk_per_trade"),
        (StartCycleRequest(riskPerTrade: 0), "risk_per_trade"),
        (StartCycleRequest(sessionMode: "semi"), "session_mode"),
        (StartCycleRequest(scanFrequency: 0), "scan_frequency"),
        (StartCycleRequest(executeTopN: 99), "execute_top_n"),
        (StartCycleRequest(idempotencyKey: ""), "idempotency_key"),
    ])
    func badRequestsAreRefusedNamingTheField(request: StartCycleRequest, field: String) async throws {
        let h = try await SimHarness.make()
        do {
            _ = try await CycleService(system: h.system).start(request, context: h.context())
            Issue.record("accepted \(request)")
        } catch {
            #expect(Self.field(of: error) == field, "\(error)")
        }
        #expect(try await h.events().count("cycle.started") == 0)
    }

    /// The seeds' JSON, decoded as the API decodes it, is refused the same way.
    @Test func theSeedsJSONShapeIsValidatedToo() throws {
        let json = #"{"mode": "normal", "scan_frequency": 300, "max_positions": 5, "risk_per_trade": 0.25}"#
        let request = try JSONDecoder().decode(StartCycleRequest.self, from: Data(json.utf8))
        #expect(throws: ApplicationError.self) { try request.validated(now: Date()) }
        let ok = try JSONDecoder().decode(StartCycleRequest.self, from: Data(#"{"mode": "autonomous", "max_positions": 5}"#.utf8))
        #expect(try ok.validated(now: Date()).sessionMode == .autonomous)
    }

    /// A Saturday, Good Friday (an NYSE holiday) and 09:00 on a trading day: refused by the exchange
    /// calendar, and no cycle is recorded.
    @Test(arguments: [("2025-03-15", 10, 0), ("2025-04-18", 11, 0), ("2025-03-14", 9, 0), ("2025-03-14", 16, 5)])
    func refusedOutsideTheSession(day: String, hour: Int, minute: Int) async throws {
        let h = try await SimHarness.make()
        let t = NYDate(day)!.at(hour: hour, minute: minute)
        h.world.setTime(t)
        do {
            _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
            Issue.record("a cycle started at \(t)")
        } catch let e as ApplicationError {
            #expect(["market_closed", "outside_trading_session"].contains(e.code), "\(e)")
        }
        let events = try await h.events()
        #expect(events.count("cycle.started") == 0)
        // A refused start writes nothing for a day without a session.
        if NYSECalendarCheck.isClosed(NYDate(day)!) {
            #expect(events.filter { $0.stream.hasPrefix("risk-test-\(day)") }.isEmpty, "a risk day was opened for a closed day")
        }
    }

    @Test func refusedWhileTradingIsHalted() async throws {
        let h = try await SimHarness.make()
        try await EmergencyStop(system: h.system).run(reason: "drill", context: h.context(SimHarness.operatorActor))
        do {
            _ = try await CycleService(system: h.system).start(StartCycleRequest(mode: "normal"), context: h.context())
            Issue.record("a cycle started while halted")
        } catch let e as ApplicationError {
            #expect(e.code == "trading_halted", "\(e)")
        }
        #expect(try await h.events().count("cycle.started") == 0)
    }

    @Test func theSameKeyStartsExactlyOneCycle() async throws {
        let h = try await SimHarness.make()
        let request = StartCycleRequest(mode: "normal", idempotencyKey: "cron-0930-retry")
        let first = try await CycleService(system: h.system).start(request, context: h.context())
        let second = try await CycleService(system: h.system).start(request, context: h.context())
        #expect(!first.alreadyStarted && second.alreadyStarted)
        #expect(first.cycleID == second.cycleID)
        #expect(try await h.events().count("cycle.started") == 1)
    }

    /// Without a key, cron firing the same slot twice, and again a minute later, lands on one cycle; the
    /// next slot is a new cycle.
    @Test func theSlotKeyDeduplicatesCronRetries() async throws {
        let h = try await SimHarness.make(hour: 10, minute: 0)
        let service = CycleService(system: h.system)
        let request = StartCycleRequest(mode: "normal")
        let a = try await service.start(request, context: h.context())
        let b = try await service.start(request, context: h.context())
        h.world.setTime(SimHarness.date.at(hour: 10, minute: 1))
        let c = try await service.start(request, context: h.context())
        #expect(!a.alreadyStarted && b.alreadyStarted && c.alreadyStarted)
        #expect(Set([a.cycleID, b.cycleID, c.cycleID]).count == 1)
        h.world.setTime(SimHarness.date.at(hour: 10, minute: 30))
        let d = try await service.start(request, context: h.context())
        #expect(!d.alreadyStarted && d.cycleID != a.cycleID)
        #expect(try await h.events().count("cycle.started") == 2)
    }

    @Test func concurrentIdenticalStartsStartOne() async throws {
        let h = try await SimHarness.make()
        let request = StartCycleRequest(mode: "aggressive", idempotencyKey: "burst")
        let results = try await withThrowingTaskGroup(of: CycleService.Started.self) { group in
            for _ in 0..<8 {
                group.addTask { try await CycleService(system: h.system).start(request, context: h.context()) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { !$0.alreadyStarted }.count == 1)
        #expect(Set(results.map(\.cycleID)).count == 1)
        #expect(try await h.events().count("cycle.started") == 1)
    }
}

enum NYSECalendarCheck {
    static func isClosed(_ day: NYDate) -> Bool { NYSECalendar().session(on: day) == nil }
}
