import Foundation
import HTTPAPI
import Hummingbird
import Testing

/// Errors, authentication and the OpenAPI document.
@Suite(.serialized) struct ContractTests {
    @Test func everyErrorClassAnswersTheErrorEnvelope() async throws {
        try await APIHarness.with { h in
            let malformed = try await h.post("/api/v1/workflow/start", #"{"mode": "normal","#)
            #expect(malformed.status == 400 && malformed.errorCode == "malformed_json")
            let notObject = try await h.post("/api/v1/workflow/start", "[1, 2]")
            #expect(notObject.status == 400)

            let wrongType = try await h.post("/api/v1/workflow/start", #"{"max_positions": "five"}"#)
            #expect(wrongType.status == 422 && wrongType.errorField == "max_positions", "\(wrongType.text)")
            let outOfRange = try await h.post("/api/v1/workflow/start", #"{"max_positions": 500}"#)
            #expect(outOfRange.status == 422 && outOfRange.errorField == "max_positions", "\(outOfRange.text)")
            let badMode = try await h.post("/api/v1/workflow/start", #"{"mode": "yolo"}"#)
            #expect(badMode.status == 422 && badMode.errorField == "mode")
            let badQuery = try await h.get("/api/v1/orders?status=bogus")
            #expect(badQuery.status == 422 && badQuery.errorField == "status")
            let badLimit = try await h.get("/api/v1/workflow/history?limit=0")
            #expect(badLimit.status == 422 && badLimit.errorField == "limit")
            let badDate = try await h.get("/api/v1/reports/daily?date=14-03-2025")
            #expect(badDate.status == 422 && badDate.errorField == "date")

            let big = "{\"mode\": \"normal\", \"pad\": \"" + String(repeating: "x", count: 70_000) + "\"}"
            let tooLarge = try await h.post("/api/v1/workflow/start", big)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large")

            let unknown = try await h.get("/api/v1/nothing-here")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            #expect(unknown.contentType?.hasPrefix("application/json") == true)
            let error = try #require(unknown.object["error"] as? [String: Any])
            #expect(error["message"] is String && error["details"] is [String: Any])

            // Nothing of the refused requests reached the log.
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'cycle.started'") == 0)
        }
    }

    @Test func credentialsAreRequiredOnMutationsAndOnEveryReadWhenReadsArePrivate() async throws {
        try await APIHarness.with(readsNeedCredential: true) { h in
            let none = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: APIHarness.anonymous)
            #expect(none.status == 401 && none.errorCode == "unauthorized")
            let wrong = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["X-API-Key": "k-three"])
            #expect(wrong.status == 401)
            #expect(try await h.get("/api/v1/events").status == 401)
            #expect(try await h.get("/api/v1/positions/active").status == 401)
            #expect(try await h.post("/api/v1/emergency-stop", #"{"reason": "x"}"#, headers: APIHarness.anonymous).status == 401)
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type IN ('cycle.started', 'risk.trading_halted')") == 0)

            #expect(try await h.get("/health").status == 200)
            #expect(try await h.get("/health", headers: ["Authorization": "Bearer nonsense"]).status == 200, "/health stays open")
            #expect(try await h.get("/api/v1/events", headers: APIHarness.bearer(h.keys.auditor)).status == 200)
            #expect(try await h.get("/api/v1/positions/active", headers: ["X-API-Key": h.keys.cron]).status == 200, "the older header works too")
            let ok = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: APIHarness.bearer(h.keys.cron))
            #expect(ok.status == 201, "\(ok.text)")
        }
    }

    @Test func onLoopbackReadsStayOpenAndBeyondItTheyNeedACredential() throws {
        #expect(!APIServer.Configuration(host: "127.0.0.1", port: 5006).readsNeedCredential)
        #expect(APIServer.Configuration(host: "0.0.0.0", port: 5006).readsNeedCredential)
        #expect(APIServer.Configuration(host: "127.0.0.1", port: 5006, privateReads: true).readsNeedCredential)
        #expect(throws: APIStartupError.self) { try APIServer.Configuration(host: "127.0.0.1", port: 70000).validate() }
    }

    @Test func theOpenAPIDocumentAndTheRoutesAgree() async throws {
        try await APIHarness.with { h in
            let doc = try await h.get("/openapi.json")
            let paths = try #require(doc.object["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, ops) in paths { for method in ops.keys { documented.insert("\(method.uppercased()) \(path)") } }
            let routed = Set(APIServer(configuration: .init(), backend: h.backend, logger: .init(label: "t")).buildRouter().routes.map { "\($0.method) \($0.path)" })
            #expect(routed == documented, "only routed: \(routed.subtracting(documented)); only documented: \(documented.subtracting(routed))")
            #expect(routed.count >= 22)
        }
    }
}
