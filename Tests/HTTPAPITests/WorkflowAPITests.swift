import Foundation
import HTTPAPI
import Testing

/// The mutating endpoints over real HTTP: the cron body, idempotency, stop, the kill switch and the resume.
@Suite(.serialized) struct WorkflowAPITests {
    static let cronBody = #"{"mode": "normal", "scan_frequency": 300, "max_positions": 5}"#

    @Test func theCronBodyStartsACycleAndTheSameKeyTwiceStartsOne() async throws {
        try await APIHarness.with { h in
            let first = try await h.post("/api/v1/workflow/start", Self.cronBody, headers: ["Idempotency-Key": "open-2025-03-14"])
            #expect(first.status == 201, "\(first.text)")
            let id = try #require(first.object["cycle_id"] as? String)
            #expect(first.object["status"] as? String == "running")
            #expect(first.object["mode"] as? String == "normal")
            #expect(first.object["started_at"] as? String == "2025-03-14T13:30:00Z")
            let configuration = try #require(first.object["configuration"] as? [String: String])
            #expect(configuration["max_positions"] == "5" && configuration["scan_frequency_minutes"] == "5")

            let second = try await h.post("/api/v1/workflow/start", Self.cronBody, headers: ["Idempotency-Key": "open-2025-03-14"])
            #expect(second.status == 200)
            #expect(second.object["cycle_id"] as? String == id)
            #expect(second.object["already_started"] as? Bool == true)

            // The body's key works the same way as the header.
            let byBody = try await h.post("/api/v1/workflow/start", #"{"mode": "normal", "idempotency_key": "open-2025-03-14"}"#)
            #expect(byBody.object["cycle_id"] as? String == id)

            await h.settle()
            #expect(try await h.count("SELECT count(*) FROM v_cycles") == 1)
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'cycle.started'") == 1)
            let current = try await h.get("/api/v1/cycles/current")
            #expect(current.object["cycle_id"] as? String == id)
            #expect(current.object["status"] as? String == "completed", "\(current.text)")
            let funnel = try #require(current.object["funnel"] as? [String: Any])
            #expect((funnel["scanned"] as? Int ?? 0) > 0)
        }
    }

    @Test func stopEmergencyStopAndResume() async throws {
        try await APIHarness.with { h in
            // Nothing runs yet: stopping is a conflict, stopping an unknown cycle is 404.
            #expect(try await h.post("/api/v1/workflow/stop").errorCode == "no_running_cycle")
            #expect(try await h.post("/api/v1/workflow/stop", #"{"cycle_id": "nope"}"#).status == 404)

            let missingReason = try await h.post("/api/v1/emergency-stop", "{}")
            #expect(missingReason.status == 422 && missingReason.errorField == "reason")
            let stop = try await h.post("/api/v1/emergency-stop", #"{"reason": "drill", "operator": "craig"}"#)
            #expect(stop.status == 200, "\(stop.text)")
            #expect(stop.object["halted"] as? Bool == true)

            let refused = try await h.post("/api/v1/workflow/start", Self.cronBody, headers: ["Idempotency-Key": "after-halt"])
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.errorCode == "trading_halted", "\(refused.text)")
            let state = try await h.get("/api/v1/risk/state")
            #expect(state.object["halted"] as? Bool == true)

            let anonymous = try await h.post("/api/v1/trading/resume", #"{"reason": "drill over"}"#, headers: APIHarness.anonymous)
            #expect(anonymous.status == 401 && anonymous.errorCode == "unauthorized")
            let impostor = try await h.post("/api/v1/trading/resume", #"{"operator": "alice", "reason": "drill over"}"#)
            #expect(impostor.status == 422 && impostor.errorField == "operator", "a body cannot name someone else: \(impostor.text)")
            #expect(try await h.get("/api/v1/risk/state").object["halted"] as? Bool == true)
            let resumed = try await h.post("/api/v1/trading/resume", #"{"operator": "craig", "reason": "drill over"}"#)
            #expect(resumed.status == 200, "\(resumed.text)")
            #expect(resumed.object["halted"] as? Bool == false, "a boolean, as the emergency stop answers: \(resumed.text)")
            #expect(try await h.get("/api/v1/risk/state").object["halted"] as? Bool == false)
            let started = try await h.post("/api/v1/workflow/start", Self.cronBody, headers: ["Idempotency-Key": "after-resume"])
            #expect(started.status == 201, "\(started.text)")
        }
    }

    @Test func unknownApprovalIs404() async throws {
        try await APIHarness.with { h in
            let a = try await h.post("/api/v1/approvals/nope/approve", #"{"operator": "craig"}"#)
            #expect(a.status == 404 && a.errorCode == "not_found", "\(a.text)")
        }
    }
}
