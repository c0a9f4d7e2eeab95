import Domain
import FakeAlpaca
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The fake's own fidelity, over raw HTTP: other suites (reconciliation, fault drills) rely on it
/// answering like Alpaca.
@Suite struct FakeTradingWireTests {
    struct Raw: Sendable {
        let base: URL

        func call(_ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, String) {
            var r = URLRequest(url: URL(string: base.absoluteString + path)!)
            r.httpMethod = method
            r.setValue(FakeAlpacaServer.testKeyID, forHTTPHeaderField: "APCA-API-KEY-ID")
            r.setValue(FakeAlpacaServer.testSecret, forHTTPHeaderField: "APCA-API-SECRET-KEY")
            if let body {
                r.httpBody = Data(body.utf8)
                r.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: r)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
    }

    static func run(_ body: @Sendable (Raw, FakeTradingState) async throws -> Void) async throws {
        let state = FakeTradingState(now: Fixture.open.addingTimeInterval(0.25))
        state.setPrice("AAA", 10)
        try await FakeAlpacaServer(groups: FakeAlpacaServer.tradingGroups(state)).withRunning { url in try await body(Raw(base: url), state) }
    }

    static let simple = #"{"symbol":"AAA","qty":"10","side":"buy","type":"limit","limit_price":"9.5","time_in_force":"day","client_order_id":"w-1"}"#

    @Test func ordersAreWrittenWithStringDecimalsAndNanosecondTimes() async throws {
        try await Self.run { raw, _ in
            let (status, text) = try await raw.call("POST", "/v2/orders", Self.simple)
            #expect(status == 200)
            for field in [#""qty":"10""#, #""filled_qty":"0""#, #""limit_price":"9.5""#, #""legs":null"#, #""order_class":"""#, #""status":"new""#] {
                #expect(text.contains(field), "missing \(field) in \(text)")
            }
            #expect(text.contains(#""created_at":"2025-03-14T13:30:00.250000000Z""#))
        }
    }

    @Test func refusalsUseAlpacasStatusesAndBodies() async throws {
        try await Self.run { raw, _ in
            _ = try await raw.call("POST", "/v2/orders", Self.simple)
            let duplicate = try await raw.call("POST", "/v2/orders", Self.simple)
            #expect(duplicate.0 == 422 && duplicate.1 == #"{"code":40010001,"message":"client_order_id must be unique"}"#)
            let subPenny = try await raw.call("POST", "/v2/orders", Self.simple.replacingOccurrences(of: "9.5", with: "9.505").replacingOccurrences(of: "w-1", with: "w-2"))
            #expect(subPenny.0 == 422 && subPenny.1.contains("sub-penny increment does not fulfill minimum pricing criteria"))
            let oversell = try await raw.call("POST", "/v2/orders", Self.simple.replacingOccurrences(of: "buy", with: "sell").replacingOccurrences(of: "w-1", with: "w-3"))
            #expect(oversell.0 == 200, "selling while flat opens a short")
            let unknown = try await raw.call("GET", "/v2/orders/nope")
            #expect(unknown.0 == 404 && unknown.1.contains(#""code":40410000"#))
            let flat = try await raw.call("GET", "/v2/positions/ZZZ")
            #expect(flat.0 == 404 && flat.1.contains("position does not exist"))
        }
    }

    @Test func listingsNestLegsOnRequestAndCancelAllIsMultiStatus() async throws {
        try await Self.run { raw, state in
            let bracket = #"{"symbol":"AAA","qty":"5","side":"buy","type":"market","time_in_force":"day","order_class":"bracket","take_profit":{"limit_price":"11"},"stop_loss":{"stop_price":"9"},"client_order_id":"w-b"}"#
            #expect(try await raw.call("POST", "/v2/orders", bracket).0 == 200)
            let flat = try JSONSerialization.jsonObject(with: Data(try await raw.call("GET", "/v2/orders?status=open").1.utf8)) as! [[String: Any]]
            #expect(flat.count == 3 && flat.allSatisfy { $0["legs"] is NSNull })
            let nested = try JSONSerialization.jsonObject(with: Data(try await raw.call("GET", "/v2/orders?status=open&nested=true").1.utf8)) as! [[String: Any]]
            #expect(nested.count == 1 && (nested[0]["legs"] as? [[String: Any]])?.map { $0["status"] as? String } == ["held", "held"])
            let (status, text) = try await raw.call("DELETE", "/v2/orders")
            #expect(status == 207 && text.contains(#""status":200"#))
            #expect(state.orders.allSatisfy { $0.status == "canceled" })
        }
    }

    @Test func theCloseExpiresDayOrdersAndCancelsLegsOfUnfilledEntries() async throws {
        try await Self.run { raw, state in
            _ = try await raw.call("POST", "/v2/orders", Self.simple)
            _ = try await raw.call("POST", "/v2/orders", Self.simple.replacingOccurrences(of: "day", with: "gtc").replacingOccurrences(of: "w-1", with: "w-g"))
            let bracket = #"{"symbol":"AAA","qty":"5","side":"buy","type":"limit","limit_price":"9","time_in_force":"day","order_class":"bracket","take_profit":{"limit_price":"11"},"stop_loss":{"stop_price":"8"},"client_order_id":"w-b"}"#
            _ = try await raw.call("POST", "/v2/orders", bracket)
            state.expireDayOrders()
            let statuses = state.orders.map { "\($0.clientOrderID.prefix(3)):\($0.legRole ?? "-"):\($0.status)" }
            #expect(statuses.contains("w-1:-:expired") && statuses.contains("w-g:-:new") && statuses.contains("w-b:-:expired"))
            #expect(state.orders.filter { $0.legRole != nil }.allSatisfy { $0.status == "canceled" })
        }
    }

    @Test func ordersAcceptedOutsideHoursAreRoutedAtTheOpen() async throws {
        try await Self.run { raw, state in
            state.setBehavior(FakeTradingBehavior(initialStatus: "accepted"))
            let submitted = try await raw.call("POST", "/v2/orders", Self.simple).1
            #expect(submitted.contains(#""status":"accepted""#))
            state.routeAcceptedOrders()
            let routed = try await raw.call("GET", "/v2/orders:by_client_order_id?client_order_id=w-1").1
            #expect(routed.contains(#""status":"new""#))
        }
    }

    @Test func activitiesListNewestFirstByDefault() async throws {
        try await Self.run { raw, state in
            _ = try await raw.call("POST", "/v2/orders", Self.simple)
            let id = try #require(state.orders.first?.id)
            try state.fill(id, quantity: 4, price: Decimal(string: "9.5")!)
            state.advance(seconds: 1)
            try state.fill(id, price: Decimal(string: "9.49")!)
            let text = try await raw.call("GET", "/v2/account/activities/FILL").1
            let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [[String: Any]]
            #expect(list.map { $0["cum_qty"] as? String } == ["10", "4"])
            #expect(list.map { $0["type"] as? String } == ["fill", "partial_fill"])
            #expect(list.allSatisfy { ($0["id"] as? String)?.hasPrefix("20250314133000") == true || ($0["id"] as? String)?.hasPrefix("20250314133001") == true })
        }
    }
}
