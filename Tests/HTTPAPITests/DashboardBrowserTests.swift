import Foundation
import Testing

/// The dashboard rendered by a real browser (Debian's headless Chromium): after a simulated day with
/// cycles, the page's script has fetched the JSON routes and shows the ledger's numbers: the day's funnel,
/// one timeline entry per cycle, the open cycle's candidates, signals, decisions and orders, the risk day
/// against its limits, the equity curve, Doctor's findings and projection lag. With
/// `DASHBOARD_SCREENSHOT=<path>` the 1280-px screenshot is kept there (docs/dashboard.png is one).
@Suite(.serialized) struct DashboardBrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--virtual-time-budget=10000", "--window-size=1280,2600"]

    /// The DOM as rendered, without the page's own script (whose template strings would match too).
    static func rendered(_ html: String) -> String {
        var out = html
        while let open = out.range(of: "<script"), let close = out.range(of: "</script>", range: open.upperBound..<out.endIndex) {
            out.removeSubrange(open.lowerBound..<close.upperBound)
        }
        return out
    }

    /// The element with this id: from its start tag to the next element carrying an id of one of `until`.
    static func section(_ html: String, _ id: String, until: String) -> String {
        guard let start = html.range(of: "id=\"\(id)\"") else { return "" }
        let end = html.range(of: "id=\"\(until)\"", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[start.lowerBound..<end])
    }

    /// Every value of `attribute` in `html`, in order.
    static func values(_ attribute: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let r = rest.range(of: " \(attribute)=\"") {
            let after = rest[r.upperBound...]
            guard let q = after.firstIndex(of: "\"") else { break }
            found.append(String(after[..<q]))
            rest = after[q...]
        }
        return found
    }

    static func text(_ html: String, _ id: String) -> String? {
        guard let r = html.range(of: "id=\"\(id)\"") else { return nil }
        let after = html[r.upperBound...]
        guard let gt = after.firstIndex(of: ">"), let lt = after[gt...].firstIndex(of: "<") else { return nil }
        return String(after[after.index(after: gt)..<lt])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium), "needs Debian's chromium package"))
    func theDashboardRendersTheDayInHeadlessChromium() async throws {
        try await APIHarness.with { h in
            // Cycles at 10:00, 12:30 and 14:00; then on to the close, so positions are flattened and closed.
            var cycles: [String] = []
            for (i, minutes) in [30, 150, 90].enumerated() {
                try await h.driver.step(minutes: minutes)
                let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "dashboard-\(i)"])
                cycles.append(try #require(start.object["cycle_id"] as? String, "\(start.object)"))
                await h.settle()
            }
            try await h.driver.step(minutes: 115)
            await h.settle()
            let risk = try await h.get("/api/v1/risk/state").object
            let open = try await h.get("/api/v1/positions/active").array
            let closed = try await h.get("/api/v1/positions/history?limit=1000").array
            let funnels = try await cycles.asyncMap { id in try await h.get("/api/v1/cycles/\(id)").object["funnel"] as? [String: Any] ?? [:] }
            _ = try await h.post("/api/v1/emergency-stop", #"{"reason":"dashboard test halt"}"#, headers: ["Authorization": "Bearer \(h.keys.owner)"])
            await h.settle()

            let dom = try await CLIAndTradeTests.run(Self.chromium, Self.flags + ["--dump-dom", h.url.absoluteString + "/"])
            #expect(dom.status == 0, "\(dom.err)")
            let html = Self.rendered(dom.out)

            // The day's funnel: five stages, each the sum over the day's cycles, all non-zero.
            let day = Self.section(html, "funnel-day", until: "funnel-cycles")
            let stages = ["universe", "catalyst", "technical", "pattern", "final"]
            #expect(Self.values("data-funnel-stage", in: day) == stages, "\(day)")
            let expected = stages.map { s in funnels.reduce(0) { $0 + (($1[s] as? Int) ?? 0) } }
            #expect(Self.values("data-value", in: day).compactMap(Int.init) == expected, "\(day)")
            #expect(expected.allSatisfy { $0 > 0 }, "a stage of the day came out empty: \(expected)")

            // The timeline: one keyboard-focusable button per cycle, oldest first.
            let timeline = Self.section(html, "timeline", until: "cycle-detail")
            #expect(Self.values("data-cycle-id", in: timeline) == cycles, "\(timeline)")
            #expect(timeline.components(separatedBy: "<button").count - 1 == cycles.count)

            // The open cycle (the latest): its candidates with stage and drop reason, its decisions.
            let detail = Self.section(html, "cycle-detail", until: "positions")
            #expect(detail.contains("data-cycle-id=\"\(cycles.last!)\""))
            #expect(!Self.values("data-symbol", in: detail).isEmpty)
            #expect(!Self.values("data-dropped-at", in: detail).isEmpty)

            // The risk day against its limits, halted and by whom.
            let riskPanel = Self.section(html, "risk", until: "exposure")
            let limit = Decimal(string: Self.values("data-loss-limit", in: riskPanel).first ?? "") ?? 0
            let warning = Decimal(string: Self.values("data-warning-line", in: riskPanel).first ?? "") ?? 0
            #expect(limit < 0 && warning == limit * Decimal(string: "0.75")!, "loss limit \(limit), warning line \(warning)")
            #expect(Self.values("data-halted", in: riskPanel).first == "true", "\(riskPanel)")
            #expect(Self.values("data-halted-by", in: riskPanel).first?.isEmpty == false)
            let pnl = Decimal(string: risk["daily_pnl"] as? String ?? "\(risk["daily_pnl"] ?? 0)") ?? 0
            let signed = (pnl >= 0 ? "+" : "") + String(format: "%.2f", NSDecimalNumber(decimal: pnl).doubleValue)
            #expect(Self.text(html, "pnl") == signed, "dashboard P&L \(Self.text(html, "pnl") ?? "nil") vs risk day \(pnl)")

            // Positions, the curve (a point per closed position after the start), Doctor and lag.
            #expect(Self.text(html, "open-count") == String(open.count))
            for p in open { #expect(html.contains("<td>\(p["symbol"] as? String ?? "?")</td>")) }
            let equity = Self.section(html, "equity", until: "drawdown")
            #expect(Self.values("data-points", in: equity).first == String(closed.count + 1), "\(closed.count) closed; \(equity.prefix(300))")
            #expect(html.contains("<path d=\"M"))
            #expect(Self.values("data-available", in: Self.section(html, "doctor", until: "lag")).first == "true")
            #expect(!Self.values("data-projection", in: Self.section(html, "lag", until: "status")).isEmpty)
            #expect(Self.text(html, "status")?.hasPrefix("updated") == true, "\(Self.text(html, "status") ?? "nil")")

            // The screenshot at 1280 px: a real PNG.
            let shot = ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOT"]
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString).png").path
            let png = try await CLIAndTradeTests.run(Self.chromium, Self.flags + ["--screenshot=\(shot)", h.url.absoluteString + "/"])
            #expect(png.status == 0, "\(png.err)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.count > 20_000)
            if ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOT"] == nil { try? FileManager.default.removeItem(atPath: shot) }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
