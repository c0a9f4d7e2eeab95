import Domain
import DoctorClaude
import Foundation
import Testing

/// The JSON contract is pinned by a stored file: any change to a key, a severity spelling or the shape
/// of an issue fails here, so it cannot change silently (as the original's v2 did). Volatile fields
/// (timestamp, duration) are normalised. `DOCTOR_GOLDEN_UPDATE=1` rewrites the file.
@Suite struct GoldenContractTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/check.json")

    static func report() -> DoctorReport {
        let now = NYDate("2025-03-14")!.at(hour: 11, minute: 0)
        var s = DoctorSnapshot(now: now)
        s.pipeline = ["cycle_id": "cyc-1", "cycle_state": "running", "pipeline_stage": "MONITORING", "positions_open": "1", "cycle_end": nil]
        s.orders = [
            DoctorSnapshot.OrderRow(
                orderID: "ord-1", symbol: "AAPL", side: "buy", purpose: "entry", status: "new", brokerOrderID: "b-1", quantity: 10, filledQuantity: 0,
                requestedAt: now.addingTimeInterval(-600), submittedAt: now.addingTimeInterval(-600), isTerminal: false, cycleID: "cyc-1")
        ]
        s.positions = [.init(positionID: "pos-1", symbol: "MSFT", quantity: 20, lastMarkAt: now, updatedAt: now)]
        s.broker = .connected(.init(mode: "paper", positions: ["MSFT": 20, "TSLA": 3], orders: ["b-1": .found(status: "filled")]))
        return Watchdog.report(s, thresholds: DoctorRules.Thresholds(), durationMs: 0)
    }

    static func normalised(_ json: String) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        object["timestamp"] = "<timestamp>"
        object["duration_ms"] = 0
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// On a day with no cycle, no broker and no failure, every documented key is still there, as null.
    @Test func everyKeyIsPresentOnADayWithNoCycle() throws {
        let report = Watchdog.report(DoctorSnapshot(now: NYDate("2025-03-15")!.at(hour: 11, minute: 0)), thresholds: DoctorRules.Thresholds(), durationMs: 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try report.json(pretty: false).utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == ["version", "timestamp", "duration_ms", "broker_connected", "broker_mode", "pipeline", "issues", "summary", "error"])
        #expect(object["pipeline"] is NSNull && object["broker_mode"] is NSNull && object["error"] is NSNull)
        #expect(try DoctorReport.decode(Data(try report.json(pretty: false).utf8)).pipeline == nil)
    }

    @Test func theContractMatchesTheGoldenFile() throws {
        let json = try Self.normalised(try Self.report().json(pretty: true))
        if ProcessInfo.processInfo.environment["DOCTOR_GOLDEN_UPDATE"] == "1" {
            try json.write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: Self.golden, encoding: .utf8)
        #expect(json == stored)
    }

    @Test func theContractRoundTripsAndCarriesItsVersion() throws {
        let r = Self.report()
        let decoded = try DoctorReport.decode(Data(try r.json(pretty: false).utf8))
        #expect(decoded.version == DoctorReport.contractVersion)
        #expect(decoded.issues == r.issues)
        #expect(decoded.summary == r.summary)
        #expect(decoded.summary.status == .critical && decoded.exitCode == 2)
        let text = try r.json(pretty: false)
        #expect(text.contains(#""severity":"CRITICAL""#) && text.contains(#""status":"CRITICAL""#))
        #expect(!text.uppercased().contains("UPDATE ") && !text.uppercased().contains("INSERT "))
    }
}
