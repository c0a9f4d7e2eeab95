import Application
import Domain
import Foundation
import Hummingbird

/// Manual trading: a trade through risk (placed at once only for a principal that may place trades, a
/// human operator; everyone else's waits for a human approval), closing a position, moving its
/// stop/target. These are what the MCP tools `execute_trade`, `close_position` and `update_position` call.
struct TradeRoutes {
    let backend: APIBackend

    func register(on api: GuardedRouter) {
        api.post("/api/v1/trades", .proposeTrade) { request, _, who in try await trade(request, who) }
        api.post("/api/v1/positions/:symbol/close", .closePosition) { request, context, who in
            try await close(request, symbol: context.parameters.get("symbol") ?? "", who)
        }
        api.post("/api/v1/positions/:symbol/protection", .changeProtection) { request, context, who in
            try await protect(request, symbol: context.parameters.get("symbol") ?? "", who)
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

    func trade(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        let b = try await JSONBody.decode(TradeBody.self, from: request)
        try who.checkNamed(b.operator)
        let r = TradingOperations.TradeRequest(
            symbol: b.symbol, side: b.side, quantity: b.quantity, entry: b.entry, stop: b.stop, target: b.target, pattern: b.pattern,
            confidence: b.confidence)
        let outcome = try await TradingOperations(system: backend.system).executeTrade(
            r, placeAtOnce: who.may(.placeTrade), context: backend.context(who))
        await backend.settle(["orders", "risk"])
        switch outcome {
        case .placed(let order): return try JSONBody.response(["status": "placed", "order_id": order.orderID.rawValue], status: .created)
        case .awaitingApproval(let id): return try JSONBody.response(["status": "awaiting_approval", "approval_id": id.rawValue], status: .accepted)
        case .denied(let reasons):
            throw APIError(.unprocessableContent, code: "risk_denied", message: "risk denied the trade: \(reasons.joined(separator: ", "))",
                details: ["reasons": .strings(reasons)])
        }
    }

    struct CloseBody: Decodable { var `operator`: String? }

    func close(_ request: Request, symbol: String, _ who: AuthenticatedPrincipal) async throws -> Response {
        let b = try await JSONBody.decode(CloseBody.self, from: request)
        try who.checkNamed(b.operator)
        let order = try await TradingOperations(system: backend.system).closePosition(symbol, context: backend.context(who))
        await backend.settle(["orders", "positions"])
        return try JSONBody.response(["status": "closing", "symbol": symbol, "order_id": order.orderID.rawValue])
    }

    struct ProtectionBody: Decodable {
        var stop: Decimal?
        var target: Decimal?
        var `operator`: String?
    }

    func protect(_ request: Request, symbol: String, _ who: AuthenticatedPrincipal) async throws -> Response {
        let b = try await JSONBody.decode(ProtectionBody.self, from: request)
        try who.checkNamed(b.operator)
        let state = try await TradingOperations(system: backend.system).updatePosition(symbol, stop: b.stop, target: b.target, context: backend.context(who))
        await backend.settle(["positions"])
        return try JSONBody.response([
            "symbol": symbol, "stop": state.open?.stop.map { "\($0)" } ?? "", "target": state.open?.target.map { "\($0)" } ?? "",
        ])
    }
}
