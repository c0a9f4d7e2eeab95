import Application
import Domain
import Foundation
import Hummingbird

/// Changing the risk limits: a risk officer's change through the API, recorded with the principal, and
/// under maker–checker (`config/authority.yaml` `raise_risk_limit`) a change that loosens any limit waits
/// for a second, different human who sets the same values.
struct RiskRoutes {
    let backend: APIBackend

    func register(on api: GuardedRouter) {
        api.post("/api/v1/risk/parameters", .changeRiskParameters) { request, _, who in try await change(request, who) }
    }

    /// A JSON value as the text `config/risk_parameters.yaml` would hold (numbers exact, no float).
    struct Scalar: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                text = b ? "true" : "false"
            } else if let d = try? c.decode(Decimal.self) {
                text = "\(d)"
            } else {
                text = try c.decode(String.self)
            }
        }
    }

    struct Body: Decodable {
        var set: [String: Scalar]?
        var reason: String?
    }

    struct Answer: Encodable {
        var status: String
        var parameters: RiskParameters
        var parametersHash: String
        var raises: [String]?
        var message: String
        enum CodingKeys: String, CodingKey {
            case status, parameters, raises, message
            case parametersHash = "parameters_hash"
        }
    }

    func change(_ request: Request, _ who: AuthenticatedPrincipal) async throws -> Response {
        let body = try await JSONBody.decode(Body.self, from: request)
        guard let set = body.set, !set.isEmpty else { throw APIError.invalid(field: "set", reason: "give the limits to change, e.g. {\"max_daily_loss_usd\": 2500}") }
        guard let reason = body.reason, !JSONBody.isBlank(reason) else { throw APIError.invalid(field: "reason", reason: "is required (why the limits change)") }
        let desk = RiskDesk(system: backend.system)
        let current = try await desk.parametersInForce(now: backend.system.clock.now())
        let wanted = try backend.editRiskParameters(set.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }, current)
        let outcome = try await desk.setParameters(wanted, reason: reason, makerChecker: backend.policy.raiseRiskLimit, context: backend.context(who))
        await backend.settle(["risk"])
        switch outcome {
        case .changed(let p):
            return try JSONBody.response(Answer(status: "changed", parameters: p, parametersHash: p.hash, raises: nil, message: "the limits are in force now"))
        case .unchanged(let p):
            return try JSONBody.response(Answer(status: "unchanged", parameters: p, parametersHash: p.hash, raises: nil, message: "these are the limits in force already"))
        case .awaitingSecondHuman(let raises):
            return try JSONBody.response(
                Answer(
                    status: "awaiting_second_human", parameters: wanted, parametersHash: wanted.hash, raises: raises,
                    message: "maker–checker: this loosens \(raises.joined(separator: ", ")); a second, different risk officer must set the same values"),
                status: .accepted)
        }
    }
}
