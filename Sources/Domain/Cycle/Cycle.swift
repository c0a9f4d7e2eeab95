import Foundation

/// One trading cycle: scan → funnel → rank → risk → orders → fills → monitor → complete
/// (docs/operations.md §The trading workflow). Its stream also holds the scan (one event per candidate) and the signals, because
/// they belong to the cycle and are appended in the same batches as its stage transitions.
public enum Cycle {
    public static func stream(_ id: CycleID) -> StreamName { .cycle(id) }

    /// Stage-1 rejections are written in chunks of this many symbols, so that a 4,000-symbol universe
    /// never yields one huge event: the whole scan is still appended as one atomic batch
    /// (docs/architecture.md §The event store).
    public static let universeRejectionChunkSize = 500
}

/// How aggressively a cycle trades (the seeds' `mode`).
public enum CycleMode: String, Sendable, Codable, CaseIterable {
    case normal, aggressive, conservative
}

/// Whether approvals go straight to orders or wait for a human (the seeds' overloaded `mode`, split).
public enum SessionMode: String, Sendable, Codable, CaseIterable {
    case autonomous, supervised
}

/// The steps of a cycle, in order.
public enum CycleStage: String, Sendable, Codable, CaseIterable, Comparable {
    case scan, funnel, rank, risk, orders, fills, monitor

    public static func < (l: Self, r: Self) -> Bool { allCases.firstIndex(of: l)! < allCases.firstIndex(of: r)! }
}

public enum CycleStatus: String, Sendable, Codable, CaseIterable {
    case running, completed, stopped, failed

    public var isFinished: Bool { self != .running }
}

/// The funnel's sizes per stage (configuration; 100 → 35 → 20 → 10 → 5 originally).
public struct FunnelSizes: Hashable, Sendable, Codable {
    public var universe: Int
    public var catalyst: Int
    public var technical: Int
    public var pattern: Int
    public var final: Int

    public init(universe: Int, catalyst: Int, technical: Int, pattern: Int, final: Int) {
        self.universe = universe
        self.catalyst = catalyst
        self.technical = technical
        self.pattern = pattern
        self.final = final
    }

    public static let original = FunnelSizes(universe: 100, catalyst: 35, technical: 20, pattern: 10, final: 5)

    var isNarrowing: Bool {
        final > 0 && final <= pattern && pattern <= technical && technical <= catalyst && catalyst <= universe
    }
}

/// A symbol dropped by stage 1 (price, volume, tradability, data quality), with a stable reason code.
public struct UniverseRejection: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var reason: String
    public var detail: String?

    public init(symbol: Symbol, reason: String, detail: String? = nil) {
        self.symbol = symbol
        self.reason = reason
        self.detail = detail
    }
}

/// How many candidates passed a funnel stage.
public struct StageCount: Hashable, Sendable, Codable {
    public var stage: FunnelStage
    public var passed: Int

    public init(stage: FunnelStage, passed: Int) {
        self.stage = stage
        self.passed = passed
    }
}

/// Counts for the completion record.
public struct CycleSummary: Hashable, Sendable, Codable {
    public var candidates: Int
    public var signals: Int
    public var approvals: Int
    public var denials: Int
    public var orders: Int
    public var fills: Int

    public init(candidates: Int, signals: Int, approvals: Int, denials: Int, orders: Int, fills: Int) {
        self.candidates = candidates
        self.signals = signals
        self.approvals = approvals
        self.denials = denials
        self.orders = orders
        self.fills = fills
    }
}
