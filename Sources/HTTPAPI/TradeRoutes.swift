import Application
import Domain
import Foundation
import Hummingbird

/// Manual trading: a trade through risk (supervised unless a named operator asks), closing a position,
/// moving its stop/target. These are what the MCP tools `execute_trade`, `close_position` and
/// `update_position` call.
struct TradeRoutes {
    let backend: APIBackend

    func register<Context: RequestContext>(on router: Router<Context>) {
        let api = router.group("/api/v1")
        api.post("/trades") { request, _ in try await trade(request) }
        api.post("/positions/:symbol/close") { request, context in try await close(request, symbol: context.parameters.get("symbol") ?? "") }
        api.post("/positions/:symbol/protection") { request, context in
            try await protect(request, symbol: context.parameters.get("symbol") ?? "")
        }
    }

    struct TradeBody: Decodable {
        var symbol: String
        var side: String
        var quantity: Decimal?
        var entry: Decimal
        var stop: Decimal
        var target: Decimal
        var pattern: String?
        var confidence: Decimal?
        var `operator`: String?
    }

    func trade(_ request: Request) async throws -> Response {
        let b = try await JSONBody.decode(TradeBody.self, from: request)
        let actor = try RequestActor.named(b.operator) ?? RequestActor.of(request, route: "trades")
        let r = TradingOperations.TradeRequest(
            symbol: b.symbol, side: b.side, quantity: b.quantity, entry: b.entry, stop: b.stop, target: b.target, pattern: b.pattern,
            confidence: b.confidence)
        let outcome = try await TradingOperations(system: backend.system).executeTrade(r, context: backend.context(actor))
        await backend.settle(["orders", "risk"])
        switch outcome {
        case .placed(let order): return try JSONBody.response(["status": "placed", "order_id": order.orderID.rawValue], status: .created)
        case .awaitingApproval(let id): return try JSONBody.response(["status": "awaiting_approval", "approval_id": id.rawValue], status: .accepted)
        case .denied(let reasons):
            throw APIError(.unprocessableContent, code: "risk_denied", message: "risk denied the trade: \(reasons.joined(separator: ", "))",
                details: ["reasons": reasons.joined(separator: ",")])
        }
    }

    struct CloseBody: Decodable { var `operator`: String? }

    func close(_ request: Request, symbol: String) async throws -> Response {
        let b = try await JSONBody.decode(CloseBody.self, from: request)
        let actor = try RequestActor.named(b.operator) ?? RequestActor.of(request, route: "close-position")
        let order = try await TradingOperations(system: backend.system).closePosition(symbol, context: backend.context(actor))
        await backend.settle(["orders", "positions"])
        return try JSONBody.response(["status": "closing", "symbol": symbol, "order_id": order.orderID.rawValue])
    }

    struct ProtectionBody: Decodable {
        var stop: Decimal?
        var target: Decimal?
        var `operator`: String?
    }

    func protect(_ request: Request, symbol: String) async throws -> Response {
        let b = try await JSONBody.decode(ProtectionBody.self, from: request)
        let actor = try RequestActor.named(b.operator) ?? RequestActor.of(request, route: "update-position")
        let state = try await TradingOperations(system: backend.system).updatePosition(symbol, stop: b.stop, target: b.target, context: backend.context(actor))
        await backend.settle(["positions"])
        return try JSONBody.response([
            "symbol": symbol, "stop": state.open?.stop.map { "\($0)" } ?? "", "target": state.open?.target.map { "\($0)" } ?? "",
        ])
    }
}

/// Who a request is: `api`, unless a local front end says it relays for `mcp` or `doctor`
/// (`X-Catalyst-Actor`), so every MCP tool call is recorded with actor `mcp`. It can never claim to be
/// a human operator or the system: those come only from a body's `operator` name or from the server.
enum RequestActor {
    /// The values `X-Catalyst-Actor` may take (checked by `RequestValidationMiddleware`).
    static let relays: Set<String> = ["mcp", "doctor"]

    /// A body's `operator`: absent = nil; given, it must name someone, because a named operator is
    /// what lets a trade skip the supervised approval (`""` must not).
    static func named(_ name: String?) throws -> Actor? {
        guard let name else { return nil }
        guard !JSONBody.isBlank(name) else {
            throw APIError.invalid(field: "operator", reason: "must be a name when given")
        }
        return Actor(.operator, name: name)
    }

    static func of(_ request: Request, route: String) -> Actor {
        switch request.headers[HTTPFields.Element.Name("X-Catalyst-Actor")!]?.lowercased() {
        case "mcp": Actor(.mcp, name: route)
        case "doctor": Actor(.doctor, name: route)
        default: Actor(.api, name: route)
        }
    }
}
