import Foundation
import Testing

/// The dashboard rendered by a real browser (Debian's headless Chromium): after an hour of a simulated
/// day with a cycle, the page's script has fetched the JSON routes and shows the ledger's numbers.
@Suite(.serialized) struct DashboardBrowserTests {
    static let chromium = "/usr/bin/chromium"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium), "needs Debian's chromium package"))
    func theDashboardRendersRealNumbersInHeadlessChromium() async throws {
        try await APIHarness.with { h in
            try await h.driver.step(minutes: 30)
            let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "dashboard"])
            let id = try #require(start.object["cycle_id"] as? String)
            await h.settle()
            try await h.driver.step(minutes: 45)
            await h.settle()
            let risk = try await h.get("/api/v1/risk/state").object
            let open = try await h.get("/api/v1/positions/active").array

            let dom = try await CLIAndTradeTests.run(
                Self.chromium,
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--virtual-time-budget=8000", "--dump-dom", h.url.absoluteString + "/"])
            #expect(dom.status == 0, "\(dom.err)")
            let html = dom.out
            func text(_ id: String) -> String? {
                guard let r = html.range(of: "id=\"\(id)\"") else { return nil }
                let after = html[r.upperBound...]
                guard let gt = after.firstIndex(of: ">"), let lt = after[gt...].firstIndex(of: "<") else { return nil }
                return String(after[after.index(after: gt)..<lt])
            }
            let pnl = Decimal(string: risk["daily_pnl"] as? String ?? "\(risk["daily_pnl"] ?? 0)") ?? 0
            let expected = (pnl >= 0 ? "+" : "") + String(format: "%.2f", NSDecimalNumber(decimal: pnl).doubleValue)
            #expect(text("pnl") == expected, "dashboard P&L \(text("pnl") ?? "nil") vs risk day \(pnl)")
            #expect(text("open-count") == String(open.count))
            #expect(text("pipeline") == "completed")
            #expect(html.contains(id))
            #expect(text("status")?.hasPrefix("updated") == true, "\(text("status") ?? "nil")")
            for p in open { #expect(html.contains("<td>\(p["symbol"] as? String ?? "?")</td>")) }
            #expect(html.contains("<path d=\"M"))
        }
    }
}
