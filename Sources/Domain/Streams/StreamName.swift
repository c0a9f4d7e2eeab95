/// A stream in the event store: `<category>-<id>`. The category is the part before the first `-` and
/// never contains one; ids may. Stream names are built only through the functions below, so the map
/// in `README.md` is the whole truth.
public struct StreamName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let category: StreamCategory
    public let id: String

    public init(_ category: StreamCategory, _ id: String) {
        self.category = category
        self.id = id
    }

    /// Parses `<category>-<id>`; nil for an unknown category or an empty id.
    public init?(parsing raw: String) {
        guard let dash = raw.firstIndex(of: "-"), let category = StreamCategory(rawValue: String(raw[..<dash])) else { return nil }
        let id = String(raw[raw.index(after: dash)...])
        guard !id.isEmpty else { return nil }
        self.init(category, id)
    }

    public var rawValue: String { "\(category.rawValue)-\(id)" }
    public var description: String { rawValue }
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
}

/// Every stream category of the ledger.
public enum StreamCategory: String, Sendable, CaseIterable {
    /// `cycle-<cycleID>`: the cycle, its scan (every candidate) and its signals.
    case cycle
    /// `order-<orderID>`: one broker order (an entry, a bracket leg, a replacement).
    case order
    /// `position-<account>-<SYMBOL>`: the netted position of one symbol, flat to flat and again.
    case position
    /// `risk-<account>-<YYYY-MM-DD>`: the account's trading day; guards every cross-position limit.
    case risk
    /// `approval-<approvalID>`: a supervised-mode human approval.
    case approval
    /// `reconciliation-<account>-<runID>`: one comparison with the broker.
    case reconciliation
    /// `doctor-<sessionID>`: Doctor Claude's activity for one session (day).
    case doctor
    /// `alerts-<YYYY-MM-DD>`: alerts sent, suppressed or failed on one New York date.
    case alerts
    /// `observations-<cycleID>`: prices of a cycle's top candidates after its decisions.
    case observations
    /// `principal-<principalID>`: a person, service or agent who may act, its roles and keys.
    case principal
    /// `maintenance-ledger`: restores of the ledger from a backup.
    case maintenance
}

extension StreamName {
    public static func cycle(_ id: CycleID) -> StreamName { StreamName(.cycle, id.rawValue) }
    public static func order(_ id: OrderID) -> StreamName { StreamName(.order, id.rawValue) }
    public static func position(account: AccountID, symbol: Symbol) -> StreamName {
        StreamName(.position, "\(account.rawValue)-\(symbol.rawValue)")
    }
    public static func risk(account: AccountID, date: NYDate) -> StreamName { StreamName(.risk, "\(account.rawValue)-\(date)") }
    public static func approval(_ id: ApprovalID) -> StreamName { StreamName(.approval, id.rawValue) }
    public static func reconciliation(account: AccountID, run: ReconciliationRunID) -> StreamName {
        StreamName(.reconciliation, "\(account.rawValue)-\(run.rawValue)")
    }
    public static func doctor(_ session: DoctorSessionID) -> StreamName { StreamName(.doctor, session.rawValue) }
    public static func alerts(_ date: NYDate) -> StreamName { StreamName(.alerts, date.description) }
    public static func observations(_ cycle: CycleID) -> StreamName { StreamName(.observations, cycle.rawValue) }
    public static func principal(_ id: PrincipalID) -> StreamName { StreamName(.principal, id.rawValue) }
}
