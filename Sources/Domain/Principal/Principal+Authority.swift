import Foundation

/// A thing a principal may do. Front ends name the capability an action needs; the application's
/// authority gate checks it in one place.
public enum Capability: String, Sendable, Codable, CaseIterable, Comparable {
    case startCycle = "start_cycle"
    case stopCycle = "stop_cycle"
    case emergencyStop = "emergency_stop"
    /// A trade that always waits for a human approval.
    case proposeTrade = "propose_trade"
    /// A trade placed at once (a human's own).
    case placeTrade = "place_trade"
    /// Grant or deny a supervised approval.
    case decideApproval = "decide_approval"
    case closePosition = "close_position"
    case changeProtection = "change_protection"
    /// Ask for a halt to be lifted; a human must grant it.
    case requestResume = "request_resume"
    case resumeTrading = "resume_trading"
    case changeRiskParameters = "change_risk_parameters"
    /// The safe fixes of `config/doctor_rules.yaml`.
    case doctorFix = "doctor_fix"
    case readViews = "read_views"
    case readEvents = "read_events"
    case managePrincipals = "manage_principals"

    /// Capabilities that act for a person: never granted to an agent or a service.
    public var isHumanOnly: Bool {
        switch self {
        case .placeTrade, .decideApproval, .closePosition, .changeProtection, .resumeTrading, .changeRiskParameters, .managePrincipals: true
        default: false
        }
    }

    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
}

/// Who may do what: the role table of README "Who may do what", as code. Pure.
public enum Authority {
    public static func capabilities(of role: Role) -> Set<Capability> {
        switch role {
        case .cron: [.startCycle, .stopCycle, .readViews]
        case .agent: [.readViews, .readEvents, .startCycle, .stopCycle, .emergencyStop, .proposeTrade, .requestResume, .doctorFix]
        case .operator:
            [
                .readViews, .readEvents, .startCycle, .stopCycle, .emergencyStop, .proposeTrade, .placeTrade, .decideApproval, .closePosition,
                .changeProtection, .requestResume, .resumeTrading,
            ]
        case .riskOfficer: [.readViews, .readEvents, .emergencyStop, .changeRiskParameters]
        case .auditor: [.readViews, .readEvents]
        case .admin: [.readViews, .readEvents, .managePrincipals]
        }
    }

    /// A principal's capabilities: the union of its roles', where human-only roles and capabilities
    /// count only for a human (a second guard behind the decider, which never grants them to others).
    public static func capabilities(kind: PrincipalKind, roles: Set<Role>) -> Set<Capability> {
        var out: Set<Capability> = []
        for role in roles where kind == .human || !role.isHumanOnly { out.formUnion(capabilities(of: role)) }
        if kind != .human { out = out.filter { !$0.isHumanOnly } }
        return out
    }

    public static func allows(kind: PrincipalKind, roles: Set<Role>, _ capability: Capability) -> Bool {
        capabilities(kind: kind, roles: roles).contains(capability)
    }

    /// Compares two digests without an early exit (the time does not tell how many characters match).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        var diff = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0
            let r = i < y.count ? y[i] : 0
            diff |= l ^ r
        }
        return diff == 0
    }
}
