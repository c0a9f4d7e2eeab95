import Application
import Domain
import Foundation
import Hummingbird
import Projections

/// The mutating endpoints: start and stop cycles (the cron lines), the kill switch, the human resume,
/// and supervised approvals. Each decodes its body, calls one application service, encodes the answer.
struct WorkflowRoutes {
    let backend: APIBackend

    func register(on api: GuardedRouter) {
        api.post("/api/v1/workflow/start", .startCycle) { request, _, who in try await start(request, who) }
        api.post("/api/v1/workflow/stop", .stopCycle) { request, _, who in try await stop(request, who) }
        api.post("/api/v1/emergency-stop", .emergencyStop) { request, _, who in try await emergencyStop(request, who) }
        // An agent may only ask (a human must grant it); the route needs the asking capability and the
        // answer says which happened.
        api.post("/api/v1/trading/resume", .requestResume) { request, _, who in try await resume(request, who) }
        api.post("/api/v1/approvals/:id/approve", .decideApproval) { request, context, who in
            try await approve(request, id: context.parameters.get("id") ?? "", who)
        }
        api.post("/api/v1/approvals/:id/deny", .decideApproval) { request, context, who in
            try await deny(request, id: context.parameters.get("id") ?? "", who)
        }
    }

    /// `{"mode": "normal", "scan_frequency": 300, "max_positions": 5}` as the seeds' crontab sends it.
    /// The `Idempotency-Key` header wins over the body's `idempotency_key`; without either the schedule
    /// slot is the key, so cron firing twice lands on one cycle.
    func start(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        var body = try await JSONBody.decode(StartCycleRequest.self, from: request)
        if let key = request.headers[HTTPFields.Element.Name("Idempotency-Key")!] {
            // The header wins, but a bad body is still a bad request: validate it before it is overridden.
            _ = try body.validated(now: backend.system.clock.now())
            body.idempotencyKey = key
        }
        let context = backend.context(who)
        let started = try await CycleService(system: backend.system).start(body, context: context)
        if !started.alreadyStarted { await backend.cycles.launch(started.cycleID, context: context) }
        await backend.settle(["cycles"])
        return try JSONBody.response(started, status: started.alreadyStarted ? .ok : .created)
    }

    struct StopBody: Decodable {
        var cycleID: String?
        var reason: String?
        enum CodingKeys: String, CodingKey { case reason, cycleID = "cycle_id" }
    }

    /// Stops the given cycle, or the running one.
    func stop(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(StopBody.self, from: request)
        let id: String
        if let given = body.cycleID {
            id = given
        } else {
            guard let running = try await backend.views.value(CyclesQuery.runningCycleID()) else {
                throw APIError(.conflict, code: "no_running_cycle", message: "no cycle is running")
            }
            id = running
        }
        let cycleID = CycleID(rawValue: id)
        let existing = try await backend.system.log.load(Cycle.self, .cycle(cycleID)).state
        guard existing.status != nil else { throw APIError.notFound("cycle \(id)") }
        let state = try await CycleService(system: backend.system).stop(
            cycleID, reason: body.reason ?? "stopped through the API", context: backend.context(who))
        await backend.settle(["cycles"])
        return try JSONBody.response(["cycle_id": id, "status": state.status?.rawValue ?? "stopped"])
    }

    struct ReasonBody: Decodable {
        var reason: String?
        var `operator`: String?
    }

    /// Halt, cancel every open order, flatten every position. Idempotent.
    func emergencyStop(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        try who.checkNamed(body.operator)
        guard let reason = body.reason, !JSONBody.isBlank(reason) else {
            throw APIError.invalid(field: "reason", reason: "is required (why trading is being stopped)")
        }
        let report = try await EmergencyStop(system: backend.system).run(reason: reason, context: backend.context(who))
        await backend.settle(["risk", "cycles"])
        return try JSONBody.response(EmergencyAnswer(halted: report.halted, ordersCanceled: report.ordersCanceled, positionsClosing: report.positionsClosing, reason: reason))
    }

    struct EmergencyAnswer: Encodable {
        var halted: Bool
        var ordersCanceled: Int
        var positionsClosing: [String]
        var reason: String
        enum CodingKeys: String, CodingKey { case halted, reason, ordersCanceled = "orders_canceled", positionsClosing = "positions_closing" }
    }

    /// A human lifts the halt (under maker–checker, a loss-limit halt needs a second, different human);
    /// anyone else's call is recorded as a request that waits for a human. The answer says which.
    func resume(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        try who.checkNamed(body.operator)
        guard let reason = body.reason, !JSONBody.isBlank(reason) else {
            throw APIError.invalid(field: "reason", reason: "is required")
        }
        // Only a principal that may resume lifts the halt; anyone else (an agent) only asks.
        let outcome = try await RiskDesk(system: backend.system).resume(
            note: reason, makerChecker: backend.policy.resumeAfterLossLimit, onlyRequest: !who.may(.resumeTrading), context: backend.context(who))
        await backend.settle(["risk"])
        let answer: ResumeAnswer
        switch outcome {
        case .resumed: answer = ResumeAnswer(status: "resumed", halted: false, by: who.id.rawValue, message: "trading resumed")
        case .notHalted: answer = ResumeAnswer(status: "not_halted", halted: false, by: who.id.rawValue, message: "trading was not halted")
        case .awaitingHuman:
            answer = ResumeAnswer(
                status: "resume_requested", halted: true, by: who.id.rawValue,
                message: "recorded as a request: a human operator must resume trading (catalyst resume, or POST /api/v1/trading/resume with an operator's key)")
        case .awaitingSecondHuman:
            answer = ResumeAnswer(
                status: "awaiting_second_human", halted: true, by: who.id.rawValue,
                message: "maker–checker: a second, different human operator must confirm this resume")
        }
        return try JSONBody.response(answer, status: answer.halted ? .accepted : .ok)
    }

    struct ResumeAnswer: Encodable {
        var status: String
        var halted: Bool
        var by: String
        var message: String
    }

    struct ApprovalBody: Decodable {
        var `operator`: String?
        var note: String?
        var reason: String?
    }

    func approve(_ request: Request, id: String, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(ApprovalBody.self, from: request)
        try who.checkNamed(body.operator)
        let order = try await ApprovalService(system: backend.system).grant(ApprovalID(rawValue: id), note: body.note, context: backend.context(who))
        await backend.settle(["orders"])
        return try JSONBody.response(["approval_id": id, "status": "granted", "order_id": order.orderID.rawValue])
    }

    func deny(_ request: Request, id: String, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(ApprovalBody.self, from: request)
        try who.checkNamed(body.operator)
        try await ApprovalService(system: backend.system).deny(ApprovalID(rawValue: id), reason: body.reason ?? "denied through the API", context: backend.context(who))
        return try JSONBody.response(["approval_id": id, "status": "denied"])
    }
}
