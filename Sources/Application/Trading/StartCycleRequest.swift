import Domain
import Foundation

/// The StartCycle request as cron, the API, the CLI and MCP send it (the seeds' shape:
/// `{"mode": "normal", "scan_frequency": 300, "max_positions": 5}`), validated field by field.
public struct StartCycleRequest: Sendable, Hashable, Codable {
    public var mode: String?
    public var sessionMode: String?
    /// Seconds between scans (the seeds' unit).
    public var scanFrequency: Int?
    public var maxPositions: Int?
    public var riskPerTrade: Decimal?
    /// The seeds' `execute_top_n`: trade at most this many of the final picks.
    public var executeTopN: Int?
    public var idempotencyKey: String?

    public init(
        mode: String? = nil, sessionMode: String? = nil, scanFrequency: Int? = nil, maxPositions: Int? = nil, riskPerTrade: Decimal? = nil,
        executeTopN: Int? = nil, idempotencyKey: String? = nil
    ) {
        self.mode = mode
        self.sessionMode = sessionMode
        self.scanFrequency = scanFrequency
        self.maxPositions = maxPositions
        self.riskPerTrade = riskPerTrade
        self.executeTopN = executeTopN
        self.idempotencyKey = idempotencyKey
    }

    enum CodingKeys: String, CodingKey {
        case mode
        case sessionMode = "session_mode"
        case scanFrequency = "scan_frequency"
        case maxPositions = "max_positions"
        case riskPerTrade = "risk_per_trade"
        case executeTopN = "execute_top_n"
        case idempotencyKey = "idempotency_key"
    }

    /// A request that passed validation.
    public struct Valid: Sendable, Hashable {
        public var mode: CycleMode
        public var sessionMode: SessionMode
        public var scanFrequencyMinutes: Int?
        public var maxPositions: Int?
        public var riskPerTrade: Decimal?
        /// Given, or derived from the schedule slot (see `slotKey`).
        public var idempotencyKey: String
    }

    /// Checks every field and names the first that is wrong.
    ///
    /// `mode` also accepts the original cron lines' `autonomous`/`supervised` (which meant the session
    /// mode), so those crontabs keep working.
    public func validated(now: Date) throws(ApplicationError) -> Valid {
        var mode = CycleMode.normal
        var session = SessionMode.autonomous
        if let m = self.mode?.lowercased() {
            if let cm = CycleMode(rawValue: m) {
                mode = cm
            } else if let sm = SessionMode(rawValue: m) {
                session = sm
            } else {
                throw .invalid(field: "mode", reason: "must be one of normal, aggressive, conservative (got \"\(m)\")")
            }
        }
        if let s = sessionMode?.lowercased() {
            guard let sm = SessionMode(rawValue: s) else {
                throw .invalid(field: "session_mode", reason: "must be autonomous or supervised (got \"\(s)\")")
            }
            session = sm
        }
        if let f = scanFrequency, !(1...86_400).contains(f) {
            throw .invalid(field: "scan_frequency", reason: "must be between 1 and 86400 seconds")
        }
        if let m = maxPositions, !(1...50).contains(m) {
            throw .invalid(field: "max_positions", reason: m < 1 ? "must be positive" : "must be at most 50")
        }
        if let r = riskPerTrade, r <= 0 || r > Decimal(string: "0.1")! {
            throw .invalid(field: "risk_per_trade", reason: "must be greater than 0 and at most 0.1")
        }
        if let n = executeTopN, !(1...50).contains(n) {
            throw .invalid(field: "execute_top_n", reason: "must be between 1 and 50")
        }
        if let k = idempotencyKey, k.isEmpty || k.utf8.count > 200 {
            throw .invalid(field: "idempotency_key", reason: "must be 1–200 bytes")
        }
        return Valid(
            mode: mode, sessionMode: session, scanFrequencyMinutes: scanFrequency.map { max(1, $0 / 60) },
            // `execute_top_n` (the seeds' field) only ever narrows the positions a cycle may open.
            maxPositions: [maxPositions, executeTopN].compactMap { $0 }.min(),
            riskPerTrade: riskPerTrade, idempotencyKey: idempotencyKey ?? Self.slotKey(now: now, mode: mode))
    }

    /// Without an explicit key, a request names its schedule slot: the New York date, the quarter hour
    /// and the mode. Cron firing the same slot twice, or again a minute later, lands on the same cycle.
    public static func slotKey(now: Date, mode: CycleMode) -> String {
        let minute = NewYork.minuteOfDay(now)
        let slot = minute - minute % 15
        return String(format: "%@T%02d:%02d/%@", NYDate(now).description, slot / 60, slot % 60, mode.rawValue)
    }
}
