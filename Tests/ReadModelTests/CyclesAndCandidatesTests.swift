import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

@Suite struct CyclesAndCandidatesTests {
    /// One cycle with two finalists (one approved and traded, one denied), a dropped survivor and a
    /// stage-1 rejection.
    static func history() throws -> (Scenario, CycleID) {
        var s = Scenario()
        try s.openDay()
        let cycle = try s.startCycle("2026-03-02/open", at: s.at(9, 45))
        try s.scan(cycle, finalists: [("ACME", 50), ("BETA", 20)], dropped: ["CHAR"], rejected: ["DUD", "DUST"], at: s.at(9, 46))
        try s.cycle(cycle, .completeStage(.funnel, at: s.at(9, 46), itemCount: 2))
        let good = Scenario.proposal("ACME", price: 50, at: s.at(9, 47))
        let bad = Scenario.proposal("BETA", price: 20, bad: true, at: s.at(9, 47))
        try s.signal(cycle, rank: 1, good, at: s.at(9, 47))
        try s.signal(cycle, rank: 2, bad, at: s.at(9, 47))
        let a = try #require(try s.evaluate("ap-1", good, cycle: cycle, qty: 100, at: s.at(9, 48)))
        #expect(try s.evaluate("ap-2", bad, cycle: cycle, qty: 100, at: s.at(9, 48)) == nil)
        let entry = try s.placeBracket(a, cycle: cycle, at: s.at(9, 49))
        try s.fill(entry, qty: 60, price: 50, exec: "e1", at: s.at(9, 50))
        try s.fill(entry, qty: 40, price: 50, exec: "e2", at: s.at(9, 51))
        try s.cycle(cycle, .completeStage(.risk, at: s.at(9, 52), itemCount: 1))
        return (s, cycle)
    }

    @Test func aCycleCountsWhatItProduced() async throws {
        let db = try await TestDatabase.create()
        var (s, cycle) = try Self.history()
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [CyclesProjection()])
        let row = try #require(try await ReadModels.rows(db, "SELECT * FROM v_cycles WHERE cycle_id = $1", [cycle.rawValue]).first)
        #expect(row["status"] == "running" && row["stage"] == "risk")
        #expect(row["stages_completed"] == #"["scan", "funnel", "risk"]"#)
        #expect(row["mode"] == "normal" && row["session_mode"] == "autonomous")
        #expect(row["trigger"] == "cron:2026-03-02/open" && row["trigger_kind"] == "cron")
        #expect(row.int("candidates") == 3 && row.int("universe_rejections") == 2 && row.int("universe_size") == 5)
        #expect(row["finalists"] == #"["ACME", "BETA"]"#)
        #expect(row.int("signals") == 2 && row.int("approvals") == 1 && row.int("denials") == 1)
        #expect(row.int("orders") == 3 && row.int("entry_orders") == 1)
        #expect(row.int("fills") == 2 && row.decimal("filled_qty") == 100)
        #expect(row["last_event_at"]?.hasPrefix("2026-03-02 14:52:00") == true)

        try s.cycle(cycle, .stop(reason: "operator stop", by: Actor.principal("craig", kind: .human, name: "craig"), at: s.at(10, 0)))
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [CyclesProjection()])
        let stopped = try #require(try await ReadModels.rows(db, "SELECT * FROM v_cycles").first)
        #expect(stopped["status"] == "stopped" && stopped["stopped_by"] == "operator:craig" && stopped["stop_reason"] == "operator stop")
    }

    /// Every scanned symbol is kept, not only the picks: stage-1 drops with their reason, dropped
    /// survivors with their stage and scores, finalists with rank, signal and risk decision.
    @Test func everyCandidateIsKeptWithItsFunnelStageAndDecision() async throws {
        let db = try await TestDatabase.create()
        var (s, cycle) = try Self.history()
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [CandidatesProjection()])
        let rows = try await ReadModels.rows(db, "SELECT * FROM v_candidates WHERE cycle_id = $1", [cycle.rawValue])
        let bySymbol = Dictionary(uniqueKeysWithValues: rows.map { ($0["symbol"]!, $0) })
        #expect(Set(bySymbol.keys) == ["ACME", "BETA", "CHAR", "DUD", "DUST"])
        let acme = try #require(bySymbol["ACME"])
        #expect(acme.int("final_rank") == 1 && acme.bool("is_finalist") == true && acme["stage_reached"] == "final")
        #expect(acme.decimal("composite_score") == Decimal(string: "0.9") && acme.decimal("catalyst_score") == Decimal(string: "0.9"))
        #expect(acme.decimal("price") == 50 && acme.decimal("rsi_14") == 55 && acme["sector"] == "Information Technology")
        #expect(acme["signal_id"] == "sig-1" && acme.decimal("signal_entry") == 50 && acme["signal_side"] == "long")
        #expect(acme["risk_decision"] == "approved" && acme["approval_id"] == "ap-1" && acme.decimal("approved_qty") == 100)
        let beta = try #require(bySymbol["BETA"])
        #expect(beta["risk_decision"] == "denied" && beta["risk_reasons"] == #"["reward_risk_too_low"]"#)
        let char = try #require(bySymbol["CHAR"])
        #expect(char["stage_reached"] == "catalyst" && char["rejected_stage"] == "technical" && char["rejection_reason"] == "rsi_out_of_band")
        #expect(char.bool("passed_universe") == true && char["final_rank"] == nil && char.decimal("composite_score") == Decimal(string: "0.3"))
        let dud = try #require(bySymbol["DUD"])
        #expect(dud.bool("passed_universe") == false && dud["rejected_stage"] == "universe" && dud["rejection_reason"] == "price_out_of_range")
        let funnel = try #require(try await ReadModels.rows(db, "SELECT * FROM v_candidate_funnel WHERE cycle_id = $1", [cycle.rawValue]).first)
        #expect(funnel.int("scanned") == 5 && funnel.int("universe") == 3 && funnel.int("final") == 2)
        #expect(funnel.int("approved") == 1 && funnel.int("denied") == 1)
    }
}
