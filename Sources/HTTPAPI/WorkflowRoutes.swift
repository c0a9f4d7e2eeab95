import Application
import Domain
import Foundation
import Hummingbird

/// The mutating endpoints: start and stop cycles (the cron lines), the kill switch, the human resume,
/// and supervised approvals. Each decodes its body, calls one application service, encodes the answer.
struct WorkflowRoutes {
    let backend: APIBackend

    func register<Context: RequestContext>(on router: Router<Context>) {
        let api = router.group("/api/v1")
        api.post("/workflow/start") { request, _ in try await start(request) }
        api.post("/workflow/stop") { request, _ in try await stop(request) }
        api.post("/emergency-stop") { request, _ in try await emergencyStop(request) }
        api.post("/trading/resume") { request, _ in try await resume(request) }
        api.post("/approvals/:id/approve") { request, context in try await approve(request, id: context.parameters.get("id") ?? "") }
        api.post("/approvals/:id/deny") { request, context in try await deny(request, id: context.parameters.get("id") ?? "") }
    }

    /// `{"mode": "normal", "scan_frequency": 300, "max_positions": 5}` as the seeds' crontab sends it.
    /// The `Idempotency-Key` header wins over the body's `idempotency_key`; without either the schedule
    /// slot is the key, so cron firing twice lands on one cycle.
    func start(_ request: Request) async throws -> Response {
        var body = try await JSONBody.decode(StartCycleRequest.self, from: request)
        if let key = request.headers[HTTPFields.Element.Name("Idempotency-Key")!] {
            // The header wins, but a bad body is still a bad request: validate it before it is overridden.
            _ = try body.validated(now: backend.system.clock.now())
            body.idempotencyKey = key
        }
        let context = backend.context(RequestActor.of(request, route: "workflow-start"))
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
    func stop(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(StopBody.self, from: request)
        let id: String
        if let given = body.cycleID {
            id = given
        } else {
            guard let running = try await backend.scalar("SELECT cycle_id FROM v_cycles WHERE status = 'running' ORDER BY started_at DESC LIMIT 1") else {
                throw APIError(.conflict, code: "no_running_cycle", message: "no cycle is running")
            }
            id = running
        }
        let cycleID = CycleID(rawValue: id)
        let existing = try await backend.system.log.load(Cycle.self, .cycle(cycleID)).state
        guard existing.status != nil else { throw APIError.notFound("cycle \(id)") }
        let state = try await CycleService(system: backend.system).stop(
            cycleID, reason: body.reason ?? "stopped through the API", context: backend.context(RequestActor.of(request, route: "workflow-stop")))
        await backend.settle(["cycles"])
        return try JSONBody.response(["cycle_id": id, "status": state.status?.rawValue ?? "stopped"])
    }

    struct ReasonBody: Decodable {
        var reason: String?
        var `operator`: String?
    }

    /// Halt, cancel every open order, flatten every position. Idempotent.
    func emergencyStop(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        guard let reason = body.reason, !JSONBody.isBlank(reason) else {
            throw APIError.invalid(field: "reason", reason: "is required (why trading is being stopped)")
        }
        let actor = try RequestActor.named(body.operator) ?? RequestActor.of(request, route: "emergency-stop")
        let report = try await EmergencyStop(system: backend.system).run(reason: reason, context: backend.context(actor))
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

    /// Only a named human operator may lift a halt (the risk decider refuses anyone else).
    func resume(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        guard let name = body.operator, !JSONBody.isBlank(name) else {
            throw APIError.invalid(field: "operator", reason: "is required: only a named human operator may resume trading")
        }
        guard let reason = body.reason, !JSONBody.isBlank(reason) else {
            throw APIError.invalid(field: "reason", reason: "is required")
        }
        let state = try await RiskDesk(system: backend.system).resume(note: reason, context: backend.context(Actor(.operator, name: name)))
        await backend.settle(["risk"])
        return try JSONBody.response(["halted": state.halt != nil ? "true" : "false", "resumed_by": name])
    }

    struct ApprovalBody: Decodable {
        var `operator`: String?
        var note: String?
        var reason: String?
    }

    func approve(_ request: Request, id: String) async throws -> Response {
        let body = try await JSONBody.decode(ApprovalBody.self, from: request)
        let actor = try RequestActor.named(body.operator) ?? RequestActor.of(request, route: "approvals")
        let order = try await ApprovalService(system: backend.system).grant(ApprovalID(rawValue: id), note: body.note, context: backend.context(actor))
        await backend.settle(["orders"])
        return try JSONBody.response(["approval_id": id, "status": "granted", "order_id": order.orderID.rawValue])
    }

    func deny(_ request: Request, id: String) async throws -> Response {
        let body = try await JSONBody.decode(ApprovalBody.self, from: request)
        let actor = try RequestActor.named(body.operator) ?? RequestActor.of(request, route: "approvals")
        try await ApprovalService(system: backend.system).deny(ApprovalID(rawValue: id), reason: body.reason ?? "denied through the API", context: backend.context(actor))
        return try JSONBody.response(["approval_id": id, "status": "denied"])
    }
}
