import Foundation

/// Rewrites a payload of schema version `from` into version `from + 1`. Stored events are never
/// rewritten; old versions are upcast on every read.
public struct Upcaster: Sendable {
    public let from: Int
    public let transform: @Sendable (JSONValue) throws -> JSONValue

    public init(from: Int, transform: @escaping @Sendable (JSONValue) throws -> JSONValue) {
        self.from = from
        self.transform = transform
    }
}

public struct UpcastError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum Upcasters {
    /// `cycle.started` v1 → v2. v1 followed the seeds' StartCycle request, whose `mode` mixed two things:
    /// aggressiveness (normal, aggressive, conservative) and session mode (autonomous, supervised;
    /// docs/origins.md §Workflow request and cron). v2 splits them into `mode` and `session_mode`.
    public static let cycleStartedV1toV2 = Upcaster(from: 1) { v1 in
        guard case .object = v1, let mode = v1["mode"]?.stringValue else { throw UpcastError("cycle.started v1 has no mode") }
        var v2 = v1
        switch mode {
        case "autonomous", "supervised":
            v2["mode"] = .string(CycleMode.normal.rawValue)
            v2["session_mode"] = .string(mode)
        case "normal", "aggressive", "conservative":
            v2["session_mode"] = .string(SessionMode.autonomous.rawValue)
        default:
            throw UpcastError("cycle.started v1 mode \(mode) is unknown")
        }
        return v2
    }

    /// `risk.approved` / `risk.denied` v1 → v2. v2 adds the optional `inputs` the rules were run on; v1 did not
    /// record them, so a v1 decision reads with none (what-if reports such decisions as not re-decidable).
    public static let riskDecisionV1toV2 = Upcaster(from: 1) { v1 in
        guard case .object = v1 else { throw UpcastError("risk decision v1 is not an object") }
        return v1
    }

    /// `risk.approved`/`risk.denied` v3 add `inputs.market_price` (the market an entry was planned
    /// against, `EntryPlan`); a v2 decision reads with it absent, which re-decides exactly as it was decided.
    public static let riskDecisionV2toV3 = Upcaster(from: 2) { v2 in
        guard case .object = v2 else { throw UpcastError("risk decision v2 is not an object") }
        return v2
    }
}
